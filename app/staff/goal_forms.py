"""Staff forms of the goal tree: add, edit, move and shift a goal; import a tree."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from app.core.forms import Form
from app.goals.editing import CODE_MAX_LENGTH, CODE_RE
from app.goals.models import GoalRevision
from app.staff.forms import (
    add_text_fields,
    language_name,
    mark_required,
    require_text,
    strip_text,
    title_label,
    translated,
    translated_data,
)

TOP_LEVEL = 0  # the parent choice "no parent"


# --- goals -------------------------------------------------------------------


class GoalForm(Form):
    code = StringField(
        _l("Code"),
        [
            DataRequired(),
            Length(
                max=CODE_MAX_LENGTH,
                message=_l(
                    "A code has at most %(max)d characters, such as “12.1.3”.", max=CODE_MAX_LENGTH
                ),
            ),
            Regexp(
                CODE_RE.pattern,
                message=_l("Use letters, digits, dots, hyphens and underscores only."),
            ),
        ],
        filters=[strip_text],
        description=_l("A short number such as “12.1.3”; it appears in the page address."),
    )
    change_note = TextAreaField(
        _l("What changed?"),
        [Optional(), Length(max=2000)],
        description=_l("Shown to the public together with the new version."),
    )

    languages: tuple[str, ...] = ()
    required_language: str = ""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return require_text(self, "title", self.required_language) and valid

    def texts(self) -> dict[str, dict[str, str]]:
        languages = list(self.languages)
        return {
            "title": translated(self, "title", languages),
            "body": translated(self, "body", languages),
            "easy_body": translated(self, "easy", languages),
        }


class NewGoalForm(GoalForm):
    parent = SelectField(_l("Parent goal"), [InputRequired()], coerce=int)


class MoveGoalForm(Form):
    parent = SelectField(_l("New parent goal"), [InputRequired()], coerce=int)


@cache
def _goal_form_class(base: type[GoalForm], languages: tuple[str, ...]) -> type[GoalForm]:
    cls = type(f"Localized{base.__name__}", (base,), {"languages": languages})
    add_text_fields(cls, "title", title_label, languages)
    add_text_fields(
        cls,
        "body",
        lambda lang: _l("Goal text (%(language)s)", language=language_name(lang)),
        languages,
        long=True,
    )
    add_text_fields(
        cls,
        "easy",
        lambda lang: _l("Text in Easy Language (%(language)s)", language=language_name(lang)),
        languages,
        long=True,
    )
    return cls


def goal_form(
    languages: list[str],
    required_language: str,
    *,
    new: bool = False,
    data: dict[str, Any] | None = None,
) -> GoalForm:
    base = NewGoalForm if new else GoalForm
    form = _goal_form_class(base, tuple(languages))(data=data)
    form.required_language = required_language
    mark_required(form, f"title_{required_language}")
    return form


def goal_data(code: str, revision: GoalRevision) -> dict[str, Any]:
    return (
        {"code": code}
        | translated_data("title", revision.title)
        | translated_data("body", revision.body)
        | translated_data("easy", revision.easy_body)
    )


class ShiftGoalForm(Form):
    direction = StringField(validators=[InputRequired(), AnyOf(["up", "down"])])


# --- import ------------------------------------------------------------------

IMPORT_EXTENSIONS = ["yaml", "yml", "csv"]


class ImportForm(Form):
    file = FileField(
        _l("File with goals"),
        [
            FileRequired(_l("Please choose a file.")),
            FileAllowed(IMPORT_EXTENSIONS, _l("Please upload a YAML or CSV file.")),
        ],
        description=_l("YAML (.yaml, .yml) or CSV (.csv), UTF-8 encoded."),
    )
