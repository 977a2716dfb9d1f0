"""Build the snapshot of one survey from the grouped counts (format: ``docs/results.md``).

``build_survey`` rakes first (the counts apply the raked cell weights directly, and
``Response.weight`` is written with the same numbers afterwards), runs the queries of
:mod:`app.results.survey_queries`, then assembles

- the main snapshot (scope ``survey``): every question overall, the timeline, the
  demographic groups, the weighting report and representativeness, the staff-only
  "Sonstiges" texts;
- one cross-tab snapshot per demographic question (scope ``survey_crosstab``,
  id = that question): every other question split by its groups. A filtered page
  ("Ergebnisse für die Gemeinde Lehre") is one column of it.

Public patterns (small-cell suppression) are added by :mod:`app.results.survey_public`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.results import survey_queries as q
from app.results.distributions import (
    COUNTED_KINDS,
    NO_SUMS,
    QuestionInfo,
    choice_distribution,
    number_distribution,
    ranking_result,
    total,
)
from app.results.margins import load_margins
from app.results.stats import percent, wilson_percent
from app.results.survey_public import annotate_crosstab, annotate_survey
from app.results.weighting import Margin, rake
from app.surveys.models import QuestionKind, Survey

FORMAT = 1
OTHER_TEXTS_LIMIT = 500
GROUPING_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE})
# Kinds with several answer rows per respondent: their n needs COUNT(DISTINCT).
RESPONDENT_KINDS = frozenset({QuestionKind.MULTIPLE_CHOICE, QuestionKind.MATRIX})
# Kinds counted only by who answered (one row per respondent).
PRESENCE_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.DATE})
Progress = Callable[[str], None]
Cells = dict[int | None, dict[Any, q.Sums]]  # row id → key → sums


def group_key(group: q.GroupKey) -> str:
    return "none" if group is None else str(group)


@dataclass
class Counts:
    """The query results, indexed by (dimension, group)."""

    cells: dict[tuple[int, q.GroupKey], dict[int, Cells]] = field(default_factory=dict)
    respondents: dict[tuple[int, q.GroupKey], dict[int, q.Sums]] = field(default_factory=dict)

    def of(self, dimension: int, group: q.GroupKey, question_id: int) -> Cells:
        return self.cells.get((dimension, group), {}).get(question_id, {})

    def base(self, dimension: int, group: q.GroupKey, question_id: int) -> q.Sums:
        return self.respondents.get((dimension, group), {}).get(question_id, NO_SUMS)


@dataclass
class SurveyBuild:
    main: dict[str, Any]
    crosstabs: dict[int, dict[str, Any]]


def _key(question: QuestionInfo, cell: q.AnswerCell) -> Any:
    if question.kind == QuestionKind.RANKING:
        return (cell.option_id, cell.rank)
    if question.kind == QuestionKind.NUMBER:
        return cell.value
    return cell.option_id


def _index(
    questions: dict[int, QuestionInfo],
    cells: list[q.AnswerCell],
    respondents: list[q.GroupCount],
) -> Counts:
    counts = Counts()
    for cell in cells:
        question = questions[cell.question_id]
        by_question = counts.cells.setdefault((cell.dimension, cell.group), {})
        rows = by_question.setdefault(cell.question_id, {})
        rows.setdefault(cell.row_id, {})[_key(question, cell)] = cell.sums
    for row in respondents:
        counts.respondents.setdefault((row.dimension, row.group), {})[row.key] = row.sums
    return counts


def question_result(
    question: QuestionInfo, counts: Counts, dimension: int, group: q.GroupKey, weighted: bool
) -> dict[str, Any]:
    """One question in one group: its items' distributions or its ranking."""
    cells = counts.of(dimension, group, question.id)
    entry: dict[str, Any] = {"id": question.id, "kind": question.kind.value}
    kind = question.kind
    if kind == QuestionKind.RANKING:
        entry["ranking"] = ranking_result(question, cells.get(None, {}), weighted)
        entry["n"] = entry["ranking"]["n"]
        return entry
    if kind == QuestionKind.NUMBER:
        dist = number_distribution(cells.get(None, {}), weighted)
        entry["n"] = dist["n"]
        entry["items"] = [{"row_id": None, **dist}]
        return entry
    if kind in PRESENCE_KINDS:
        entry["n"] = sum(s.count for s in cells.get(None, {}).values())
        return entry
    base = counts.base(dimension, group, question.id)
    rows: list[int | None] = list(question.rows) if kind == QuestionKind.MATRIX else [None]
    own_base = base if kind == QuestionKind.MULTIPLE_CHOICE else None
    entry["items"] = [
        {"row_id": row, **choice_distribution(question, cells.get(row, {}), own_base, weighted)}
        for row in rows
    ]
    entry["n"] = base.count if kind in RESPONDENT_KINDS else entry["items"][0]["n"]
    return entry


# --- weighting ---------------------------------------------------------------------


def _dimensions(
    survey: Survey, demographics: list[QuestionInfo], profiled: sa.Table
) -> tuple[q.Dimensions, dict[str, Any], dict[q.CellKey, int]]:
    """The demographic split and, with margins, the raking weights and their report."""
    ids = [d.id for d in demographics]
    options = [[o.id for o in d.options] for d in demographics]
    margins, settings = load_margins(survey.id)
    ignored = [m.question_id for m in margins if m.question_id not in ids]
    margins = [m for m in margins if m.question_id in ids]
    if not margins:
        return q.Dimensions(ids, options), {"active": False, "ignored": ignored}, {}
    positions = [ids.index(m.question_id) for m in margins]
    cells = q.margin_cells(profiled, positions)
    weights, report = rake(cells, margins, settings.trim_cap)
    weighting = {
        "active": True,
        "cap": settings.trim_cap,
        "source": settings.source,
        "report": report.as_dict(),
        "margins": [{"question_id": m.question_id, "shares": _shares(m)} for m in margins],
        "ignored": ignored,
    }
    return q.Dimensions(ids, options, positions, weights), weighting, cells


def _shares(margin: Margin) -> dict[str, float]:
    return {str(option): round(100 * share, 4) for option, share in margin.shares.items()}


def _representativeness(
    weighting: dict[str, Any], results: dict[int, dict[str, Any]], everyone: int
) -> None:
    """Sample vs population share per margin category (shares of those with a category)."""
    for margin in weighting.get("margins", []):
        dist = results[margin["question_id"]]["items"][0]
        cells = {o["id"]: o for o in dist["options"]}
        known = [cells[int(o)] for o in margin["shares"] if int(o) in cells]
        known_n = sum(c["count"] for c in known)
        known_w = sum(c.get("wcount") or 0.0 for c in known)
        margin["categories"] = [
            {
                "option_id": int(option),
                "population": share,
                "count": cells.get(int(option), {}).get("count", 0),
                "sample": percent(cells.get(int(option), {}).get("count", 0), known_n),
                "sample_ci": wilson_percent(cells.get(int(option), {}).get("count", 0), known_n),
                "weighted": percent(cells.get(int(option), {}).get("wcount") or 0.0, known_w),
            }
            for option, share in margin["shares"].items()
        ]
        for category in margin["categories"]:
            sample = category["sample"]
            diff = None if sample is None else round(sample - category["population"], 2)
            category["diff_pp"] = diff
        margin["missing"] = everyone - known_n


def _count(
    survey: Survey,
    infos: list[QuestionInfo],
    demographics: list[QuestionInfo],
    profiled: sa.Table,
    step: Progress,
) -> tuple[Counts, q.Dimensions, dict[str, Any], q.Sums, list[dict[str, Any]], dict[str, int]]:
    """Every statement that reads the profile: weights, answer cells, respondents."""
    dims, weighting, margin_cells = _dimensions(survey, demographics, profiled)
    timeline, channels = _timeline(survey.id)
    everyone = _everyone(dims, margin_cells, channels)
    if dims.weighted:
        q.write_weights(profiled, dims)
    else:
        q.reset_weights(survey.id)
    step("weights")
    counted = [i.id for i in infos if i.kind in COUNTED_KINDS | PRESENCE_KINDS]
    cells = q.answer_cells(profiled, counted, dims)
    step("answers")
    respondent_ids = [i.id for i in infos if i.kind in RESPONDENT_KINDS]
    respondents = q.respondent_counts(profiled, respondent_ids, dims)
    step("respondents")
    counts = _index({i.id: i for i in infos}, cells, respondents)
    return counts, dims, weighting, everyone, timeline, channels


# --- assembling --------------------------------------------------------------------


def _timeline(survey_id: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    days: dict[str, dict[str, Any]] = {}
    channels: dict[str, int] = defaultdict(int)
    for day, channel, n in q.timeline(survey_id):
        if day is None:
            continue
        entry = days.setdefault(day.isoformat(), {"day": day.isoformat(), "online": 0, "paper": 0})
        entry[channel] = entry.get(channel, 0) + n
        channels[channel] += n
    return list(days.values()), dict(channels)


def _other(survey_id: int, questions: list[QuestionInfo]) -> dict[str, Any]:
    option_ids = [o.id for question in questions for o in question.options if o.is_other]
    found = q.other_texts(survey_id, option_ids, OTHER_TEXTS_LIMIT)
    out = {}
    for option in option_ids:
        typed = found.get(option, q.OtherTexts([], 0))
        out[str(option)] = {
            "texts": [[text, n] for text, n in typed.texts],
            "distinct": typed.distinct,
            "more": typed.distinct - len(typed.texts),
        }
    return out


def _group_sizes(
    demographic: QuestionInfo, counts: Counts, everyone: q.Sums
) -> list[dict[str, Any]]:
    """Respondents per option of a demographic question (single choice: one answer
    each), and those who did not answer it."""
    cells = counts.of(q.OVERALL, None, demographic.id).get(None, {})
    sizes = [(str(o.id), o.id, cells.get(o.id, NO_SUMS)) for o in demographic.options]
    answered = total([s for _k, _o, s in sizes])
    missing = q.Sums(
        everyone.count - answered.count,
        everyone.weight - answered.weight,
        everyone.weight_sq - answered.weight_sq,
    )
    return [
        {"key": key, "option_id": option, "n": s.count, "wn": round(s.weight, 4)}
        for key, option, s in [*sizes, ("none", None, missing)]
    ]


def _row_percentages(overall: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
    """Add ``rpct`` (and ``wrpct``): the cell as a share of its row (the option overall)."""
    for index, item in enumerate(overall.get("items", [])):
        for position, option in enumerate(item["options"]):
            for column in columns.values():
                cell = column["items"][index]["options"][position]
                cell["rpct"] = percent(cell["count"], option["count"])
                if "wcount" in cell:
                    cell["wrpct"] = percent(cell["wcount"] or 0.0, option["wcount"] or 0.0)


def _crosstab(
    demographic: QuestionInfo,
    dimension: int,
    questions: list[QuestionInfo],
    counts: Counts,
    results: dict[int, dict[str, Any]],
    weighted: bool,
) -> dict[str, Any]:
    groups: list[q.GroupKey] = [o.id for o in demographic.options] + [None]
    out: dict[str, Any] = {}
    for question in questions:
        if question.id == demographic.id:
            continue
        columns = {
            group_key(g): question_result(question, counts, dimension, g, weighted) for g in groups
        }
        for column in columns.values():
            for item in column.get("items", []):
                item.pop("histogram", None)
        _row_percentages(results[question.id], columns)
        out[str(question.id)] = {"id": question.id, "kind": question.kind.value, "columns": columns}
    return out


def _everyone(dims: q.Dimensions, cells: dict[q.CellKey, int], channels: dict[str, int]) -> q.Sums:
    n = sum(channels.values())
    if not dims.weights:
        return q.Sums(n, float(n), float(n))
    weights = [(c, dims.weights.get(key, 1.0)) for key, c in cells.items()]
    return q.Sums(n, sum(c * w for c, w in weights), sum(c * w * w for c, w in weights))


def build_survey(survey: Survey, progress: Progress | None = None) -> SurveyBuild:
    """Count everything of ``survey`` (call inside one snapshot transaction)."""
    step = progress or (lambda _name: None)
    infos = [QuestionInfo.of(question) for question in survey.questions]
    by_id = {info.id: info for info in infos}
    demographics = [i for i in infos if i.demographic and i.kind in GROUPING_KINDS]
    profiled = q.create_profile(survey.id, [d.id for d in demographics])
    counts, dims, weighting, everyone, timeline, channels = _count(
        survey, infos, demographics, profiled, step
    )
    q.release_profile(profiled)
    weighted = dims.weighted
    results = {i.id: question_result(i, counts, q.OVERALL, None, weighted) for i in infos}
    if weighted:
        _representativeness(weighting, results, everyone.count)
    main: dict[str, Any] = {
        "format": FORMAT,
        "scope": "survey",
        "survey_id": survey.id,
        "threshold": survey.suppression_threshold,
        "weighted": weighted,
        "respondents": {"n": everyone.count, "wn": round(everyone.weight, 4), **channels},
        "questions": [results[i.id] for i in infos],
        "timeline": timeline,
        "demographics": [
            {"question_id": d.id, "groups": _group_sizes(d, counts, everyone)} for d in demographics
        ],
        "weighting": weighting,
        "staff": {"other_texts": _other(survey.id, infos)},
    }
    step("texts")
    crosstabs = {}
    for index, demographic in enumerate(demographics):
        crosstabs[demographic.id] = {
            "format": FORMAT,
            "scope": "survey_crosstab",
            "survey_id": survey.id,
            "by": demographic.id,
            "questions": _crosstab(demographic, index, infos, counts, results, weighted),
        }
        step("crosstab")
    annotate_survey(main, by_id, survey.suppression_threshold)
    for crosstab in crosstabs.values():
        annotate_crosstab(crosstab, main, by_id, survey.suppression_threshold)
    return SurveyBuild(main, crosstabs)
