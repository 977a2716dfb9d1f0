"""Forms of the survey builder (the question form: :mod:`.question_form`).

Translated texts get one field per configured language (``title_de``, ``title_en``,
...), shown side by side; the classes are built per language list and cached.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.core.forms import Form
from app.staff.forms import (
    add_text_fields,
    language_name,
    local_day_field,
    translated,
)
from app.surveys.builder.parts import PRESETS
from app.surveys.builder.structure import SLUG_RE
from app.surveys.models import AccessMode, ResultsVisibility

NO_PROCESS = 0
ACCESS_CHOICES = [
    SelectChoice(AccessMode.OPEN.value, _l("Anyone (one response per browser)")),
    SelectChoice(AccessMode.ACCOUNT.value, _l("Signed-in users (one response per account)")),
    SelectChoice(AccessMode.CODE.value, _l("Invitation code from a letter")),
]
RESULTS_CHOICES = [
    SelectChoice(ResultsVisibility.LIVE.value, _l("At once")),
    SelectChoice(ResultsVisibility.AFTER_CLOSE.value, _l("After the survey has closed")),
    SelectChoice(ResultsVisibility.STAFF.value, _l("Only staff")),
]
PRESET_CHOICES = [
    SelectChoice("age_band", _l("Age band")),
    SelectChoice("gender", _l("Gender")),
    SelectChoice("municipality", _l("Municipality or district")),
    SelectChoice("stakeholder", _l("Stakeholder group")),
]
assert {c.value for c in PRESET_CHOICES} == set(PRESETS)


def strip_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _label(text: Any) -> Any:
    """A label factory for :func:`add_text_fields`: ``"<text> (<language>)"``."""
    return lambda lang: _l("%(text)s (%(language)s)", text=text, language=language_name(lang))


def lines(form: FlaskForm, prefix: str, languages: list[str]) -> list[dict[str, str]]:
    """Textarea fields ``<prefix>_<lang>`` with one item per line, as translated dicts
    (line n of each language belongs together; lines empty in every language drop)."""
    columns = {
        lang: [line.strip() for line in (form[f"{prefix}_{lang}"].data or "").splitlines()]
        for lang in languages
    }
    count = max((len(column) for column in columns.values()), default=0)
    items = [
        {lang: column[i] for lang, column in columns.items() if i < len(column) and column[i]}
        for i in range(count)
    ]
    return [item for item in items if item]


class TranslatedForm(Form):
    languages: tuple[str, ...] = ()

    def texts(self, prefix: str) -> dict[str, str]:
        return translated(self, prefix, list(self.languages))

    def require(self, prefix: str, lang: str) -> bool:
        field = self[f"{prefix}_{lang}"]
        if (field.data or "").strip():
            return True
        field.errors.append(
            _l("Please enter a text in %(language)s.", language=language_name(lang))
        )
        return False


def localized(base: type[TranslatedForm], languages: tuple[str, ...], **texts: Any) -> Any:
    """``base`` with per-language fields: ``texts`` maps prefix → (label, long)."""
    cls = type(f"Localized{base.__name__}", (base,), {"languages": languages})
    for prefix, (label, long) in texts.items():
        add_text_fields(cls, prefix, _label(label), languages, long=long)
    return cls


# --- surveys -------------------------------------------------------------------------


class SurveyForm(TranslatedForm):
    slug = StringField(
        _l("Web address (slug)"),
        [
            InputRequired(),
            Length(max=80),
            Regexp(
                SLUG_RE.pattern,
                message=_l("Use lower-case letters, digits and dashes for the address."),
            ),
        ],
        filters=[strip_text],
    )
    process_id = SelectField(_l("Process"), coerce=int)
    default_locale = SelectField(_l("Main language of the content"), [InputRequired()])
    access_mode = SelectField(_l("Who may answer"), choices=ACCESS_CHOICES)
    anonymised = BooleanField(
        _l("Anonymised"),
        description=_l("Drops the link to account, code or browser and keeps only the day."),
    )
    review_before_submit = BooleanField(
        _l("Show a summary before submitting"),
        description=_l(
            "Off: the button on the last page submits the answers; short surveys need "
            "one step less."
        ),
    )
    results_visibility = SelectField(_l("Results are shown"), choices=RESULTS_CHOICES)
    opens_at = local_day_field(
        _l("First day"),
        [Optional()],
        _l("Opens at the start of this day. Empty: when you open it."),
    )
    closes_at = local_day_field(
        _l("Last day"),
        [Optional()],
        _l("Open until and including this day. Empty: when you close it."),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.default_locale.data in self.languages:
            valid = self.require("title", self.default_locale.data) and valid
        return valid


@cache
def _survey_form_class(languages: tuple[str, ...]) -> Any:
    texts = {
        "title": (_l("Title"), False),
        "intro": (_l("Introduction"), True),
        "thanks": (_l("Thank-you text"), True),
    }
    return localized(SurveyForm, languages, **texts)


def survey_form(
    languages: list[str], processes: list[tuple[int, str]], data: dict[str, Any] | None = None
) -> SurveyForm:
    form: SurveyForm = _survey_form_class(tuple(languages))(data=data)
    form.process_id.choices = [SelectChoice(pid, name) for pid, name in processes]
    form.default_locale.choices = [SelectChoice(lang, language_name(lang)) for lang in languages]
    return form


class CopyForm(Form):
    slug = StringField(
        _l("Web address (slug) of the copy"),
        [InputRequired(), Length(max=80)],
        filters=[strip_text],
    )


# --- sections ------------------------------------------------------------------------


class SectionForm(TranslatedForm):
    pass


@cache
def _section_form_class(languages: tuple[str, ...]) -> Any:
    texts = {"title": (_l("Page title"), False), "intro": (_l("Page introduction"), True)}
    return localized(SectionForm, languages, **texts)


def section_form(languages: list[str], data: dict[str, Any] | None = None) -> SectionForm:
    form: SectionForm = _section_form_class(tuple(languages))(data=data)
    return form


class RowForm(TranslatedForm):
    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.require("label", self.languages[0]) and valid


@cache
def _row_form_class(languages: tuple[str, ...]) -> Any:
    return localized(RowForm, languages, label=(_l("Row"), False))


def row_form(languages: list[str], data: dict[str, Any] | None = None) -> RowForm:
    form: RowForm = _row_form_class(tuple(languages))(data=data)
    return form


class OptionForm(TranslatedForm):
    value = StringField(
        _l("Stored value"),
        [Optional(), Length(max=64)],
        filters=[strip_text],
        description=_l("For scale points: the score. Empty: the next number."),
    )
    is_other = BooleanField(_l("“Other” with a text field"))
    is_no_answer = BooleanField(_l("“No answer” (not scored)"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.require("label", self.languages[0]) and valid


@cache
def _option_form_class(languages: tuple[str, ...]) -> Any:
    return localized(OptionForm, languages, label=(_l("Label"), False))


def option_form(languages: list[str], data: dict[str, Any] | None = None) -> OptionForm:
    form: OptionForm = _option_form_class(tuple(languages))(data=data)
    return form


class PresetForm(Form):
    preset = SelectField(_l("Preset"), choices=PRESET_CHOICES)
    required = BooleanField(_l("Required"))
    choices = TextAreaField(
        _l("Municipalities or districts, one per line"),
        [Optional(), Length(max=20000)],
        description=_l("Only for the preset “Municipality or district”."),
    )


class GoalMatrixForm(Form):
    process_id = SelectField(_l("Process"), coerce=int)
    root_id = SelectField(
        _l("Ask about the goals below"),
        coerce=int,
        description=_l("Empty: the top-level goals of the process."),
    )
    required = BooleanField(_l("Required"))
