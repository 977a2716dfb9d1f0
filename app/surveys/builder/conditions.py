"""Conditions (``show_if``) as the builder makes them. Flushes, never commits.

A question may be shown only if an earlier question was answered so: ticked options
of a choice question, or a value ("equals / is at least / is at most V") of a number
or scale question. Conditions must stay valid when questions, options or the order
change: references are refused or recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.surveys.answering.validation import NUMBER_RE
from app.surveys.builder import structure
from app.surveys.builder.structure import SurveyError, number_key, scale_points
from app.surveys.models import Question, QuestionKind, Section, Survey

VALUE_KINDS = frozenset({QuestionKind.NUMBER, QuestionKind.SCALE})
COMPARISONS = ("equals", "at_least", "at_most")
# "At least"/"at most" on a number question are stored as bounds answering compares with.
BOUNDS = {"at_least": "min", "at_most": "max"}


class ConditionValueError(SurveyError):
    """A value condition that cannot work; the message belongs next to the value."""


@dataclass(frozen=True)
class ValueChoice:
    """A value condition as typed: the question it refers to, how, and the value."""

    question_id: int
    compare: str
    raw_value: str


# --- choosing a condition ------------------------------------------------------------


def chosen_condition(
    question: Question | None,
    section: Section,
    option_ids: list[int],
    value: ValueChoice | None,
) -> dict[str, Any] | None:
    """``show_if`` from the builder's choice: ticked options of one earlier question,
    or a value of an earlier number or scale question (not both); None: no condition.
    Raises :class:`ConditionValueError` for a value that does not fit."""
    by_value = _value_choice(value, value_targets(question, section))
    by_option = condition_from(option_ids, condition_targets(question, section))
    if by_value and by_option:
        raise SurveyError(_("Choose either answers to tick or a value, not both."))
    return by_value or by_option


def _value_choice(value: ValueChoice | None, targets: list[Question]) -> dict[str, Any] | None:
    target = next((t for t in targets if value and t.id == value.question_id), None)
    if target is None or value is None:
        return None
    try:
        return value_condition(target, value.compare, parse_value(value.raw_value))
    except SurveyError as exc:
        raise ConditionValueError(str(exc)) from None


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
    if not structure.value_fits(target, number_key(value)):
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
            structure.update_question(question, show_if=fresh)


# --- keeping conditions valid --------------------------------------------------------


def check_conditions(survey: Survey) -> None:
    """Refuse an order in which a condition refers to a later page."""
    for question in survey.questions:
        if question.show_if:
            structure.check_question(question)


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
