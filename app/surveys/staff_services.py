"""Services of the survey builder and paper entry. Flush, never commit.

Structural changes go through :mod:`app.surveys.editing`, so the lock on surveys
with responses applies; these helpers add what the builder needs around it:
reordering, conditions that must stay valid, the whole survey validated at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import policy
from app.extensions import db
from app.surveys import editing
from app.surveys.editing import SurveyError
from app.surveys.models import (
    Option,
    Question,
    Response,
    ResponseChannel,
    Section,
    Survey,
)
from app.surveys.validation import Answers, Errors, FormData, validate_page


class Positioned(Protocol):
    id: Any
    position: Any


def managed_surveys(user: Any) -> list[Survey]:
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.id.desc()))
    return [survey for survey in surveys if policy.can_manage_survey(user, survey)]


# --- order ---------------------------------------------------------------------------


def move(
    items: Sequence[Positioned],
    item: Positioned,
    step: int,
    update: Callable[..., None],
) -> None:
    """Swap ``item`` with its neighbour (``step`` -1 up, 1 down); positions 0..n-1."""
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        if each.position != position:
            update(each, position=position)


def check_conditions(survey: Survey) -> None:
    """Refuse an order in which a condition refers to a later page."""
    for question in survey.questions:
        if question.show_if:
            editing.check_question(question)


def refuse_if_referenced(
    survey: Survey, question_ids: set[int], option_ids: set[int] | None = None
) -> None:
    """Deleting these would leave another question's condition pointing nowhere."""
    for question in survey.questions:
        show_if = question.show_if or {}
        if question.id in question_ids or not show_if:
            continue
        options = set(show_if.get("option_ids", []))
        if show_if.get("question_id") in question_ids or options & (option_ids or set()):
            raise SurveyError(
                _("The condition of another question refers to this; change that first.")
            )


def delete_section(section: Section) -> None:
    ids = {question.id for question in section.questions}
    refuse_if_referenced(section.survey, ids)
    editing.delete_section(section)


def delete_question(question: Question) -> None:
    refuse_if_referenced(question.section.survey, {question.id})
    editing.delete_question(question)


def delete_option(option: Option) -> None:
    refuse_if_referenced(option.question.section.survey, set(), {option.id})
    editing.delete_option(option)


# --- conditions ----------------------------------------------------------------------


def condition_targets(question: Question | None, section: Section) -> list[Question]:
    """The questions a condition may refer to: choice questions on earlier pages."""
    return [
        candidate
        for earlier in section.survey.sections
        if earlier.position < section.position
        for candidate in earlier.questions
        if candidate.options and candidate is not question
    ]


def condition_from(option_ids: list[int], targets: list[Question]) -> dict[str, Any] | None:
    """``show_if`` from the ticked options; they must belong to one question."""
    if not option_ids:
        return None
    owners = {
        target.id for target in targets for option in target.options if option.id in option_ids
    }
    if len(owners) != 1:
        raise SurveyError(_("Choose options of one earlier question for the condition."))
    return {"question_id": owners.pop(), "option_ids": sorted(set(option_ids))}


def same_condition(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    if not old or not new:
        return not old and not new
    same_options = set(old.get("option_ids", [])) == set(new.get("option_ids", []))
    return bool(old.get("question_id") == new.get("question_id") and same_options)


# --- paper ---------------------------------------------------------------------------


def validate_survey(survey: Survey, formdata: FormData) -> tuple[Answers, Errors]:
    """All pages at once, in order, so conditions see the answers before them."""
    answers: Answers = {}
    errors: Errors = {}
    for section in survey.sections:
        page_answers, page_errors = validate_page(survey, section, formdata, answers)
        answers.update(page_answers)
        errors.update(page_errors)
    return answers, errors


def paper_count(survey: Survey, batch_label: str) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Response.id)).where(
                Response.survey_id == survey.id,
                Response.channel == ResponseChannel.PAPER,
                Response.batch_label == batch_label,
            )
        )
        or 0
    )
