"""The translatable texts of a process, which translations are missing, and saving them.

Every text field that staff write is a translated dict (``{"de": ..., "en": ...}``).
:func:`collect` lists the fields of a process, its phases, goals (current revision),
rating questions and surveys in a fixed number of queries; counting happens in Python.
Saving writes goal texts as a new revision and everything else into a new dict, so
SQLAlchemy sees the change, audited as one ``content.translate`` event. Functions
flush, never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.goals.editing import GoalTexts, revise_goal
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revisions, process_goals
from app.i18n import localize
from app.processes.models import Process
from app.ratings.models import RatingQuestion
from app.staff.forms import PHASE_CHOICES
from app.surveys.models import Question, Survey

PER_PAGE = 30
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


def _dict(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


# --- collecting --------------------------------------------------------------------


def _process_fields(process: Process) -> Iterator[TextField]:
    group, lang = _("Process"), process.default_locale
    common = {"group": group, "default_lang": lang, "obj": process}
    yield TextField(
        f"process_{process.id}_title",
        owner=group,
        label=_("Title"),
        source=_dict(process.title),
        long=False,
        max_length=SHORT_MAX,
        attr="title",
        **common,
    )
    yield TextField(
        f"process_{process.id}_summary",
        owner=group,
        label=_("Summary"),
        source=_dict(process.summary),
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
            source=_dict(names),
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
            source=_dict(kind.get("label")),
            long=False,
            max_length=SHORT_MAX,
            attr="comment_kinds",
            index=i,
            subkey="label",
            **common,
        )


def _phase_fields(process: Process) -> Iterator[TextField]:
    kinds = {choice.value: str(choice.label) for choice in PHASE_CHOICES}
    for number, phase in enumerate(process.phases, start=1):
        owner = _("Phase %(number)d: %(kind)s", number=number, kind=kinds.get(phase.kind, ""))
        yield TextField(
            f"phase_{phase.id}_title",
            group=_("Phases"),
            owner=owner,
            label=_("Own name of the phase"),
            source=_dict(phase.title),
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
                source=_dict(getattr(revision, attr)),
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
            source=_dict(question.prompt),
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
        source = _dict(value.get(kw["subkey"]) if "subkey" in kw else value)
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


# --- the report --------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRow:
    field: TextField
    languages: list[str]  # languages the field is missing in


@dataclass(frozen=True)
class Report:
    total: int
    counts: dict[str, int]  # language → number of missing texts
    groups: list[tuple[str, list[MissingRow]]]
    pages: dict[str, dict[str, int]]  # language → field key → editor page

    @property
    def missing(self) -> int:
        return sum(self.counts.values())


def report_languages(process: Process, languages: list[str], fields: list[TextField]) -> list[str]:
    """The UI languages other than the process's own, and its own if a survey lacks it."""
    own = process.default_locale
    return [lang for lang in languages if lang != own or any(f.missing_in(lang) for f in fields)]


def build_report(fields: list[TextField], languages: list[str]) -> Report:
    counts = {lang: 0 for lang in languages}
    pages: dict[str, dict[str, int]] = {lang: {} for lang in languages}
    groups: dict[str, list[MissingRow]] = {}
    for field in fields:
        missing = [lang for lang in languages if field.missing_in(lang)]
        for lang in missing:
            pages[lang][field.key] = counts[lang] // PER_PAGE + 1
            counts[lang] += 1
        if missing:
            groups.setdefault(field.group, []).append(MissingRow(field, missing))
    return Report(len(fields), counts, list(groups.items()), pages)


def editor_fields(fields: list[TextField], lang: str, only_missing: bool) -> list[TextField]:
    """The fields the editor lists for ``lang``, in report order."""
    fields = [f for f in fields if f.default_lang != lang]
    return [f for f in fields if f.missing_in(lang)] if only_missing else fields


# --- saving ------------------------------------------------------------------------


def _with_lang(value: Any, lang: str, text: str) -> dict[str, str]:
    new = _dict(value)
    if text:
        new[lang] = text
    else:
        new.pop(lang, None)
    return new


def _write(field: TextField, lang: str, text: str) -> None:
    """Put ``text`` into a new dict (and a new list) so SQLAlchemy sees the change."""
    obj, attr = field.obj, field.attr
    value = getattr(obj, attr)
    if field.index is not None:
        items = [dict(item) if isinstance(item, dict) else item for item in value]
        item = items[field.index]
        if field.subkey:
            items[field.index] = {
                **item,
                field.subkey: _with_lang(item.get(field.subkey), lang, text),
            }
        else:
            items[field.index] = _with_lang(item, lang, text)
        setattr(obj, attr, items)
    elif field.subkey:
        setattr(
            obj,
            attr,
            {**(value or {}), field.subkey: _with_lang(value.get(field.subkey), lang, text)},
        )
    else:
        setattr(obj, attr, _with_lang(value, lang, text))


def translation_note(process: Process, lang: str) -> str:
    """The change note of a goal revision, in the language of the process's content."""
    with force_locale(process.default_locale):
        return _("Translation (%(language)s)", language=lang)


def _revise_goals(
    process: Process, changes: list[tuple[TextField, str]], lang: str, author: User | None
) -> list[GoalRevision]:
    by_goal: dict[int, list[tuple[TextField, str]]] = {}
    for field, text in changes:
        assert field.goal is not None
        by_goal.setdefault(field.goal.id, []).append((field, text))
    note = translation_note(process, lang)
    revisions = []
    for items in by_goal.values():
        revision, goal = items[0][0].obj, items[0][0].goal
        texts = {attr: _dict(getattr(revision, attr)) for attr in GOAL_ATTRS}
        for field, text in items:
            texts[field.attr] = _with_lang(texts[field.attr], lang, text)
        assert goal is not None
        new = revise_goal(goal, texts=GoalTexts(**texts), author=author, change_note=note)
        if new is not None:
            revisions.append(new)
    return revisions


def save_translations(
    process: Process,
    lang: str,
    changes: list[tuple[TextField, str]],
    author: User | None,
) -> None:
    """Write the changed texts, audited as one ``content.translate`` event by ``author``."""
    before = {f.key: f.current(lang) for f, _text in changes}
    after = {f.key: text for f, text in changes}
    goal_changes = [(f, text) for f, text in changes if f.goal is not None]
    for field, text in changes:
        if field.goal is None:
            _write(field, lang, text)
    _revise_goals(process, goal_changes, lang, author)
    db.session.flush()
    record(
        "content.translate",
        process,
        actor=author,
        process_id=process.id,
        before={"language": lang, "texts": before},
        after={"language": lang, "texts": after},
    )
