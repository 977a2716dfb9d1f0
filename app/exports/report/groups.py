"""The groups a results report can be filtered by: options of the demographic
questions whose public page exists (not hidden by the suppression rules)."""

from __future__ import annotations

from dataclasses import dataclass

from app.exports.survey_data.variables import question_name
from app.extensions import db
from app.i18n import tr_text
from app.results import presenting, snapshots
from app.surveys.models import Option, Survey


@dataclass(frozen=True)
class FilterGroup:
    option_id: int
    label: str
    question_id: int
    prompt: str


def public_groups(survey: Survey) -> list[FilterGroup] | None:
    """Every group with a public page, in questionnaire order; None before the first
    results are stored."""
    data = snapshots.public_survey(survey.id)
    if data is None:
        return None
    labels = presenting.Labels.of(survey)
    return [
        FilterGroup(choice.option_id, choice.label, demographic.question_id, demographic.prompt)
        for demographic in presenting.demographics(data, labels, public=True)
        for choice in demographic.groups
    ]


def variable_names(survey: Survey) -> dict[str, int]:
    """``q03`` → question id: the variable names of the survey data export."""
    questions = survey.questions
    return {
        question_name(number, len(questions)): question.id
        for number, question in enumerate(questions, start=1)
    }


class FilterNotFoundError(ValueError):
    """``--filter`` names no question or option of the survey; the message says which."""


def resolve(survey: Survey, spec: str) -> int:
    """The option id of ``QUESTION=VALUE`` (a question id or variable name such as
    ``q03``, and an option's value such as ``lehre``)."""
    question_key, sep, value = spec.partition("=")
    if not sep or not question_key.strip() or not value.strip():
        raise FilterNotFoundError(f"{spec!r} is not of the form QUESTION=VALUE, e.g. q03=lehre")
    question_key, value = question_key.strip(), value.strip()
    by_name = variable_names(survey)
    questions = {q.id: q for q in survey.questions}
    question_id = by_name.get(question_key.lower())
    if question_id is None and question_key.isdigit():
        question_id = int(question_key) if int(question_key) in questions else None
    if question_id is None:
        raise FilterNotFoundError(f"the survey has no question {question_key!r}")
    question = questions[question_id]
    if not question.is_demographic:
        names = ", ".join(n for n, qid in by_name.items() if questions[qid].is_demographic)
        message = f"question {question_key!r} is not a demographic question (those are: {names})"
        raise FilterNotFoundError(message)
    option = next((o for o in question.options if o.value == value), None)
    if option is None or option.is_no_answer:
        values = ", ".join(o.value for o in question.options if not o.is_no_answer)
        message = f"question {question_key!r} has no option {value!r} (options: {values})"
        raise FilterNotFoundError(message)
    return option.id


def group_name(option_id: int | None) -> str:
    """The label of a report's group in the current language ("" for none or unknown)."""
    option = db.session.get(Option, option_id) if option_id is not None else None
    return tr_text(option.label) if option is not None else ""
