"""Reading stored results: the public (suppressed) and the staff (unsuppressed) views.

Pages never count; they call these functions, which read the stored snapshot rows
(scopes ``survey``, ``survey_crosstab``, ``process_results``) and apply the public
pattern stored with the numbers (:mod:`app.results.survey_public`). Suppressed
numbers become ``None`` with ``"suppressed": true``; a hidden distribution,
column or group becomes ``{"hidden": true}`` without any number. Whether the
public may see results at all (the survey's ``results_visibility``) is decided by
the caller through ``app.core.policy``.

Staff views return the stored numbers with a ``warning`` block; every staff view of
subgroup data (a filter, a cross-tab) is audited as ``results.unsuppressed_view``.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa

from app.audit.services import record
from app.extensions import db
from app.results.build import CROSSTAB_SCOPE, PROCESS_RESULTS_SCOPE
from app.results.models import Aggregate
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import Survey

PUBLIC_STATS_DIGITS = 1
WEIGHTED_DIST_KEYS = ("wn", "wvalid", "neff")
CELL_KEYS = ("count", "pct", "vpct", "ci", "wcount", "wpct", "wvpct", "wci", "rpct", "wrpct")


def stored(scope: str, scope_id: int) -> dict[str, Any] | None:
    """The data of a computed snapshot row, or None before the first rebuild."""
    return db.session.scalar(
        sa.select(Aggregate.data).where(
            Aggregate.scope == scope,
            Aggregate.scope_id == scope_id,
            Aggregate.computed_at.is_not(None),
        )
    )


def stamp(scope: str, scope_id: int) -> tuple[int, str] | None:
    """The stored snapshot's version and computed time (without reading its data), or
    None before the first rebuild: what a kept page is keyed by."""
    found = db.session.execute(
        sa.select(Aggregate.version, Aggregate.computed_at).where(
            Aggregate.scope == scope,
            Aggregate.scope_id == scope_id,
            Aggregate.computed_at.is_not(None),
        )
    ).first()
    return None if found is None else (found.version, found.computed_at.isoformat())


# --- masking -----------------------------------------------------------------------


def _public_stats(stats: dict[str, Any] | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    keep = ("mean", "sd", "q1", "median", "q3")  # n is the valid n, shown (or not) apart
    return {
        k: (round(v, PUBLIC_STATS_DIGITS) if isinstance(v, float) else v)
        for k, v in stats.items()
        if k in keep
    }


def public_distribution(dist: dict[str, Any]) -> dict[str, Any]:
    pattern = dist.get("public") or {}
    if pattern.get("hidden"):
        return {"row_id": dist.get("row_id"), "hidden": True}
    out = {k: v for k, v in dist.items() if k not in ("public", "histogram")}
    hidden, row_hidden = set(pattern.get("cells", [])), set(pattern.get("row_hidden", []))
    options = []
    for option in dist["options"]:
        cell = dict(option)
        if option["id"] in hidden:
            cell.update({k: None for k in CELL_KEYS if k in cell}, suppressed=True)
        if option["id"] in row_hidden:
            cell.update({k: None for k in ("rpct", "wrpct") if k in cell})
        if not pattern.get("valid", True) and not option["na"]:
            cell.update({k: None for k in ("vpct", "ci", "wvpct", "wci") if k in cell})
        options.append(cell)
    out["options"] = options
    if not pattern.get("valid", True):
        out.update({k: None for k in ("valid", "wvalid", "neff") if k in out}, valid_hidden=True)
    stats_shown = pattern.get("stats", False)
    out["stats"] = _public_stats(out.get("stats")) if stats_shown else None
    if "wstats" in out:
        out["wstats"] = _public_stats(out["wstats"]) if stats_shown else None
    return out


def public_ranking(ranking: dict[str, Any]) -> dict[str, Any]:
    pattern = ranking.get("public") or {}
    if pattern.get("hidden"):
        return {"hidden": True}
    hidden = set(pattern.get("items", []))
    items = []
    for item in ranking["items"]:
        cell = {k: v for k, v in item.items() if k != "by_rank"}
        if item["id"] in hidden:
            cell = {"id": item["id"], "suppressed": True}
        items.append(cell)
    return {k: v for k, v in ranking.items() if k not in ("public", "items")} | {"items": items}


def public_question(entry: dict[str, Any]) -> dict[str, Any]:
    if (entry.get("public") or {}).get("hidden"):
        return {"id": entry["id"], "kind": entry["kind"], "hidden": True}
    out: dict[str, Any] = {"id": entry["id"], "kind": entry["kind"], "n": entry["n"]}
    if "items" in entry:
        out["items"] = [public_distribution(item) for item in entry["items"]]
    if "ranking" in entry:
        out["ranking"] = public_ranking(entry["ranking"])
    return out


def _public_groups(demographic: dict[str, Any]) -> dict[str, Any]:
    groups = []
    for group in demographic["groups"]:
        shown = {k: group[k] for k in ("key", "option_id", "hidden")}
        size_hidden = group.get("size_hidden")
        shown["n"] = None if size_hidden else group["n"]
        shown["wn"] = None if size_hidden else group.get("wn")
        groups.append(shown)
    return {"question_id": demographic["question_id"], "groups": groups}


def _public_weighting(weighting: dict[str, Any], questions: dict[int, Any]) -> dict[str, Any]:
    if not weighting.get("active"):
        return {"active": False}
    out = copy.deepcopy(weighting)
    for margin in out.get("margins", []):
        dist = questions[margin["question_id"]]["items"][0]
        pattern = dist["public"]
        for category in margin.get("categories", []):
            hide = pattern["hidden"] or not pattern["valid"]
            if hide or category["option_id"] in pattern["cells"]:
                category.update(
                    count=None, sample=None, sample_ci=None, weighted=None, diff_pp=None
                )
                category["suppressed"] = True
        margin.pop("missing", None)
    return out


def public_survey_data(main: dict[str, Any]) -> dict[str, Any]:
    """The public view of a main survey snapshot."""
    questions = {entry["id"]: entry for entry in main["questions"]}
    out = {k: v for k, v in main.items() if k not in ("staff", "questions", "demographics")}
    out["questions"] = [public_question(entry) for entry in main["questions"]]
    out["demographics"] = [_public_groups(d) for d in main["demographics"]]
    out["weighting"] = _public_weighting(main["weighting"], questions)
    return out


# --- surveys -----------------------------------------------------------------------


def public_survey(survey_id: int) -> dict[str, Any] | None:
    main = stored(SURVEY_SCOPE, survey_id)
    return None if main is None else public_survey_data(main)


def _group(main: dict[str, Any], option_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
    for demographic in main["demographics"]:
        for group in demographic["groups"]:
            if group["option_id"] == option_id:
                return demographic, group
    return None


def _filtered(main: dict[str, Any], option_id: int, public: bool) -> dict[str, Any] | None:
    found = _group(main, option_id)
    if found is None:
        return None
    demographic, group = found
    head = {k: main[k] for k in ("survey_id", "version", "as_of", "threshold", "weighted")}
    head["filter"] = {"question_id": demographic["question_id"], "option_id": option_id}
    if public and group["hidden"]:
        return head | {"hidden": True}
    crosstab = stored(CROSSTAB_SCOPE, demographic["question_id"]) or {"questions": {}}
    head["filter"]["n"] = group["n"]
    key = group["key"]
    columns = [
        crosstab["questions"][str(entry["id"])]["columns"][key]
        for entry in main["questions"]
        if str(entry["id"]) in crosstab["questions"]
    ]
    head["questions"] = [public_question(c) for c in columns] if public else columns
    return head


def public_filter(survey_id: int, option_id: int) -> dict[str, Any] | None:
    """ "Ergebnisse für die Gemeinde Lehre": everything within one demographic group."""
    main = stored(SURVEY_SCOPE, survey_id)
    return None if main is None else _filtered(main, option_id, public=True)


def public_crosstab(survey_id: int, by: int) -> dict[str, Any] | None:
    """Every question by the groups of demographic question ``by`` (hidden groups out)."""
    main, crosstab = stored(SURVEY_SCOPE, survey_id), stored(CROSSTAB_SCOPE, by)
    if main is None or crosstab is None or crosstab.get("survey_id") != survey_id:
        return None
    demographic = next(d for d in main["demographics"] if d["question_id"] == by)
    questions = {
        qid: {
            "id": table["id"],
            "kind": table["kind"],
            "columns": {key: public_question(column) for key, column in table["columns"].items()},
        }
        for qid, table in crosstab["questions"].items()
    }
    return {k: crosstab[k] for k in ("survey_id", "by", "version", "as_of")} | {
        "groups": _public_groups(demographic)["groups"],
        "questions": questions,
    }


def _warning(data: dict[str, Any]) -> dict[str, Any]:
    return {"unsuppressed": True, "threshold": data.get("threshold")}


def record_unsuppressed_view(survey: Survey, actor: Any, what: dict[str, Any]) -> None:
    """Audit a staff view of unsuppressed subgroup results (call before rendering)."""
    record(
        "results.unsuppressed_view",
        survey,
        actor=actor,
        process_id=survey.process_id,
        after=what,
    )


def staff_survey(survey: Survey) -> dict[str, Any] | None:
    main = stored(SURVEY_SCOPE, survey.id)
    return None if main is None else main | {"warning": _warning(main)}


def staff_filter(survey: Survey, option_id: int, actor: Any) -> dict[str, Any] | None:
    main = stored(SURVEY_SCOPE, survey.id)
    data = None if main is None else _filtered(main, option_id, public=False)
    if data is None:
        return None
    record_unsuppressed_view(survey, actor, {"filter_option_id": option_id})
    return data | {"warning": _warning(main or {})}


def staff_crosstab(survey: Survey, by: int, actor: Any) -> dict[str, Any] | None:
    crosstab = stored(CROSSTAB_SCOPE, by)
    if crosstab is None or crosstab.get("survey_id") != survey.id:
        return None
    record_unsuppressed_view(survey, actor, {"crosstab_by": by})
    return crosstab | {"warning": {"unsuppressed": True, "threshold": survey.suppression_threshold}}


# --- processes ---------------------------------------------------------------------


def public_process(process_id: int) -> dict[str, Any] | None:
    """Ratings (overall and per stakeholder group, suppressed) and published comments."""
    data = stored(PROCESS_RESULTS_SCOPE, process_id)
    if data is None:
        return None
    ratings = {}
    for goal_id, goal in data["ratings"].items():
        hidden = set(goal["hidden_groups"])
        ratings[goal_id] = {
            "raters": goal["raters"],
            "raters_by_group": {
                g: (None if g in hidden else n) for g, n in goal["raters_by_group"].items()
            },
            "questions": {
                key: {
                    "overall": public_distribution(q["overall"]),
                    "groups": {g: public_distribution(d) for g, d in q["groups"].items()},
                }
                for key, q in goal["questions"].items()
            },
        }
    comments = {
        goal_id: {k: v for k, v in counts.items() if k != "by_status"}
        for goal_id, counts in data["comments"].items()
    }
    keep = ("format", "process_id", "version", "as_of", "threshold", "groups", "questions")
    return {k: data[k] for k in keep} | {"ratings": ratings, "comments": comments}


def staff_process(process: Any, actor: Any) -> dict[str, Any] | None:
    """Everything, consensus included, unsuppressed (audited: it splits by group)."""
    data = stored(PROCESS_RESULTS_SCOPE, process.id)
    if data is None:
        return None
    record("results.unsuppressed_view", process, actor=actor, process_id=process.id)
    return data | {"warning": _warning(data)}
