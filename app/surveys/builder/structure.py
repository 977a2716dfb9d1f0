"""Writing surveys: structure, copies and goal matrices. Flushes, never commits.

Once a survey has responses its structure is fixed: anything that would change what
an answer means (kinds, options, rows, conditions, order, settings, the access mode)
raises :class:`StructureLockedError`. Texts (titles, prompts, help, labels, the unit
of a number) can still be corrected.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.db import utcnow
from app.extensions import db
from app.surveys.models import (
    CHOICE_KINDS,
    NUMBER_FORMATS,
    MatrixRow,
    Option,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
    SurveyState,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
# Fields that may change after the first response (none changes what an answer means).
SURVEY_TEXT_FIELDS = frozenset(
    {"title", "intro", "thanks", "opens_at", "closes_at", "results_visibility", "process_id"}
    | {"review_before_submit"}
)
SURVEY_FIELDS = SURVEY_TEXT_FIELDS | {"slug", "default_locale", "access_mode", "anonymised"}
SECTION_TEXT_FIELDS = frozenset({"title", "intro"})
QUESTION_TEXT_FIELDS = frozenset({"prompt", "help", "goal_id"})
QUESTION_FIELDS = QUESTION_TEXT_FIELDS | {
    "kind",
    "position",
    "required",
    "is_demographic",
    "settings",
    "show_if",
}
SETTINGS_TEXT_KEYS = frozenset({"unit"})
YEAR_HAS_NO_DECIMALS = _l("A year is a whole number: untick “Allow decimals”.")
LABEL_FIELDS = frozenset({"label"})
# Kinds whose options (or texts) mean the same in each other; a change between them
# keeps the options.
KIND_FAMILIES = (
    frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING}),
    frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}),
)
KIND_SETTINGS: dict[QuestionKind, frozenset[str]] = {
    QuestionKind.SINGLE_CHOICE: frozenset({"display"}),
    QuestionKind.MULTIPLE_CHOICE: frozenset({"min_choices", "max_choices"}),
    QuestionKind.RANKING: frozenset({"top_n"}),
    QuestionKind.NUMBER: frozenset({"min", "max", "decimal", "unit", "number_format"}),
    QuestionKind.SHORT_TEXT: frozenset({"max_length"}),
    QuestionKind.LONG_TEXT: frozenset({"max_length"}),
    QuestionKind.DATE: frozenset({"min_date", "max_date"}),
}
KIND_SPECIFIC_KEYS = frozenset().union(*KIND_SETTINGS.values())


class SurveyError(ValueError):
    """A change that cannot be made; the message is for the staff member."""


class StructureLockedError(SurveyError):
    pass


# --- the lock ------------------------------------------------------------------------


def has_responses(survey: Survey) -> bool:
    found = db.session.scalar(
        sa.select(Response.id).where(Response.survey_id == survey.id).limit(1)
    )
    return found is not None


def _refuse_if_locked(survey: Survey) -> None:
    if survey.id is not None and has_responses(survey):
        raise StructureLockedError(_("This survey has responses; only texts can be changed now."))


def _apply(
    obj: Any, survey: Survey, changes: dict[str, Any], fields: frozenset[str], texts: frozenset[str]
) -> None:
    unknown = set(changes) - fields
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    structural = {k for k, v in changes.items() if k not in texts and getattr(obj, k) != v}
    if structural:
        _refuse_if_locked(survey)
    for name, value in changes.items():
        setattr(obj, name, value)


def _next_position(items: list[Any]) -> int:
    return max((item.position for item in items), default=-1) + 1


# --- surveys and sections ------------------------------------------------------------


def create_survey(*, slug: str, title: dict[str, str], **fields: Any) -> Survey:
    _check_slug(slug)
    survey = Survey(slug=slug, title=title)
    _apply(survey, survey, fields, SURVEY_FIELDS - {"slug"}, SURVEY_FIELDS)
    _check_times(survey)
    db.session.add(survey)
    db.session.flush()
    return survey


def _check_slug(slug: str, except_id: int | None = None) -> None:
    if not SLUG_RE.match(slug):
        raise SurveyError(_("Use lower-case letters, digits and dashes for the address."))
    taken = sa.select(Survey.id).where(Survey.slug == slug, Survey.id != (except_id or 0))
    if db.session.scalar(taken) is not None:
        raise SurveyError(_("This address is already used by another survey."))


def _check_times(survey: Survey) -> None:
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        raise SurveyError(_("The survey must close after it opens."))


def update_survey(survey: Survey, **changes: Any) -> None:
    if "slug" in changes and changes["slug"] != survey.slug:
        _check_slug(changes["slug"], except_id=survey.id)
    _apply(survey, survey, changes, SURVEY_FIELDS, SURVEY_TEXT_FIELDS | {"slug"})
    _check_times(survey)
    db.session.flush()


def set_state(survey: Survey, state: SurveyState) -> None:
    if state == SurveyState.OPEN and not survey.questions:
        raise SurveyError(_("A survey needs at least one question before it can open."))
    if state == SurveyState.DRAFT and has_responses(survey):
        raise StructureLockedError(_("A survey with responses cannot go back to draft."))
    if state != survey.state:
        survey.closed_at = utcnow() if state == SurveyState.CLOSED else None
    survey.state = state
    db.session.flush()


def create_section(
    survey: Survey, *, title: dict[str, str], intro: dict[str, str] | None = None
) -> Section:
    _refuse_if_locked(survey)
    section = Section(title=title, intro=intro or {}, position=_next_position(survey.sections))
    survey.sections.append(section)
    db.session.flush()
    return section


def update_section(section: Section, **changes: Any) -> None:
    fields = SECTION_TEXT_FIELDS | {"position"}
    _apply(section, section.survey, changes, fields, SECTION_TEXT_FIELDS)
    db.session.flush()


def delete_section(section: Section) -> None:
    _refuse_if_locked(section.survey)
    section.survey.sections.remove(section)
    db.session.flush()


# --- questions -----------------------------------------------------------------------


def create_question(
    section: Section,
    *,
    kind: QuestionKind,
    prompt: dict[str, str],
    options: list[dict[str, Any]] | None = None,
    rows: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Question:
    """A new question at the end of ``section``; ``options``/``rows`` as keyword dicts
    for :func:`add_option` / :func:`add_row`."""
    _refuse_if_locked(section.survey)
    question = Question(kind=kind, prompt=prompt, position=_next_position(section.questions))
    question.settings = {}
    _apply(question, section.survey, fields, QUESTION_FIELDS, QUESTION_FIELDS)
    section.questions.append(question)
    db.session.flush()
    for spec in options or []:
        add_option(question, **spec)
    for spec in rows or []:
        add_row(question, **spec)
    check_question(question)
    return question


def update_question(question: Question, **changes: Any) -> None:
    survey = question.section.survey
    settings = changes.get("settings")
    if settings is not None and _only_text_settings_changed(question.settings, settings):
        question.settings = dict(settings)
        changes = {k: v for k, v in changes.items() if k != "settings"}
    _apply(question, survey, changes, QUESTION_FIELDS, QUESTION_TEXT_FIELDS)
    check_question(question)
    db.session.flush()


def _only_text_settings_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = (set(old) | set(new)) - SETTINGS_TEXT_KEYS
    return all(old.get(key) == new.get(key) for key in keys)


def delete_question(question: Question) -> None:
    _refuse_if_locked(question.section.survey)
    question.section.questions.remove(question)
    db.session.flush()


def same_family(old: QuestionKind, new: QuestionKind) -> bool:
    return old == new or any(old in family and new in family for family in KIND_FAMILIES)


def change_kind(
    question: Question, kind: QuestionKind, *, display: str = "radio", drop_items: bool = False
) -> None:
    """Another kind (and, for single choice, display) before the survey has responses.

    Options stay within a family of kinds (:data:`KIND_FAMILIES`); otherwise options
    and rows are removed, which ``drop_items`` must confirm. Settings of other kinds
    are dropped.
    """
    _refuse_if_locked(question.section.survey)
    if not same_family(question.kind, kind) and (question.options or question.rows):
        if not drop_items:
            raise SurveyError(_("Please confirm that the options and rows will be removed."))
        question.options.clear()
        question.rows.clear()
    settings = {
        key: value
        for key, value in (question.settings or {}).items()
        if key not in KIND_SPECIFIC_KEYS or key in KIND_SETTINGS.get(kind, frozenset())
    }
    settings.pop("display", None)
    if kind == QuestionKind.SINGLE_CHOICE and display == "dropdown":
        settings["display"] = "dropdown"
    question.kind = kind
    question.settings = settings
    check_question(question)
    db.session.flush()


def add_option(
    question: Question,
    *,
    label: dict[str, str],
    value: str | None = None,
    is_other: bool = False,
    is_no_answer: bool = False,
) -> Option:
    _refuse_if_locked(question.section.survey)
    if question.kind not in CHOICE_KINDS:
        raise SurveyError(_("Only choice questions have options."))
    position = _next_position(question.options)
    if value is None:
        value = str(position + 1)
    if any(option.value == value for option in question.options):
        raise SurveyError(_("Each option needs its own value."))
    option = Option(
        label=label, value=value, is_other=is_other, is_no_answer=is_no_answer, position=position
    )
    question.options.append(option)
    db.session.flush()
    return option


def update_option(option: Option, **changes: Any) -> None:
    fields = LABEL_FIELDS | {"value", "position", "is_other", "is_no_answer"}
    _apply(option, option.question.section.survey, changes, fields, LABEL_FIELDS)
    db.session.flush()


def delete_option(option: Option) -> None:
    _refuse_if_locked(option.question.section.survey)
    option.question.options.remove(option)
    db.session.flush()


def add_row(question: Question, *, label: dict[str, str], goal_id: int | None = None) -> MatrixRow:
    _refuse_if_locked(question.section.survey)
    if question.kind != QuestionKind.MATRIX:
        raise SurveyError(_("Only matrix questions have rows."))
    row = MatrixRow(label=label, goal_id=goal_id, position=_next_position(question.rows))
    question.rows.append(row)
    db.session.flush()
    return row


def update_row(row: MatrixRow, **changes: Any) -> None:
    fields = LABEL_FIELDS | {"position", "goal_id"}
    _apply(row, row.question.section.survey, changes, fields, LABEL_FIELDS)
    db.session.flush()


def delete_row(row: MatrixRow) -> None:
    _refuse_if_locked(row.question.section.survey)
    row.question.rows.remove(row)
    db.session.flush()


# --- consistency ---------------------------------------------------------------------


def check_question(question: Question) -> None:
    """Refuse settings and conditions that cannot work."""
    settings = question.settings or {}
    low, high = settings.get("min"), settings.get("max")
    if low is not None and high is not None and low > high:
        raise SurveyError(_("The minimum must not be larger than the maximum."))
    low, high = settings.get("min_choices"), settings.get("max_choices")
    if low and high and low > high:
        raise SurveyError(_("The minimum must not be larger than the maximum."))
    if settings.get("display", "radio") not in ("radio", "dropdown"):
        raise SurveyError(_("Choose radio buttons or a drop-down list."))
    number_format = settings.get("number_format")
    if number_format is not None and number_format not in NUMBER_FORMATS:
        raise SurveyError(_("Choose how the number is written."))
    if number_format == "year" and settings.get("decimal"):
        raise SurveyError(str(YEAR_HAS_NO_DECIMALS))
    if question.show_if:
        _check_condition(question)


def _check_condition(question: Question) -> None:
    show_if = question.show_if or {}
    survey = question.section.survey
    earlier = [
        q for s in survey.sections if s.position < question.section.position for q in s.questions
    ]
    target = next((q for q in earlier if q.id == show_if.get("question_id")), None)
    if target is None:
        raise SurveyError(_("A condition can only refer to a question on an earlier page."))
    option_ids = {o.id for o in target.options}
    if not set(show_if.get("option_ids", [])) <= option_ids:
        raise SurveyError(_("The condition refers to an option of another question."))
    bounds = [show_if[key] for key in ("min", "max") if key in show_if]
    if not all(isinstance(bound, int | float) for bound in bounds):
        raise SurveyError(_("The value of the condition does not fit the question it refers to."))
    values = [*show_if.get("values", []), *(number_key(bound) for bound in bounds)]
    if not all(value_fits(target, str(value)) for value in values):
        raise SurveyError(_("The value of the condition does not fit the question it refers to."))


def number_key(number: float) -> str:
    """A number as answers are compared with ``show_if`` values: ``18``, ``2.5``."""
    return str(int(number)) if float(number).is_integer() else str(float(number))


def scale_points(question: Question) -> list[float]:
    return [score for option in question.options if (score := option.score) is not None]


def value_fits(target: Question, value: str) -> bool:
    """Whether an answer to ``target`` can have this value (numbers and scales)."""
    if target.kind == QuestionKind.SCALE:
        return value in {number_key(point) for point in scale_points(target)}
    if target.kind != QuestionKind.NUMBER:
        return True
    try:
        number = float(value)
    except ValueError:
        return False
    if not math.isfinite(number):
        return False
    low, high = target.setting("min"), target.setting("max")
    if (low is not None and number < low) or (high is not None and number > high):
        return False
    return bool(target.setting("decimal")) or number.is_integer()
