"""The survey builder's changes as staff make them. Flushes, never commits.

Each change goes through :mod:`app.surveys.builder.structure` (so the lock on
surveys with responses applies), keeps conditions valid
(:mod:`app.surveys.builder.conditions`) and, once it has been made, records its
audit event ``survey.<action>`` in the same transaction, whoever calls it: a view, a
command or a test. A refused change raises :class:`SurveyError` before anything is
audited; the caller rolls back. ``actor`` is the staff member (None for the
system). Questions: :mod:`app.surveys.builder.questions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.core import policy
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.surveys.builder import conditions, parts, structure
from app.surveys.builder.structure import SurveyError
from app.surveys.models import MatrixRow, Option, Question, Section, Survey, SurveyState


class Positioned(Protocol):
    id: Any
    position: Any


def managed_surveys(user: Any) -> list[Survey]:
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.id.desc()))
    return [survey for survey in surveys if policy.can_manage_survey(user, survey)]


def audit(action: str, obj: Any, survey: Survey, actor: Any, **changes: dict[str, Any]) -> None:
    """The audit event ``survey.<action>``; ``changes`` may give ``before``/``after``."""
    record(f"survey.{action}", obj, actor=actor, process_id=survey.process_id, **changes)


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


# --- surveys -------------------------------------------------------------------------


def create_survey(*, actor: Any, **settings: Any) -> Survey:
    survey = structure.create_survey(**settings)
    audit("create", survey, survey, actor)
    return survey


def update_survey(survey: Survey, *, actor: Any, **settings: Any) -> None:
    structure.update_survey(survey, **settings)
    audit("update", survey, survey, actor)


def set_state(survey: Survey, state: SurveyState, *, actor: Any) -> None:
    structure.set_state(survey, state)
    audit(f"state.{state.value}", survey, survey, actor)


def copy_survey(survey: Survey, *, slug: str, actor: Any) -> Survey:
    copy = parts.copy_survey(survey, slug=slug)
    audit("copy", copy, copy, actor)
    return copy


# --- sections ------------------------------------------------------------------------


def save_section(
    survey: Survey,
    section: Section | None,
    *,
    title: dict[str, str],
    intro: dict[str, str],
    actor: Any,
) -> Section:
    """A new page at the end (``section`` None) or new texts for ``section``."""
    if section is None:
        section = structure.create_section(survey, title=title, intro=intro)
    else:
        structure.update_section(section, title=title, intro=intro)
    audit("section.save", section, survey, actor)
    return section


def move_section(section: Section, step: int, *, actor: Any) -> None:
    survey = section.survey
    move(survey.sections, section, step, structure.update_section)
    conditions.check_conditions(survey)
    audit("section.move", section, survey, actor)


def delete_section(section: Section, *, actor: Any) -> None:
    survey = section.survey
    conditions.refuse_if_referenced(survey, {question.id for question in section.questions})
    structure.delete_section(section)
    audit("section.delete", section, survey, actor)


# --- ready-made parts ----------------------------------------------------------------


def add_preset(
    section: Section,
    preset: str,
    *,
    names: list[str] | None = None,
    required: bool = False,
    actor: Any,
) -> Question:
    """A demographic question from a preset; ``names``: the municipalities or
    districts of the preset ``municipality``, one per entry (empty ones are left out)."""
    choices = None
    if names is not None:
        kept = [name.strip() for name in names if name.strip()]
        values = _municipality_values(kept)
        choices = [
            (value, {"de": name, "en": name}) for value, name in zip(values, kept, strict=True)
        ]
    question = parts.add_demographic_question(section, preset, choices=choices, required=required)
    audit("question.preset", question, section.survey, actor)
    return question


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _municipality_values(names: list[str]) -> list[str]:
    """Option values from the names: ``Gemeinde Lehre`` → ``gemeinde-lehre``. They name
    the option in the results filter's address (``?group=municipality.gemeinde-lehre``)
    and in exports; ``m<n>`` where a name gives no value of its own (empty, taken, or
    the "keine Angabe" value ``na``)."""
    values: list[str] = []
    for number, name in enumerate(names, start=1):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_UMLAUTS)).strip("-")[:60]
        taken = slug in values or slug == "na" or re.fullmatch(r"m\d+", slug)
        values.append(f"m{number}" if not slug or taken else slug)
    return values


def add_goal_matrix(
    section: Section, process: Process, root_id: int, *, required: bool, actor: Any
) -> Question:
    """A matrix about the goals below ``root_id`` (0: the top level) of ``process``."""
    root = db.session.scalar(
        sa.select(Goal).where(Goal.id == root_id, Goal.process_id == process.id)
    )
    if root_id and root is None:
        raise SurveyError(_("Choose a goal of the chosen process."))
    question = parts.matrix_from_goals(section, process, root, required=required)
    audit("question.goal_matrix", question, section.survey, actor)
    return question


# --- matrix rows ---------------------------------------------------------------------


def save_row(
    question: Question, row: MatrixRow | None, *, label: dict[str, str], actor: Any
) -> MatrixRow:
    """A new row at the end of the matrix (``row`` None) or a new label for ``row``."""
    if row is None:
        row = structure.add_row(question, label=label)
    else:
        structure.update_row(row, label=label)
    audit("row.save", row, question.section.survey, actor)
    return row


def move_row(row: MatrixRow, step: int, *, actor: Any) -> None:
    question = row.question
    move(question.rows, row, step, structure.update_row)
    audit("row.move", row, question.section.survey, actor)


def delete_row(row: MatrixRow, *, actor: Any) -> None:
    question = row.question
    structure.delete_row(row)
    if not question.rows:
        raise SurveyError(_("A matrix needs at least one row."))
    audit("row.delete", row, question.section.survey, actor)


# --- options -------------------------------------------------------------------------


def save_option(
    question: Question,
    option: Option | None,
    *,
    label: dict[str, str],
    value: str | None,
    is_other: bool = False,
    is_no_answer: bool = False,
    actor: Any,
) -> Option:
    """A new option at the end (``option`` None; no ``value``: the next number) or
    changes to ``option`` (no ``value``: it keeps its own). Value conditions that refer
    to the question are recomputed."""
    survey = question.section.survey
    flags = {"is_other": is_other, "is_no_answer": is_no_answer}
    if option is None:
        option = structure.add_option(question, label=label, value=value, **flags)
    else:
        structure.update_option(option, label=label, value=value or option.value, **flags)
    conditions.refresh_conditions(survey)
    audit("option.save", option, survey, actor)
    return option


def move_option(option: Option, step: int, *, actor: Any) -> None:
    question = option.question
    move(question.options, option, step, structure.update_option)
    audit("option.move", option, question.section.survey, actor)


def delete_option(option: Option, *, actor: Any) -> None:
    survey = option.question.section.survey
    conditions.refuse_if_referenced(survey, set(), {option.id})
    structure.delete_option(option)
    conditions.refresh_conditions(survey)
    audit("option.delete", option, survey, actor)
