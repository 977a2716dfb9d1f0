"""Which translations are missing, and saving them.

The fields come from :func:`app.translate.fields.collect`; counting happens in
Python. Saving writes goal texts as a new revision and everything else into a new
dict, so SQLAlchemy sees the change, audited as one ``content.translate`` event.
Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.goals.editing import GoalTexts, revise_goal
from app.goals.models import GoalRevision
from app.processes.models import Process
from app.translate.fields import GOAL_ATTRS, TextField, as_dict

PER_PAGE = 30  # texts per page of the editor


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
    new = as_dict(value)
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
        texts = {attr: as_dict(getattr(revision, attr)) for attr in GOAL_ATTRS}
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
