"""Survey results for the API: the public snapshot views, labelled (issue 14).

Reads only the *public* views of the stored snapshot (``snapshots.public_survey``,
``public_filter``, ``public_crosstab``), never the staff ones, so every number
small-cell suppression hides is ``null`` here exactly as on the public results
pages (a hidden cell has ``suppressed: true``; a hidden distribution, column or
group has ``hidden: true`` and no number). Nothing is counted on the request: a
filter is one column of the stored cross-tab of its demographic question.

Whether the public sees results at all is ``policy.can_see_survey_results(None, …)``
(the survey's ``results_visibility``: live, after closing, or staff only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.api.reading.common import MAX_ID, localized
from app.core import policy
from app.extensions import db
from app.processes.models import Process
from app.results import snapshots
from app.results.build import CROSSTAB_SCOPE
from app.results.models import Aggregate
from app.results.survey_snapshot import GROUPING_KINDS
from app.results.triggers import SURVEY_SCOPE
from app.surveys.lookups import public_by_id
from app.surveys.models import MatrixRow, Option, Question, QuestionKind, Section, Survey
from app.surveys.models import ResultsVisibility as SurveyResultsVisibility

STATS_KEYS = ("mean", "sd", "q1", "median", "q3")


@dataclass(frozen=True)
class Selection:
    """What the request asks for: everyone, one group (filter) or a cross-tab."""

    filter_question: int | None = None
    filter_option: int | None = None  # the option's id
    filter_value: str | None = None
    crosstab: int | None = None

    @property
    def demographic(self) -> int | None:
        """The demographic question whose cross-tab snapshot the answer reads."""
        return self.filter_question if self.filter_question is not None else self.crosstab


def by_slug(slug: str) -> Survey | None:
    """A public survey (open or closed, of a published process or none) with its process;
    its questions are loaded only when an answer is built."""
    stmt = (
        public_by_id()
        .where(Survey.slug == slug)
        .options(
            so.contains_eager(Survey.process).lazyload(Process.phases),
            so.lazyload(Survey.sections),
        )
    )
    return cast("Survey | None", db.session.scalars(stmt).first())


def _grouping_question(survey_id: int, question_id: int) -> Any:
    return (
        sa.select(Question.id)
        .join(Section, Section.id == Question.section_id)
        .where(
            Section.survey_id == survey_id,
            Question.id == question_id,
            Question.is_demographic.is_(True),
            Question.kind.in_(GROUPING_KINDS),
        )
    )


def is_grouping_question(survey_id: int, question_id: int) -> bool:
    """A demographic single-choice or scale question of the survey (it has a cross-tab)."""
    if question_id > MAX_ID:  # not an id; the database would refuse to compare it
        return False
    return db.session.scalar(_grouping_question(survey_id, question_id)) is not None


def grouping_option(survey_id: int, question_id: int, value: str) -> int | None:
    """The id of option ``value`` of a demographic question of the survey, if any."""
    if question_id > MAX_ID or "\x00" in value:  # no such id or value can be stored
        return None
    found = db.session.scalar(
        sa.select(Option.id).where(
            Option.question_id.in_(_grouping_question(survey_id, question_id)),
            Option.value == value,
        )
    )
    return None if found is None else int(found)


def visible_from(survey: Survey) -> datetime | None:
    """When hidden results become public: the close date, if they wait for it."""
    if survey.results_visibility == SurveyResultsVisibility.AFTER_CLOSE:
        return survey.closes_at
    return None


# --- versions (the ETag) ---------------------------------------------------------------


def snapshot_versions(survey_id: int, selection: Selection) -> tuple[Any, ...] | None:
    """``version`` and ``computed_at`` of the rows the answer reads (one query), or None
    while one of them has not been computed yet."""
    wanted = [(SURVEY_SCOPE, survey_id)]
    if selection.demographic is not None:
        wanted.append((CROSSTAB_SCOPE, selection.demographic))
    rows = db.session.execute(
        sa.select(Aggregate.scope, Aggregate.scope_id, Aggregate.version, Aggregate.computed_at)
        .where(
            sa.or_(*(sa.and_(Aggregate.scope == s, Aggregate.scope_id == i) for s, i in wanted)),
            Aggregate.computed_at.is_not(None),
        )
        .order_by(Aggregate.scope)
    ).all()
    if len(rows) < len(wanted):
        return None
    return tuple(tuple(row) for row in rows)


def texts_version(survey_id: int) -> tuple[Any, ...]:
    """How many questions, options and matrix rows there are and how long their texts
    are (one query): labels may be edited, or translated, while results are public."""

    def of(model: Any, text: Any, question_column: Any) -> list[Any]:
        stmt = sa.select(model.id).select_from(model)
        if model is not Question:
            stmt = stmt.join(Question, Question.id == question_column)
        stmt = stmt.join(Section, Section.id == Question.section_id).where(
            Section.survey_id == survey_id
        )
        measure = sa.func.sum(sa.func.length(sa.cast(text, sa.Text)))
        return [
            stmt.with_only_columns(sa.func.count(model.id)).scalar_subquery(),
            stmt.with_only_columns(measure).scalar_subquery(),
        ]

    columns = [
        *of(Question, Question.prompt, None),
        *of(Option, Option.label, Option.question_id),
        *of(MatrixRow, MatrixRow.label, MatrixRow.question_id),
    ]
    return tuple(db.session.execute(sa.select(*columns)).one())


def version(survey: Survey, selection: Selection, now: datetime) -> tuple[Any, ...] | None:
    """What the answer is made of; None while the needed snapshot is not stored."""
    visible = policy.can_see_survey_results(None, survey, now)
    head = (survey.id, survey.updated_at, repr(survey.title), survey.state, visible)
    if not visible:
        return head
    stored = snapshot_versions(survey.id, selection)
    if stored is None:
        return None
    return (*head, stored, texts_version(survey.id))


# --- building the answer ---------------------------------------------------------------


@dataclass
class Labels:
    """The questionnaire's texts, in the asked language, by id."""

    lang: str
    fallback: str
    questions: dict[int, Question]
    options: dict[int, Option]
    rows: dict[int, MatrixRow]

    @classmethod
    def of(cls, survey: Survey, lang: str) -> Labels:
        """Three queries, whatever the number of questions (no relationship loading)."""
        of_survey = (
            sa.select(Question.id)
            .join(Section, Section.id == Question.section_id)
            .where(Section.survey_id == survey.id)
        )
        questions = {
            q.id: q
            for q in db.session.scalars(
                sa.select(Question)
                .where(Question.id.in_(of_survey))
                .options(so.lazyload(Question.options), so.lazyload(Question.rows))
            )
        }
        options = {
            o.id: o
            for o in db.session.scalars(sa.select(Option).where(Option.question_id.in_(of_survey)))
        }
        rows = {
            r.id: r
            for r in db.session.scalars(
                sa.select(MatrixRow).where(MatrixRow.question_id.in_(of_survey))
            )
        }
        return cls(lang, survey.default_locale, questions, options, rows)

    def text(self, value: dict[str, str] | None) -> dict[str, Any]:
        return localized(value, self.lang, self.fallback)

    def option(self, option_id: int | None) -> dict[str, Any] | None:
        option = self.options.get(option_id) if option_id is not None else None
        if option is None:
            return None
        return {"id": option.id, "value": option.value, "label": self.text(option.label)}


def _stats(stats: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if stats is None else {k: stats.get(k) for k in STATS_KEYS}


def _cell(option: dict[str, Any], labels: Labels, weighted: bool) -> dict[str, Any]:
    described = labels.option(option["id"]) or {"id": option["id"], "value": "", "label": None}
    out = described | {
        "no_answer": bool(option.get("na")),
        "suppressed": bool(option.get("suppressed")),
        "count": option.get("count"),
        "percent": option.get("pct"),
        "valid_percent": option.get("vpct"),
        "ci": option.get("ci"),
        "row_percent": option.get("rpct"),
        "weighted": None,
    }
    if weighted:
        out["weighted"] = {
            "count": option.get("wcount"),
            "percent": option.get("wpct"),
            "valid_percent": option.get("wvpct"),
            "ci": option.get("wci"),
            "row_percent": option.get("wrpct"),
        }
    return out


def _row(row_id: int | None, labels: Labels) -> dict[str, Any] | None:
    row = labels.rows.get(row_id) if row_id is not None else None
    return None if row is None else {"id": row.id, "label": labels.text(row.label)}


def _item(dist: dict[str, Any], labels: Labels, weighted: bool) -> dict[str, Any]:
    row = _row(dist.get("row_id"), labels)
    if dist.get("hidden"):
        return {
            "row": row,
            "hidden": True,
            "n": None,
            "valid": None,
            "options": [],
            "stats": None,
            "weighted": None,
        }
    out = {
        "row": row,
        "hidden": False,
        "n": dist.get("n"),
        "valid": dist.get("valid"),
        "options": [_cell(o, labels, weighted) for o in dist.get("options", [])],
        "stats": _stats(dist.get("stats")),
        "weighted": None,
    }
    if weighted:
        out["weighted"] = {
            "n": dist.get("wn"),
            "valid": dist.get("wvalid"),
            "n_eff": dist.get("neff"),
            "stats": _stats(dist.get("wstats")),
        }
    return out


def _ranking(ranking: dict[str, Any] | None, labels: Labels, weighted: bool) -> Any:
    if ranking is None:
        return None
    if ranking.get("hidden"):
        return {"hidden": True, "n": None, "top_n": None, "items": []}
    items = []
    for entry in ranking["items"]:
        described = labels.option(entry["id"]) or {"id": entry["id"], "value": "", "label": None}
        suppressed = bool(entry.get("suppressed"))
        item = described | {
            "suppressed": suppressed,
            "ranked": entry.get("ranked"),
            "mean_rank": entry.get("mean_rank"),
            "borda": entry.get("borda"),
            "borda_avg": entry.get("borda_avg"),
            "weighted": None,
        }
        if weighted and not suppressed:
            item["weighted"] = {
                "ranked": entry.get("wranked"),
                "mean_rank": entry.get("wmean_rank"),
                "borda": entry.get("wborda"),
                "borda_avg": entry.get("wborda_avg"),
            }
        items.append(item)
    return {"hidden": False, "n": ranking.get("n"), "top_n": ranking.get("top_n"), "items": items}


def _result(entry: dict[str, Any], labels: Labels, weighted: bool) -> dict[str, Any]:
    """One public question (overall, a filter's group or a cross-tab column)."""
    if entry.get("hidden"):
        return {"hidden": True, "n": None, "items": [], "ranking": None}
    return {
        "hidden": False,
        "n": entry.get("n"),
        "items": [_item(d, labels, weighted) for d in entry.get("items", [])],
        "ranking": _ranking(entry.get("ranking"), labels, weighted),
    }


def _prompt(question_id: int, labels: Labels) -> dict[str, Any]:
    question = labels.questions.get(question_id)
    return labels.text(question.prompt if question else None)


def _question_head(question_id: int, kind: str, labels: Labels) -> dict[str, Any]:
    return {"id": question_id, "kind": QuestionKind(kind), "prompt": _prompt(question_id, labels)}


def _group(group: dict[str, Any], labels: Labels) -> dict[str, Any]:
    return {
        "key": group["key"],
        "option": labels.option(group.get("option_id")),
        "hidden": bool(group["hidden"]),
        "n": group.get("n"),
        "weighted_n": group.get("wn"),
    }


def _weighting(weighting: dict[str, Any]) -> dict[str, Any]:
    if not weighting.get("active"):
        return {"active": False, "source": None, "n_eff": None, "design_effect": None}
    report = weighting.get("report") or {}
    return {
        "active": True,
        "source": weighting.get("source") or None,
        "n_eff": report.get("n_eff"),
        "design_effect": report.get("deff"),
    }


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _empty(survey: Survey, visible: bool) -> dict[str, Any]:
    return {
        "survey": survey.slug,
        "visible": visible,
        "visible_from": None if visible else visible_from(survey),
        "as_of": None,
        "version": None,
        "threshold": survey.suppression_threshold,
        "weighted": False,
        "respondents": None,
        "weighting": None,
        "filter": None,
        "crosstab": None,
        "questions": [],
    }


def _overall(main: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    weighted = bool(main["weighted"])
    return [
        _question_head(e["id"], e["kind"], labels)
        | _result(e, labels, weighted)
        | {"columns": None}
        for e in main["questions"]
    ]


def _filtered(
    survey: Survey, main: dict[str, Any], selection: Selection, labels: Labels
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    assert selection.filter_option is not None
    view = snapshots.public_filter(survey.id, selection.filter_option) or {"hidden": True}
    hidden = bool(view.get("hidden"))
    about = {
        "question": selection.filter_question,
        "option": labels.option(selection.filter_option),
        "hidden": hidden,
        "n": None if hidden else view["filter"]["n"],
        "note": (
            f"Fewer than {main['threshold']} respondents are in this group, or its size "
            "would reveal a hidden count: its results are not published."
            if hidden
            else None
        ),
    }
    if hidden:
        return about, []
    weighted = bool(main["weighted"])
    kinds = {e["id"]: e["kind"] for e in main["questions"]}
    questions = [
        _question_head(c["id"], kinds.get(c["id"], c["kind"]), labels)
        | _result(c, labels, weighted)
        | {"columns": None}
        for c in view["questions"]
    ]
    return about, questions


def _crosstab(
    survey: Survey, main: dict[str, Any], by: int, labels: Labels
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    view = snapshots.public_crosstab(survey.id, by)
    groups = [] if view is None else view["groups"]
    about = {
        "question": by,
        "prompt": _prompt(by, labels),
        "groups": [_group(g, labels) for g in groups],
    }
    if view is None:
        return about, []
    weighted = bool(main["weighted"])
    keys = [g["key"] for g in groups]
    questions = []
    for entry in main["questions"]:
        table = view["questions"].get(str(entry["id"]))
        if table is None:
            continue
        columns = [
            {"group": key} | _result(table["columns"].get(key, {"hidden": True}), labels, weighted)
            for key in keys
        ]
        questions.append(
            _question_head(entry["id"], entry["kind"], labels)
            | _result(entry, labels, weighted)
            | {"columns": columns}
        )
    return about, questions


def survey_results(
    survey: Survey, selection: Selection, lang: str, now: datetime
) -> dict[str, Any] | None:
    """The answer; None while the snapshot it needs is not stored yet."""
    visible = policy.can_see_survey_results(None, survey, now)
    if not visible:
        return _empty(survey, False)
    main = snapshots.public_survey(survey.id)
    if main is None:
        return None
    labels = Labels.of(survey, lang)
    out = _empty(survey, True) | {
        "as_of": _time(main.get("as_of")),
        "version": main.get("version"),
        "threshold": main["threshold"],
        "weighted": bool(main["weighted"]),
        "respondents": {
            "n": main["respondents"]["n"],
            "weighted_n": main["respondents"].get("wn") if main["weighted"] else None,
        },
        "weighting": _weighting(main.get("weighting") or {}),
    }
    if selection.filter_option is not None:
        out["filter"], out["questions"] = _filtered(survey, main, selection, labels)
    elif selection.crosstab is not None:
        out["crosstab"], out["questions"] = _crosstab(survey, main, selection.crosstab, labels)
    else:
        out["questions"] = _overall(main, labels)
    return out
