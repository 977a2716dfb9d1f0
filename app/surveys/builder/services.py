"""Services of the survey builder and paper entry. Flush, never commit.

Structural changes go through :mod:`app.surveys.editing`, so the lock on surveys
with responses applies; these helpers add what the builder needs around it:
reordering, conditions that must stay valid, the whole survey validated at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import policy
from app.extensions import db
from app.surveys import builders, editing
from app.surveys.editing import SurveyError, number_key, scale_points
from app.surveys.models import (
    MatrixRow,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Section,
    Survey,
)
from app.surveys.validation import NUMBER_RE, Answers, Errors, FormData, validate_page

DROPDOWN = "dropdown"  # a single choice shown as a drop-down list, offered as a kind
VALUE_KINDS = frozenset({QuestionKind.NUMBER, QuestionKind.SCALE})
COMPARISONS = ("equals", "at_least", "at_most")
# "At least"/"at most" on a number question are stored as bounds answering compares with.
BOUNDS = {"at_least": "min", "at_most": "max"}


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
    survey = option.question.section.survey
    refuse_if_referenced(survey, set(), {option.id})
    editing.delete_option(option)
    refresh_conditions(survey)


def delete_row(row: MatrixRow) -> None:
    question = row.question
    editing.delete_row(row)
    if not question.rows:
        raise SurveyError(_("A matrix needs at least one row."))


# --- kinds ---------------------------------------------------------------------------


def kind_choice(question: Question) -> str:
    """The question's kind as offered in the form (a drop-down list counts apart)."""
    if question.kind == QuestionKind.SINGLE_CHOICE and question.setting("display") == DROPDOWN:
        return DROPDOWN
    return question.kind.value


def drops_items(question: Question, choice: str) -> bool:
    """Whether changing to ``choice`` removes the question's options and rows."""
    kind = QuestionKind.SINGLE_CHOICE if choice == DROPDOWN else QuestionKind(choice)
    has_items = bool(question.options or question.rows)
    return has_items and not editing.same_family(question.kind, kind)


def change_kind(question: Question, choice: str, *, drop_items: bool) -> None:
    """Change the kind; conditions of other questions must not refer to it unless the
    options stay. A new scale or matrix without points gets the importance scale."""
    old = question.kind
    kind = QuestionKind.SINGLE_CHOICE if choice == DROPDOWN else QuestionKind(choice)
    display = DROPDOWN if choice == DROPDOWN else "radio"
    editing.change_kind(question, kind, display=display, drop_items=drop_items)
    if not editing.same_family(old, kind):
        refuse_if_referenced(question.section.survey, {question.id})
    if kind in (QuestionKind.SCALE, QuestionKind.MATRIX) and not question.options:
        builders.add_scale(question)


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
    return _condition_key(old) == _condition_key(new)


def _condition_key(show_if: dict[str, Any]) -> tuple[Any, ...]:
    options = sorted(show_if.get("option_ids", []))
    values = [str(value) for value in show_if.get("values", [])]
    bounds = show_if.get("min"), show_if.get("max")
    return show_if.get("question_id"), options, values, bounds, _wording(show_if)


def _wording(show_if: Mapping[str, Any]) -> tuple[str, str] | None:
    """(comparison, value) of a value condition as the builder shows it: a single bound,
    the stored wording, or a single ``values`` entry (set without the builder) as
    "equals"; ``None`` for other conditions."""
    bounds = [(compare, show_if[key]) for compare, key in BOUNDS.items() if key in show_if]
    if len(bounds) == 1:
        return bounds[0][0], number_key(bounds[0][1])
    if bounds or "option_ids" in show_if:
        return None
    if "compare" in show_if:
        return str(show_if["compare"]), str(show_if.get("value", ""))
    values = show_if.get("values", [])
    return ("equals", str(values[0])) if len(values) == 1 else None


def condition_in_form(question: Question) -> bool:
    """Whether the question form shows the question's condition (ticked options or a
    value); others, set without the builder, are kept when the form is saved."""
    show_if = question.show_if or {}
    return bool(show_if.get("option_ids")) or bool(value_condition_fields(question))


# --- conditions on values ------------------------------------------------------------


def value_targets(question: Question | None, section: Section) -> list[Question]:
    """The questions a value condition may refer to: numbers and scales on earlier pages."""
    return [
        candidate
        for earlier in section.survey.sections
        if earlier.position < section.position
        for candidate in earlier.questions
        if candidate.kind in VALUE_KINDS and candidate is not question
    ]


def value_condition_fields(question: Question) -> dict[str, Any]:
    """The question form's data for its value condition (see :func:`_wording`)."""
    show_if = question.show_if or {}
    target = next(
        (q for q in question.section.survey.questions if q.id == show_if.get("question_id")), None
    )
    wording = _wording(show_if)
    if target is None or target.kind not in VALUE_KINDS or wording is None:
        return {}
    return {
        "condition_question": target.id,
        "condition_compare": wording[0],
        "condition_value": wording[1],
    }


def parse_value(raw: str | None) -> float:
    text = (raw or "").strip().replace(" ", "")
    if not NUMBER_RE.match(text):
        raise SurveyError(_("Please enter a number."))
    return float(text.replace(",", "."))


def value_condition(target: Question, compare: str, value: float) -> dict[str, Any]:
    """``show_if`` for "answered with a value equal to / at least / at most ``value``".

    "At least"/"at most" on a number question are stored as ``min``/``max``. Otherwise
    ``values`` lists the answers that meet it (the value, or a scale's points), and
    ``compare`` and ``value`` keep the staff member's wording.
    """
    if compare not in COMPARISONS:
        raise SurveyError(_("Please choose how to compare."))
    if not editing.value_fits(target, number_key(value)):
        raise SurveyError(_value_hint(target, value))
    if target.kind == QuestionKind.NUMBER and compare in BOUNDS:
        return {
            "question_id": target.id,
            BOUNDS[compare]: int(value) if value.is_integer() else value,
        }
    if compare == "equals":
        values = [number_key(value)]
    else:
        at_least = compare == "at_least"
        points = sorted(set(scale_points(target)))
        values = [number_key(n) for n in points if (n >= value if at_least else n <= value)]
    return {
        "question_id": target.id,
        "values": values,
        "compare": compare,
        "value": number_key(value),
    }


def _value_hint(target: Question, value: float) -> str:
    if target.kind == QuestionKind.SCALE:
        points = ", ".join(number_key(point) for point in scale_points(target))
        return _("Please enter the value of one of its scale points: %(values)s.", values=points)
    if not target.setting("decimal") and not value.is_integer():
        return _("Please enter a whole number.")
    low, high = target.setting("min"), target.setting("max")
    if low is not None and high is not None:
        return _("Please enter a number from %(min)s to %(max)s.", min=low, max=high)
    if low is not None:
        return _("Please enter a number of at least %(min)s.", min=low)
    return _("Please enter a number of at most %(max)s.", max=high)


def refresh_conditions(survey: Survey) -> None:
    """Recheck the builder's value conditions after the question they refer to changed
    (its range or scale points): a scale's ``values`` are recomputed, and a change after
    which a value no longer fits that question is refused."""
    questions = {question.id: question for question in survey.questions}
    for question in survey.questions:
        show_if = question.show_if or {}
        target = questions.get(show_if.get("question_id") or 0)
        wording = _wording(show_if)
        built = "compare" in show_if or any(key in show_if for key in BOUNDS.values())
        if target is None or wording is None or not built:
            continue
        try:
            fresh = value_condition(target, wording[0], float(wording[1]))
        except (SurveyError, ValueError):
            raise SurveyError(
                _("The condition of another question refers to this; change that first.")
            ) from None
        if not same_condition(show_if, fresh):
            editing.update_question(question, show_if=fresh)


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
