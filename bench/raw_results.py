"""The raw SQL baseline of ``aggregate_full``: the GROUP BYs a survey snapshot needs.

A rebuild's numbers come from four grouped counts over the survey's submitted
responses (``app.results.survey_queries``):

1. answers per (question, matrix row, option, rank, number value), overall and per
   group of every demographic question (the cross-tabs and the subgroup pages);
2. respondents of each multiple-choice and matrix question, overall and per group;
3. responses per day and channel (the timeline);
4. the "Sonstiges" texts per option and text.

The baseline runs exactly these, as SQL text written here (a change to the app cannot
move it), each in its cheapest plain form: each response's demographic groups from a
CTE, the split by group as pivoted ``count(*) FILTER`` aggregates in the same pass
(``GROUPING SETS`` over the same rows took 2.6 times as long on the bench survey).
Not in it: what is not a GROUP BY (raking, which the bench survey does not need; the
JSON; public patterns; storing). The counting transaction's settings are the
rebuild's (``work_mem``, no JIT), so both are planned alike.

Until session 7 the baseline was ``SELECT question_id, option_id, count(*) … GROUP BY
1, 2`` over the survey's answers: the overall counts only, by a coarser key, without
the demographic split that is most of a rebuild's counting (see performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.surveys.models import Option, Question, QuestionKind, Section

GROUPING = (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE)
RESPONDENT_KINDS = (QuestionKind.MULTIPLE_CHOICE, QuestionKind.MATRIX)


@dataclass(frozen=True)
class Layout:
    """What the statements need to know of the survey (read once, not timed)."""

    survey_id: int
    demographics: list[tuple[int, list[int]]]  # question id, its option ids
    respondent_questions: list[int]
    other_options: list[int]


def layout(survey_id: int) -> Layout:
    questions = db.session.execute(
        sa.select(Question.id, Question.kind, Question.is_demographic)
        .join(Section, Section.id == Question.section_id)
        .where(Section.survey_id == survey_id)
        .order_by(Section.position, Question.position, Question.id)
    ).all()
    options = db.session.execute(
        sa.select(Option.question_id, Option.id, Option.is_other)
        .where(Option.question_id.in_([q.id for q in questions]))
        .order_by(Option.position, Option.id)
    ).all()
    demographics = [
        (q.id, [o.id for o in options if o.question_id == q.id])
        for q in questions
        if q.is_demographic and q.kind in GROUPING
    ]
    return Layout(
        survey_id,
        demographics,
        [q.id for q in questions if q.kind in RESPONDENT_KINDS],
        [o.id for o in options if o.is_other],
    )


def _ids(values: list[int]) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _profile(survey: Layout) -> str:
    columns = "".join(
        f", max(a.option_id) FILTER (WHERE a.question_id = {int(q)}) AS d{i}"
        for i, (q, _options) in enumerate(survey.demographics)
    )
    ids = _ids([q for q, _options in survey.demographics])
    return (
        f"p AS (SELECT r.id AS rid{columns} FROM survey_response r"
        f" LEFT JOIN survey_answer a ON a.response_id = r.id AND a.question_id IN ({ids})"
        f" AND a.item = 0 WHERE r.survey_id = {int(survey.survey_id)}"
        " AND r.state = 'submitted' GROUP BY r.id)"
    )


def _pivot(survey: Layout) -> str:
    """count(*) overall and per demographic group (NULL: not answered)."""
    columns = ["count(*)"]
    for i, (_question, options) in enumerate(survey.demographics):
        columns += [f"count(*) FILTER (WHERE p.d{i} = {int(o)})" for o in options]
        columns.append(f"count(*) FILTER (WHERE p.d{i} IS NULL)")
    return ", ".join(columns)


def statements(survey: Layout) -> list[str]:
    """The four GROUP BYs, as SQL text."""
    profile, pivot, sid = _profile(survey), _pivot(survey), int(survey.survey_id)
    key = "a.question_id, a.row_id, a.option_id, a.rank, a.value_number"
    out = [
        f"WITH {profile} SELECT {key}, {pivot} FROM survey_answer a"
        f" JOIN p ON p.rid = a.response_id GROUP BY {key}",
        "SELECT submitted_on, channel, count(*) FROM survey_response"
        f" WHERE survey_id = {sid} AND state = 'submitted' GROUP BY 1, 2",
    ]
    if survey.respondent_questions:
        out.append(
            f"WITH {profile}, x AS (SELECT DISTINCT question_id, response_id FROM survey_answer"
            f" WHERE question_id IN ({_ids(survey.respondent_questions)}))"
            f" SELECT x.question_id, {pivot} FROM x JOIN p ON p.rid = x.response_id"
            " GROUP BY x.question_id"
        )
    if survey.other_options:
        out.append(
            "SELECT a.option_id, a.value_text, count(*) FROM survey_answer a"
            " JOIN survey_response r ON r.id = a.response_id"
            f" WHERE a.option_id IN ({_ids(survey.other_options)}) AND a.value_text <> ''"
            f" AND r.survey_id = {sid} AND r.state = 'submitted' GROUP BY 1, 2"
        )
    return out


def run(texts: list[str]) -> None:
    """Run the statements in one transaction, with the rebuild's settings."""
    db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
    db.session.execute(sa.text("SET LOCAL jit = off"))
    for text in texts:
        db.session.execute(sa.text(text)).all()
    db.session.rollback()
