r"""The translatable texts of a process: every text field staff write, collected.

Every text field that staff write is a translated dict (``{"de": ..., "en": ...}``).
:func:`collect` lists the fields of a process, its phases, goals (current revision),
rating questions and surveys in a fixed number of queries, as :class:`TextField`\ s
that know where they live; :mod:`app.translate.services` reports and saves them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.goals.models import Goal
from app.goals.services import current_revisions, process_goals
from app.i18n import localize
from app.processes.labels import PHASE_LABELS
from app.processes.models import Process
from app.ratings.models import RatingQuestion
from app.surveys.models import Question, Survey

SHORT_MAX = 500  # the normal forms: one-line texts
LONG_MAX = 20000  # the normal forms: long texts
NAME_MAX = 80  # the names of goal levels
GOAL_ATTRS = ("title", "body", "easy_body")


@dataclass(frozen=True)
class TextField:
    """One translatable text: where it lives, what it is called, what it says now."""

    key: str  # "goal_12_body": kind, object id, field; unique in a process
    group: str  # heading in the report and the editor ("Goals", "Survey “…”")
    owner: str  # the object ("Goal 1.2", "Page 1 · Question 2")
    label: str  # the field ("Title", "Goal text")
    source: dict[str, str]
    default_lang: str
    long: bool
    max_length: int
    obj: Any  # the model instance holding the text (a GoalRevision for goals)
    attr: str
    index: int | None = None  # position in a list attribute (level names, comment kinds)
    subkey: str | None = None  # key inside a dict (comment kind "label", settings "unit")
    goal: Goal | None = None

    @property
    def original(self) -> str:
        return (self.source.get(self.default_lang) or "").strip()

    def current(self, lang: str) -> str:
        return (self.source.get(lang) or "").strip()

    def missing_in(self, lang: str) -> bool:
        return lang != self.default_lang and not self.current(lang)


def fingerprint(text: str) -> str:
    """A short hash of the text a form showed, to notice a change made meanwhile."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def as_dict(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


# --- collecting --------------------------------------------------------------------


def _process_fields(process: Process) -> Iterator[TextField]:
    group, lang = _("Process"), process.default_locale
    common = {"group": group, "default_lang": lang, "obj": process}
    yield TextField(
        f"process_{process.id}_title",
        owner=group,
        label=_("Title"),
        source=as_dict(process.title),
        long=False,
        max_length=SHORT_MAX,
        attr="title",
        **common,
    )
    yield TextField(
        f"process_{process.id}_summary",
        owner=group,
        label=_("Summary"),
        source=as_dict(process.summary),
        long=True,
        max_length=LONG_MAX,
        attr="summary",
        **common,
    )
    for i, names in enumerate(process.level_names or []):
        yield TextField(
            f"level_{process.id}_{i}",
            owner=_("Level %(number)d of the goal tree", number=i + 1),
            label=_("Name"),
            source=as_dict(names),
            long=False,
            max_length=NAME_MAX,
            attr="level_names",
            index=i,
            **common,
        )
    for i, kind in enumerate(process.comment_kinds or []):
        yield TextField(
            f"kind_{process.id}_{i}",
            owner=_("Kind of comment %(number)d", number=i + 1),
            label=_("Label"),
            source=as_dict(kind.get("label")),
            long=False,
            max_length=SHORT_MAX,
            attr="comment_kinds",
            index=i,
            subkey="label",
            **common,
        )


def _phase_fields(process: Process) -> Iterator[TextField]:
    kinds = {kind.value: str(label) for kind, label in PHASE_LABELS.items()}
    for number, phase in enumerate(process.phases, start=1):
        owner = _("Phase %(number)d: %(kind)s", number=number, kind=kinds.get(phase.kind, ""))
        yield TextField(
            f"phase_{phase.id}_title",
            group=_("Phases"),
            owner=owner,
            label=_("Own name of the phase"),
            source=as_dict(phase.title),
            default_lang=process.default_locale,
            long=False,
            max_length=SHORT_MAX,
            obj=phase,
            attr="title",
        )


def _goal_fields(process: Process) -> Iterator[TextField]:
    goals = process_goals(process.id)
    revisions = current_revisions(goal.id for goal in goals)
    labels = {"title": _("Title"), "body": _("Goal text"), "easy_body": _("Text in Easy Language")}
    for goal in sorted(goals, key=lambda g: _code_key(g.code)):
        revision = revisions.get(goal.id)
        if revision is None:
            continue
        for attr in GOAL_ATTRS:
            yield TextField(
                f"goal_{goal.id}_{attr}",
                group=_("Goals"),
                owner=_("Goal %(code)s", code=goal.code),
                label=labels[attr],
                source=as_dict(getattr(revision, attr)),
                default_lang=process.default_locale,
                long=attr != "title",
                max_length=SHORT_MAX if attr == "title" else LONG_MAX,
                obj=revision,
                attr=attr,
                goal=goal,
            )


def _code_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Sort "2" before "10" and "1.2" before "1.10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


def _rating_fields(process: Process) -> Iterator[TextField]:
    questions = db.session.scalars(
        sa.select(RatingQuestion)
        .where(RatingQuestion.process_id == process.id)
        .order_by(RatingQuestion.position, RatingQuestion.id)
    )
    for number, question in enumerate(questions, start=1):
        yield TextField(
            f"rating_{question.id}_prompt",
            group=_("Rating questions"),
            owner=_("Rating question %(number)d", number=number),
            label=_("Question"),
            source=as_dict(question.prompt),
            default_lang=process.default_locale,
            long=False,
            max_length=SHORT_MAX,
            obj=question,
            attr="prompt",
        )


def _survey_fields(survey: Survey) -> Iterator[TextField]:
    title = localize(survey.title, survey.default_locale, survey.default_locale).text
    group = _("Survey “%(title)s”", title=title or survey.slug)

    def field(key: str, owner: str, label: str, obj: Any, attr: str, long: bool, **kw: Any) -> Any:
        value = getattr(obj, attr)
        source = as_dict(value.get(kw["subkey"]) if "subkey" in kw else value)
        return TextField(
            key,
            group=group,
            owner=owner,
            label=label,
            source=source,
            default_lang=survey.default_locale,
            long=long,
            max_length=LONG_MAX if long else SHORT_MAX,
            obj=obj,
            attr=attr,
            **kw,
        )

    owner = _("Survey")
    yield field(f"survey_{survey.id}_title", owner, _("Title"), survey, "title", False)
    yield field(f"survey_{survey.id}_intro", owner, _("Introduction"), survey, "intro", True)
    yield field(f"survey_{survey.id}_thanks", owner, _("Thank-you text"), survey, "thanks", True)
    for page, section in enumerate(survey.sections, start=1):
        owner = _("Page %(number)d", number=page)
        yield field(f"section_{section.id}_title", owner, _("Page title"), section, "title", False)
        yield field(
            f"section_{section.id}_intro", owner, _("Page introduction"), section, "intro", True
        )
        for number, question in enumerate(section.questions, start=1):
            yield from _question_fields(field, owner, number, question)


def _question_fields(field: Any, page: str, number: int, question: Question) -> Iterator[Any]:
    owner = f"{page} · {_('Question %(number)d', number=number)}"
    qid = question.id
    yield field(f"question_{qid}_prompt", owner, _("Question"), question, "prompt", False)
    yield field(f"question_{qid}_help", owner, _("Help text"), question, "help", True)
    if isinstance((question.settings or {}).get("unit"), dict):
        yield field(
            f"question_{qid}_unit", owner, _("Unit"), question, "settings", False, subkey="unit"
        )
    for i, option in enumerate(question.options, start=1):
        label = f"{owner} · {_('Option %(number)d', number=i)}"
        yield field(f"option_{option.id}_label", label, _("Label"), option, "label", False)
    for i, row in enumerate(question.rows, start=1):
        label = f"{owner} · {_('Row %(number)d', number=i)}"
        yield field(f"row_{row.id}_label", label, _("Label"), row, "label", False)


def process_surveys(process: Process) -> list[Survey]:
    """The surveys of a process; sections, questions, options and rows load in bulk."""
    return list(
        db.session.scalars(
            sa.select(Survey).where(Survey.process_id == process.id).order_by(Survey.id)
        )
    )


def collect(process: Process) -> list[TextField]:
    """Every translatable text of ``process`` that has a text in its default language."""
    fields: list[TextField] = [
        *_process_fields(process),
        *_phase_fields(process),
        *_goal_fields(process),
        *_rating_fields(process),
    ]
    for survey in process_surveys(process):
        fields.extend(_survey_fields(survey))
    return [f for f in fields if f.original]
