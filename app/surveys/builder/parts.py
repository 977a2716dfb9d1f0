"""Building surveys from parts: scales, demographic presets, goal matrices, copies.

Flushes, never commits; goes through :mod:`app.surveys.builder.structure`, so the lock on
surveys with responses applies here too.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.goals.models import Goal
from app.goals.services import current_revisions
from app.processes.models import Process
from app.surveys.builder.structure import (
    SURVEY_FIELDS,
    SurveyError,
    add_option,
    check_question,
    create_question,
    create_section,
    create_survey,
)
from app.surveys.models import Question, QuestionKind, Section, Survey

DEFAULT_IMPORTANCE_SCALE: list[tuple[str, dict[str, str]]] = [
    ("1", {"de": "unwichtig", "en": "not important"}),
    ("2", {"de": "weniger wichtig", "en": "less important"}),
    ("3", {"de": "teils/teils", "en": "neither"}),
    ("4", {"de": "wichtig", "en": "important"}),
    ("5", {"de": "sehr wichtig", "en": "very important"}),
]
NO_ANSWER_LABEL = {"de": "keine Angabe", "en": "no answer"}


def add_scale(
    question: Question,
    points: list[tuple[str, dict[str, str]]] | None = None,
    *,
    no_answer: bool = True,
) -> None:
    """Labelled scale points (value = score) and, apart from them, "keine Angabe"."""
    for value, label in points or DEFAULT_IMPORTANCE_SCALE:
        add_option(question, label=label, value=value)
    if no_answer:
        add_option(question, label=dict(NO_ANSWER_LABEL), value="na", is_no_answer=True)


# --- copies and goal matrices --------------------------------------------------------


def copy_survey(survey: Survey, *, slug: str, title: dict[str, str] | None = None) -> Survey:
    """A draft with the same structure and texts; no codes, no responses."""
    fields = {name: getattr(survey, name) for name in SURVEY_FIELDS - {"slug", "title"}}
    fields |= {"opens_at": None, "closes_at": None}
    copy = create_survey(slug=slug, title=dict(title or survey.title), **fields)
    question_ids: dict[int, int] = {}
    option_ids: dict[int, int] = {}
    for section in survey.sections:
        new_section = create_section(copy, title=dict(section.title), intro=dict(section.intro))
        for question in section.questions:
            new = _copy_question(new_section, question, question_ids, option_ids)
            question_ids[question.id] = new.id
    return copy


def _copy_question(
    section: Section, question: Question, question_ids: dict[int, int], option_ids: dict[int, int]
) -> Question:
    show_if = None
    if question.show_if:
        show_if = dict(question.show_if)
        show_if["question_id"] = question_ids.get(show_if["question_id"])
        if "option_ids" in show_if:
            show_if["option_ids"] = [option_ids[i] for i in show_if["option_ids"]]
    new = create_question(
        section,
        kind=question.kind,
        prompt=dict(question.prompt),
        help=dict(question.help),
        required=question.required,
        is_demographic=question.is_demographic,
        settings=dict(question.settings),
        goal_id=question.goal_id,
        rows=[{"label": dict(r.label), "goal_id": r.goal_id} for r in question.rows],
    )
    for option in question.options:
        fields = ("value", "is_other", "is_no_answer")
        spec = {name: getattr(option, name) for name in fields}
        option_ids[option.id] = add_option(new, label=dict(option.label), **spec).id
    new.show_if = show_if
    check_question(new)
    return new


def matrix_from_goals(
    section: Section,
    process: Process,
    subtree_root: Goal | None = None,
    *,
    prompt: dict[str, str] | None = None,
    required: bool = False,
) -> Question:
    """A matrix "Wie wichtig ist Ihnen …?" whose rows are the goals one level below
    ``subtree_root`` (the top-level goals of ``process`` without one)."""
    parent_id = subtree_root.id if subtree_root is not None else None
    goals = list(
        db.session.scalars(
            sa.select(Goal)
            .where(Goal.process_id == process.id, _parent_is(parent_id))
            .order_by(Goal.position, Goal.code)
        )
    )
    if not goals:
        raise SurveyError(_("There are no goals to ask about."))
    revisions = current_revisions(g.id for g in goals)
    rows = [
        {"label": _goal_label(goal, revisions[goal.id].title), "goal_id": goal.id}
        for goal in goals
        if goal.id in revisions
    ]
    question = create_question(
        section,
        kind=QuestionKind.MATRIX,
        prompt=prompt or {"de": "Wie wichtig ist Ihnen …?", "en": "How important to you is …?"},
        required=required,
        rows=rows,
    )
    add_scale(question)
    return question


def _goal_label(goal: Goal, title: dict[str, str]) -> dict[str, str]:
    return {lang: f"{goal.code} {text}" for lang, text in title.items() if text}


def _parent_is(parent_id: int | None) -> Any:
    return Goal.parent_id.is_(None) if parent_id is None else Goal.parent_id == parent_id


# --- demographic presets -------------------------------------------------------------

Choice = tuple[str, dict[str, str]]

AGE_BANDS: list[Choice] = [
    ("under-18", {"de": "unter 18 Jahre", "en": "under 18"}),
    ("18-29", {"de": "18 bis 29 Jahre", "en": "18 to 29"}),
    ("30-44", {"de": "30 bis 44 Jahre", "en": "30 to 44"}),
    ("45-59", {"de": "45 bis 59 Jahre", "en": "45 to 59"}),
    ("60-74", {"de": "60 bis 74 Jahre", "en": "60 to 74"}),
    ("75-plus", {"de": "75 Jahre und älter", "en": "75 or older"}),
]
GENDERS: list[Choice] = [
    ("female", {"de": "weiblich", "en": "female"}),
    ("male", {"de": "männlich", "en": "male"}),
    ("diverse", {"de": "divers", "en": "diverse"}),
]
STAKEHOLDER_GROUPS: list[Choice] = [
    ("citizen", {"de": "Bürgerin oder Bürger", "en": "Resident"}),
    ("council", {"de": "Mitglied des Rats oder Kreistags", "en": "Council member"}),
    ("administration", {"de": "Verwaltung", "en": "Administration"}),
    ("organisation", {"de": "Verein oder Organisation", "en": "Association or organisation"}),
]
PRESETS: dict[str, tuple[dict[str, str], list[Choice], str]] = {
    "age_band": ({"de": "Wie alt sind Sie?", "en": "How old are you?"}, AGE_BANDS, "radio"),
    "gender": ({"de": "Ihr Geschlecht", "en": "Your gender"}, GENDERS, "radio"),
    "municipality": (
        {"de": "In welcher Gemeinde wohnen Sie?", "en": "Which municipality do you live in?"},
        [],
        "dropdown",
    ),
    "stakeholder": (
        {"de": "Sie antworten als …", "en": "You are answering as …"},
        STAKEHOLDER_GROUPS,
        "radio",
    ),
}


def add_demographic_question(
    section: Section,
    preset: str,
    *,
    choices: list[Choice] | None = None,
    prompt: dict[str, str] | None = None,
    required: bool = False,
) -> Question:
    """A demographic single choice from a preset, with "keine Angabe" at the end.

    ``municipality`` has no options of its own: pass the municipalities or districts
    as ``choices`` (value, label).
    """
    default_prompt, default_choices, display = PRESETS[preset]
    options = choices if choices is not None else default_choices
    if not options:
        raise SurveyError(_("Please list the choices for this question."))
    question = create_question(
        section,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt=prompt or dict(default_prompt),
        required=required,
        is_demographic=True,
        settings={"display": display, "preset": preset},
        options=[{"value": value, "label": dict(label)} for value, label in options],
    )
    add_option(question, label=dict(NO_ANSWER_LABEL), value="na", is_no_answer=True)
    return question
