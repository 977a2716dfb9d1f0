"""The public pattern of a survey snapshot: what small-cell suppression hides.

Computed when the snapshot is built (the threshold is the survey's), stored next
to the numbers as ``"public"`` keys, and applied by :mod:`app.results.views`:

- a distribution: ``{"hidden", "cells": [option ids], "valid", "stats"}``. ``valid``
  false: the "no answer" count is hidden, so everything "of valid answers" (valid n,
  ``vpct``) is hidden too, as it would reveal it. ``stats`` false: mean, sd and
  quartiles are hidden (see :func:`stats_public`).
- a ranking: ``{"hidden", "items": [option ids]}``; the count per rank is staff-only.
- a demographic group: ``"hidden"`` (no filtered page, no column in cross-tabs).
- a cross-tab column: the same as a distribution, from the table's pattern, so a
  filtered page and the cross-tab hide the same cells.
"""

from __future__ import annotations

from typing import Any

from app.results.distributions import QuestionInfo
from app.results.suppression import (
    grow_union,
    hidden_groups,
    suppress_distribution,
    suppress_table,
)
from app.surveys.models import QuestionKind

# Means are published to one decimal. Hidden cells of a distribution stay hidden
# from its mean if n is at least this many times the scale's range: the rounding
# then leaves more than one unit of doubt in any hidden count.
STATS_SAFE_FACTOR = 20


def stats_public(valid: int, hidden_cells: bool, threshold: int, score_range: float) -> bool:
    if valid < threshold:
        return False
    return not hidden_cells or valid >= STATS_SAFE_FACTOR * max(score_range, 1.0)


def _hidden_everything() -> dict[str, Any]:
    return {"hidden": True, "cells": [], "valid": False, "stats": False}


def _distribution_pattern(
    dist: dict[str, Any], question: QuestionInfo, hidden_ids: set[int], threshold: int
) -> dict[str, Any]:
    if 0 < dist["n"] < threshold:
        return _hidden_everything()
    na_hidden = any(o["na"] and o["id"] in hidden_ids for o in dist["options"])
    return {
        "hidden": False,
        "cells": sorted(hidden_ids),
        "valid": not na_hidden,
        "stats": stats_public(dist["valid"], bool(hidden_ids), threshold, question.score_range),
    }


def _annotate_item(dist: dict[str, Any], question: QuestionInfo, threshold: int) -> None:
    if question.kind == QuestionKind.NUMBER:
        small = 0 < dist["n"] < threshold
        dist["public"] = {"hidden": small, "cells": [], "valid": True, "stats": not small}
        return
    counts = [o["count"] for o in dist["options"]]
    positions = suppress_distribution(counts, threshold, additive=question.additive)
    hidden_ids = {dist["options"][i]["id"] for i in positions}
    dist["public"] = _distribution_pattern(dist, question, hidden_ids, threshold)


def _annotate_ranking(ranking: dict[str, Any], threshold: int) -> None:
    small = 0 < ranking["n"] < threshold
    items = [i["id"] for i in ranking["items"] if 0 < i["ranked"] < threshold]
    ranking["public"] = {"hidden": small, "items": items}


def annotate_question(entry: dict[str, Any], question: QuestionInfo, threshold: int) -> None:
    entry["public"] = {"hidden": 0 < entry["n"] < threshold}
    if "ranking" in entry:
        _annotate_ranking(entry["ranking"], threshold)
    for item in entry.get("items", []):
        _annotate_item(item, question, threshold)


def annotate_survey(main: dict[str, Any], questions: dict[int, QuestionInfo], k: int) -> None:
    for entry in main["questions"]:
        annotate_question(entry, questions[entry["id"]], k)
    by_id = {entry["id"]: entry for entry in main["questions"]}
    for demographic in main["demographics"]:
        _annotate_groups(demographic, by_id[demographic["question_id"]], k)


def _annotate_groups(demographic: dict[str, Any], entry: dict[str, Any], k: int) -> None:
    """Which groups get no filtered page, and whose size is hidden.

    A size is shown exactly where the demographic question's own distribution shows
    it, and a group whose size is hidden has no page (its page would show the size).
    """
    dist = entry["items"][0]
    pattern = dist["public"]
    size_hidden = {
        str(o["id"]) for o in dist["options"] if pattern["hidden"] or o["id"] in pattern["cells"]
    }
    sizes = {g["key"]: g["n"] for g in demographic["groups"]}
    hidden = hidden_groups(sizes, k) | {key for key in size_hidden if sizes.get(key, 0) > 0}
    grow_union(sizes, hidden, k)
    for group in demographic["groups"]:
        group["hidden"] = group["key"] in hidden
        group["size_hidden"] = group["key"] in size_hidden


# --- cross-tabs --------------------------------------------------------------------


def _column_pattern(
    column: dict[str, Any],
    question: QuestionInfo,
    cells: set[int],
    hidden: bool,
    threshold: int,
) -> dict[str, Any]:
    if hidden:
        return _hidden_everything()
    return _distribution_pattern(column, question, cells, threshold)


def annotate_columns(
    question: QuestionInfo,
    overall: dict[str, Any],
    dists: list[dict[str, Any]],
    hidden_at: set[int],
    threshold: int,
) -> None:
    """The public pattern of the columns of one item: its table, totals shown."""
    options = overall["options"]
    cells = [[d["options"][i]["count"] for d in dists] for i in range(len(options))]
    hidden_rows = {i for i, o in enumerate(options) if o["id"] in overall["public"]["cells"]}
    if overall["public"]["hidden"]:
        hidden_rows = set(range(len(options)))
    pattern = suppress_table(
        cells,
        [d["n"] for d in dists],
        threshold,
        hidden_rows=hidden_rows,
        hidden_columns=hidden_at,
        additive=question.additive,
    )
    for j, dist in enumerate(dists):
        hidden_ids = {options[i]["id"] for i, col in pattern.cells if col == j}
        dist["public"] = _column_pattern(
            dist, question, hidden_ids, pattern.hidden or j in pattern.columns, threshold
        )
        dist["public"]["row_hidden"] = sorted(options[i]["id"] for i in hidden_rows)


def _number_table(
    index: int, columns: list[dict[str, Any]], hidden_groups_at: set[int], threshold: int
) -> None:
    dists = [c["items"][index] for c in columns]
    pattern = suppress_table(
        [],
        [d["n"] for d in dists],
        threshold,
        hidden_rows=set(),
        hidden_columns=hidden_groups_at,
        additive=False,
    )
    for j, dist in enumerate(dists):
        hidden = j in pattern.columns
        dist["public"] = {"hidden": hidden, "cells": [], "valid": True, "stats": not hidden}


def _ranking_table(
    overall: dict[str, Any],
    columns: list[dict[str, Any]],
    hidden_groups_at: set[int],
    threshold: int,
) -> None:
    rankings = [c["ranking"] for c in columns]
    items = overall["items"]
    cells = [[r["items"][i]["ranked"] for r in rankings] for i in range(len(items))]
    hidden_rows = {i for i, item in enumerate(items) if item["id"] in overall["public"]["items"]}
    pattern = suppress_table(
        cells,
        [r["n"] for r in rankings],
        threshold,
        hidden_rows=hidden_rows,
        hidden_columns=hidden_groups_at,
        additive=False,
        row_mass=True,
    )
    for j, ranking in enumerate(rankings):
        hidden = pattern.hidden or j in pattern.columns or bool(overall["public"]["hidden"])
        ids = sorted(items[i]["id"] for i, col in pattern.cells if col == j)
        ranking["public"] = {"hidden": hidden, "items": ids}


def annotate_crosstab(
    crosstab: dict[str, Any],
    main: dict[str, Any],
    questions: dict[int, QuestionInfo],
    threshold: int,
) -> None:
    demographic = next(d for d in main["demographics"] if d["question_id"] == crosstab["by"])
    keys = [g["key"] for g in demographic["groups"]]
    hidden_at = {j for j, g in enumerate(demographic["groups"]) if g["hidden"]}
    overall_by_id = {entry["id"]: entry for entry in main["questions"]}
    for question_id, table in crosstab["questions"].items():
        question = questions[int(question_id)]
        overall = overall_by_id[question.id]
        columns = [table["columns"][key] for key in keys]
        # Who answered the question, per group: small ones hidden, and together the
        # hidden ones are 0 or ≥ k (else "everyone minus the shown groups" tells).
        answered = suppress_table(
            [],
            [c["n"] for c in columns],
            threshold,
            hidden_rows=set(),
            hidden_columns=hidden_at,
            additive=False,
        ).columns
        if overall["public"]["hidden"]:
            answered = set(range(len(columns)))
        for j, column in enumerate(columns):
            column["public"] = {"hidden": j in answered}
        if question.kind == QuestionKind.RANKING:
            _ranking_table(overall["ranking"], columns, answered, threshold)
        elif question.kind == QuestionKind.NUMBER:
            _number_table(0, columns, answered, threshold)
        else:
            for index, item in enumerate(overall.get("items", [])):
                dists = [c["items"][index] for c in columns]
                annotate_columns(question, item, dists, answered, threshold)
