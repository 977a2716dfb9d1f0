"""Readable filter URLs: ``?group=municipality.lehre`` instead of ``?group=4711``.

A road-show presenter opens "Ergebnisse für die Gemeinde Lehre" by typing the
address, so the filter names the group the way the questionnaire does, not by a
database id:

- the demographic question by its preset (``municipality``, ``age_band``,
  ``gender``, ``stakeholder``), or ``q<id>`` when it has none or shares its preset
  with an earlier demographic question of the survey;
- the option by its ``value``, the code every export and the margin CSV use for it
  too (unique within its question, kept when its label is reworded, e.g. ``lehre``,
  ``18-29``, ``female``).

Key and value are joined by a dot (no URL encoding needed: ``.`` is not in a key).
An old address with the option id (``?group=4711``) is redirected to the readable
one; an unknown group is a 404.

One small query per request (the demographic questions' settings and options), no
questionnaire load, so the page cache's fast path (``public_views.survey``) stays as
it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.surveys.models import Option, Question, Section

SEPARATOR = "."


@dataclass(frozen=True)
class GroupParams:
    """The filter parameter of every demographic option of one survey, and back."""

    by_option: dict[int, str]
    by_param: dict[str, int]

    @classmethod
    def of(cls, survey_id: int) -> GroupParams:
        rows = db.session.execute(
            sa.select(Question.id, Question.settings, Option.id, Option.value)
            .join(Section, Section.id == Question.section_id)
            .join(Option, Option.question_id == Question.id)
            .where(Section.survey_id == survey_id, Question.is_demographic.is_(True))
            .order_by(Section.position, Question.position, Question.id, Option.position)
        ).all()
        keys: dict[int, str] = {}
        for question_id, settings, _option_id, _value in rows:
            if question_id in keys:
                continue
            preset = str((settings or {}).get("preset") or "")
            key = preset if preset and preset not in keys.values() else f"q{question_id}"
            keys[question_id] = key
        by_option = {
            option_id: f"{keys[question_id]}{SEPARATOR}{value}"
            for question_id, _settings, option_id, value in rows
        }
        return cls(by_option, {param: option_id for option_id, param in by_option.items()})

    def param(self, option_id: int) -> str:
        return self.by_option.get(option_id, str(option_id))


@dataclass(frozen=True)
class Selection:
    """What ``?group=`` asks for: an option (None: everyone), or a redirect target
    (the readable parameter of an old id address), or nothing known (404)."""

    option_id: int | None
    redirect_to: str | None = None
    unknown: bool = False


def select(survey_id: int, raw: str | None) -> Selection:
    raw = (raw or "").strip()
    if not raw:
        return Selection(None)
    params = GroupParams.of(survey_id)
    if raw.isdigit():
        option_id = int(raw)
        if option_id in params.by_option:
            return Selection(option_id, redirect_to=params.by_option[option_id])
        return Selection(None, unknown=True)
    found = params.by_param.get(raw)
    return Selection(None, unknown=True) if found is None else Selection(found)
