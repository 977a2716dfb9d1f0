"""Questions as the builder makes and changes them. Flushes, never commits.

A new question of a choice kind gets its options (a scale or matrix its points, or
without any the importance scale, and "no answer" apart if asked for), a matrix its
rows, and "Other" with a text field if asked for. Each change is audited
(``survey.question.*``, see :func:`app.surveys.builder.services.audit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.surveys.builder import conditions, parts, structure
from app.surveys.builder.services import audit, move
from app.surveys.builder.structure import KIND_SETTINGS, SurveyError
from app.surveys.models import CHOICE_KINDS, Question, QuestionKind, Section

DROPDOWN = "dropdown"  # a single choice shown as a drop-down list, offered as a kind
OTHER_LABEL = {"de": "Sonstiges", "en": "Other"}
SCALE_KINDS = (QuestionKind.SCALE, QuestionKind.MATRIX)


@dataclass(frozen=True)
class QuestionInput:
    """What the question form gives: texts, flags and the settings of the kind
    (None: not set); for a new question also its options (or scale points) and
    matrix rows as translated labels, and whether to add "Other" and "no answer"."""

    prompt: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    is_demographic: bool = False
    settings: Mapping[str, Any] = field(default_factory=dict)
    options: list[dict[str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    other_option: bool = False
    no_answer: bool = False


def merge_settings(
    old: Mapping[str, Any], kind: QuestionKind, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The settings of ``kind`` from ``values`` (None or missing: not set); settings
    of other kinds (or of a preset) stay as they are. Radio buttons, the default
    display, are stored only if the question had a display already."""
    settings = dict(old)
    for key in KIND_SETTINGS.get(kind, frozenset()):
        value = values.get(key)
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    if settings.get("display") == "radio" and "display" not in old:
        settings.pop("display")
    return settings


# --- new and changed questions -------------------------------------------------------


def add_question(
    section: Section,
    kind: QuestionKind,
    data: QuestionInput,
    *,
    show_if: dict[str, Any] | None = None,
    actor: Any,
) -> Question:
    """A new question of ``kind`` at the end of ``section`` (see the module docstring)."""
    question = structure.create_question(
        section,
        kind=kind,
        prompt=data.prompt,
        help=data.help,
        required=data.required,
        is_demographic=data.is_demographic,
        settings=merge_settings({}, kind, data.settings),
        rows=[{"label": label} for label in data.rows] if kind == QuestionKind.MATRIX else [],
    )
    if kind in SCALE_KINDS:
        points = [(str(n), label) for n, label in enumerate(data.options, start=1)] or None
        parts.add_scale(question, points, no_answer=data.no_answer)
    elif kind in CHOICE_KINDS:
        for label in data.options:
            structure.add_option(question, label=label)
    if data.other_option and kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        structure.add_option(question, label=dict(OTHER_LABEL), value="other", is_other=True)
    if kind == QuestionKind.MATRIX and not question.rows:
        raise SurveyError(_("A matrix needs at least one row."))
    if show_if:
        structure.update_question(question, show_if=show_if)
    audit("question.save", question, section.survey, actor)
    return question


def update_question(
    question: Question,
    data: QuestionInput,
    *,
    show_if: dict[str, Any] | None = None,
    actor: Any,
) -> None:
    """New texts, flags, settings and condition. A condition the form cannot show
    (set without the builder) is kept when ``show_if`` is None; value conditions of
    other questions that refer to this one are recomputed."""
    survey = question.section.survey
    changes: dict[str, Any] = {
        "prompt": data.prompt,
        "help": data.help,
        "required": data.required,
        "is_demographic": data.is_demographic,
        "settings": merge_settings(question.settings or {}, question.kind, data.settings),
    }
    if show_if is None and not conditions.condition_in_form(question):
        show_if = question.show_if
    if not conditions.same_condition(question.show_if, show_if):
        changes["show_if"] = show_if
    structure.update_question(question, **changes)
    conditions.refresh_conditions(survey)
    audit("question.save", question, survey, actor)


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
    return has_items and not structure.same_family(question.kind, kind)


def change_kind(question: Question, choice: str, *, drop_items: bool, actor: Any) -> None:
    """Change the kind; conditions of other questions must not refer to it unless the
    options stay. A new scale or matrix without points gets the importance scale."""
    old, old_choice = question.kind, kind_choice(question)
    kind = QuestionKind.SINGLE_CHOICE if choice == DROPDOWN else QuestionKind(choice)
    display = DROPDOWN if choice == DROPDOWN else "radio"
    structure.change_kind(question, kind, display=display, drop_items=drop_items)
    if not structure.same_family(old, kind):
        conditions.refuse_if_referenced(question.section.survey, {question.id})
    if kind in SCALE_KINDS and not question.options:
        parts.add_scale(question)
    changes = {"before": {"kind": old_choice}, "after": {"kind": choice}}
    audit("question.kind", question, question.section.survey, actor, **changes)


# --- order and deletion --------------------------------------------------------------


def move_question(question: Question, step: int, *, actor: Any) -> None:
    move(question.section.questions, question, step, structure.update_question)
    audit("question.move", question, question.section.survey, actor)


def delete_question(question: Question, *, actor: Any) -> None:
    survey = question.section.survey
    conditions.refuse_if_referenced(survey, {question.id})
    structure.delete_question(question)
    audit("question.delete", question, survey, actor)
