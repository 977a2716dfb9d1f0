"""Forms of the survey builder and paper entry.

Translated texts get one field per configured language (``title_de``, ``title_en``,
...), shown side by side; the classes are built per language list and cached.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.staff.forms import (
    _add_text_fields,
    language_name,
    local_datetime_field,
    translated,
)
from app.surveys.builders import PRESETS
from app.surveys.editing import KIND_SETTINGS, SLUG_RE
from app.surveys.models import (
    CHOICE_KINDS,
    AccessMode,
    Question,
    QuestionKind,
    ResultsVisibility,
)
from app.surveys.staff_services import DROPDOWN, drops_items, kind_choice

NO_PROCESS = 0
NO_CONDITION = 0
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
KIND_CHOICES = [
    SelectChoice(QuestionKind.SINGLE_CHOICE.value, _l("Single choice")),
    SelectChoice(QuestionKind.MULTIPLE_CHOICE.value, _l("Multiple choice")),
    SelectChoice(QuestionKind.SCALE.value, _l("Scale")),
    SelectChoice(QuestionKind.MATRIX.value, _l("Matrix (rows with one scale)")),
    SelectChoice(QuestionKind.RANKING.value, _l("Ranking")),
    SelectChoice(QuestionKind.NUMBER.value, _l("Number")),
    SelectChoice(QuestionKind.SHORT_TEXT.value, _l("Short text")),
    SelectChoice(QuestionKind.LONG_TEXT.value, _l("Long text")),
    SelectChoice(QuestionKind.DATE.value, _l("Date")),
]
DROPDOWN_LABEL = _l("Drop-down list (single choice)")
COMPARE_CHOICES = [
    SelectChoice("equals", _l("equals")),
    SelectChoice("at_least", _l("is at least")),
    SelectChoice("at_most", _l("is at most")),
]
DISPLAY_CHOICES = [
    SelectChoice("radio", _l("Radio buttons")),
    SelectChoice("dropdown", _l("Drop-down list")),
]
# The settings of each kind, in the order the question form shows them.
SETTING_FIELDS: dict[QuestionKind, tuple[str, ...]] = {
    QuestionKind.SINGLE_CHOICE: ("display",),
    QuestionKind.MULTIPLE_CHOICE: ("min_choices", "max_choices"),
    QuestionKind.RANKING: ("top_n",),
    QuestionKind.NUMBER: ("min", "max", "decimal", "unit"),
    QuestionKind.SHORT_TEXT: ("max_length",),
    QuestionKind.LONG_TEXT: ("max_length",),
    QuestionKind.DATE: ("min_date", "max_date"),
}
assert {kind: set(names) for kind, names in SETTING_FIELDS.items()} == KIND_SETTINGS
SETTING_NAMES = frozenset().union(*SETTING_FIELDS.values())
# What a new question of a kind starts with: options, matrix rows, "Other", "No answer".
ITEM_FIELDS: dict[str, frozenset[QuestionKind]] = {
    "options": CHOICE_KINDS,
    "rows": frozenset({QuestionKind.MATRIX}),
    "other_option": frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}),
    "no_answer": frozenset({QuestionKind.SCALE, QuestionKind.MATRIX}),
}
PER_LANGUAGE = frozenset({"unit", "options", "rows"})
PRESET_CHOICES = [
    SelectChoice("age_band", _l("Age band")),
    SelectChoice("gender", _l("Gender")),
    SelectChoice("municipality", _l("Municipality or district")),
    SelectChoice("stakeholder", _l("Stakeholder group")),
]
assert {c.value for c in PRESET_CHOICES} == set(PRESETS)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _label(text: Any) -> Any:
    """A label factory for :func:`_add_text_fields`: ``"<text> (<language>)"``."""
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


class TranslatedForm(FlaskForm):
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


def _localized(base: type[TranslatedForm], languages: tuple[str, ...], **texts: Any) -> Any:
    """``base`` with per-language fields: ``texts`` maps prefix → (label, long)."""
    cls = type(f"Localized{base.__name__}", (base,), {"languages": languages})
    for prefix, (label, long) in texts.items():
        _add_text_fields(cls, prefix, _label(label), languages, long=long)
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
        filters=[_strip],
    )
    process_id = SelectField(_l("Process"), coerce=int)
    default_locale = SelectField(_l("Main language of the content"), [InputRequired()])
    access_mode = SelectField(_l("Who may answer"), choices=ACCESS_CHOICES)
    anonymised = BooleanField(
        _l("Anonymised"),
        description=_l("Drops the link to account, code or browser and keeps only the day."),
    )
    results_visibility = SelectField(_l("Results are shown"), choices=RESULTS_CHOICES)
    opens_at = local_datetime_field(
        _l("Opens at"),
        [Optional()],
        _l("Local time (Europe/Berlin). Empty: when you open it."),
    )
    closes_at = local_datetime_field(
        _l("Closes at"),
        [Optional()],
        _l("Local time (Europe/Berlin). Empty: when you close it."),
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
    return _localized(SurveyForm, languages, **texts)


def survey_form(
    languages: list[str], processes: list[tuple[int, str]], data: dict[str, Any] | None = None
) -> SurveyForm:
    form: SurveyForm = _survey_form_class(tuple(languages))(data=data)
    form.process_id.choices = [SelectChoice(pid, name) for pid, name in processes]
    form.default_locale.choices = [SelectChoice(lang, language_name(lang)) for lang in languages]
    return form


class CopyForm(FlaskForm):
    slug = StringField(
        _l("Web address (slug) of the copy"),
        [InputRequired(), Length(max=80)],
        filters=[_strip],
    )


# --- sections ------------------------------------------------------------------------


class SectionForm(TranslatedForm):
    pass


@cache
def _section_form_class(languages: tuple[str, ...]) -> Any:
    texts = {"title": (_l("Page title"), False), "intro": (_l("Page introduction"), True)}
    return _localized(SectionForm, languages, **texts)


def section_form(languages: list[str], data: dict[str, Any] | None = None) -> SectionForm:
    form: SectionForm = _section_form_class(tuple(languages))(data=data)
    return form


# --- questions -----------------------------------------------------------------------


class QuestionForm(TranslatedForm):
    kind = SelectField(_l("Kind of question"), choices=KIND_CHOICES)
    required = BooleanField(_l("Required"))
    is_demographic = BooleanField(_l("Demographic question"))
    display = SelectField(_l("Single choice shown as"), choices=DISPLAY_CHOICES, default="radio")
    other_option = BooleanField(_l("Add an option “Other” with a text field (choices)"))
    no_answer = BooleanField(
        _l("Offer “no answer” apart from the scale (scale, matrix)"), default=True
    )
    min_choices = IntegerField(
        _l("At least this many choices (multiple choice)"), [Optional(), NumberRange(min=1)]
    )
    max_choices = IntegerField(
        _l("At most this many choices (multiple choice)"), [Optional(), NumberRange(min=1)]
    )
    top_n = IntegerField(_l("Rank the top N (ranking)"), [Optional(), NumberRange(min=1)])
    min = FloatField(_l("Smallest number (number)"), [Optional()])
    max = FloatField(_l("Largest number (number)"), [Optional()])
    decimal = BooleanField(_l("Allow decimals (number)"))
    max_length = IntegerField(
        _l("Maximum length in characters (texts)"), [Optional(), NumberRange(min=1, max=20000)]
    )
    min_date = DateField(_l("Earliest date (date)"), [Optional()])
    max_date = DateField(_l("Latest date (date)"), [Optional()])
    condition_question = SelectField(
        _l("Question (number or scale)"), coerce=int, default=NO_CONDITION
    )
    condition_compare = SelectField(_l("Comparison"), choices=COMPARE_CHOICES, default="equals")
    condition_value = StringField(_l("Value"), [Length(max=32)], filters=[_strip])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.condition_question.data and not self.condition_value.data:
            self.condition_value.errors.append(_l("Please enter the value to compare with."))
            valid = False
        return self.require("prompt", self.languages[0]) and valid


@cache
def _question_form_class(languages: tuple[str, ...]) -> Any:
    texts = {
        "prompt": (_l("Question"), False),
        "help": (_l("Help text"), True),
        "unit": (_l("Unit (number)"), False),
        "options": (_l("Options or scale points, one per line"), True),
        "rows": (_l("Matrix rows, one per line"), True),
    }
    return _localized(QuestionForm, languages, **texts)


def question_form(
    languages: list[str],
    kind: QuestionKind,
    data: dict[str, Any] | None = None,
    value_targets: list[tuple[int, str]] | None = None,
    *,
    new: bool = False,
    **kwargs: Any,
) -> QuestionForm:
    """The form for a question of ``kind`` (a ``new`` one also gets its options and
    rows); fields of other kinds are removed, so they are neither shown nor validated.
    ``value_targets`` (id, prompt): the questions a value condition may refer to;
    ``kwargs`` go to the form (``formdata=None`` shows it unbound)."""
    form: QuestionForm = _question_form_class(tuple(languages))(data=data, **kwargs)
    form.kind.data = kind.value
    form.condition_question.choices = [SelectChoice(NO_CONDITION, _l("No value condition"))] + [
        SelectChoice(qid, prompt) for qid, prompt in value_targets or []
    ]
    kept = set(SETTING_FIELDS.get(kind, ()))
    kept |= {name for name, kinds in ITEM_FIELDS.items() if new and kind in kinds}
    for name in {*SETTING_NAMES, *ITEM_FIELDS} - kept:
        for field in [f"{name}_{lang}" for lang in languages] if name in PER_LANGUAGE else [name]:
            del form[field]
    return form


class KindChoiceForm(FlaskForm):
    """The first step of a new question: its kind (sent with GET, no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of question"), choices=KIND_CHOICES)


def kind_choice_form(formdata: Any) -> KindChoiceForm:
    """``formdata`` with a ``kind`` is checked; without one the form starts empty."""
    form = KindChoiceForm(formdata=formdata if "kind" in formdata else None)
    if "kind" in formdata:
        form.validate()
    return form


class KindForm(FlaskForm):
    kind = SelectField(_l("New kind of question"), [InputRequired()])
    confirm = BooleanField(_l("Remove the options and rows of this question"))


def kind_form(question: Question) -> KindForm:
    """The kinds ``question`` may change to, those that keep its options first; the
    fields are named ``change-…``."""
    labels = {choice.value: choice.label for choice in KIND_CHOICES} | {DROPDOWN: DROPDOWN_LABEL}
    order = [QuestionKind.SINGLE_CHOICE.value, DROPDOWN, *(c.value for c in KIND_CHOICES[1:])]
    current = kind_choice(question)
    values = sorted((v for v in order if v != current), key=lambda v: drops_items(question, v))
    form = KindForm(prefix="change")
    form.kind.choices = [
        SelectChoice(value, _kind_label(labels[value], drops_items(question, value)))
        for value in values
    ]
    return form


def _kind_label(label: Any, drops: bool) -> Any:
    return _l("%(kind)s (removes the options and rows)", kind=label) if drops else label


class RowForm(TranslatedForm):
    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.require("label", self.languages[0]) and valid


@cache
def _row_form_class(languages: tuple[str, ...]) -> Any:
    return _localized(RowForm, languages, label=(_l("Row"), False))


def row_form(languages: list[str], data: dict[str, Any] | None = None) -> RowForm:
    form: RowForm = _row_form_class(tuple(languages))(data=data)
    return form


class OptionForm(TranslatedForm):
    value = StringField(
        _l("Stored value"),
        [Optional(), Length(max=64)],
        filters=[_strip],
        description=_l("For scale points: the score. Empty: the next number."),
    )
    is_other = BooleanField(_l("“Other” with a text field"))
    is_no_answer = BooleanField(_l("“No answer” (not scored)"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.require("label", self.languages[0]) and valid


@cache
def _option_form_class(languages: tuple[str, ...]) -> Any:
    return _localized(OptionForm, languages, label=(_l("Label"), False))


def option_form(languages: list[str], data: dict[str, Any] | None = None) -> OptionForm:
    form: OptionForm = _option_form_class(tuple(languages))(data=data)
    return form


class PresetForm(FlaskForm):
    preset = SelectField(_l("Preset"), choices=PRESET_CHOICES)
    required = BooleanField(_l("Required"))
    choices = TextAreaField(
        _l("Municipalities or districts, one per line"),
        [Optional(), Length(max=20000)],
        description=_l("Only for the preset “Municipality or district”."),
    )


class GoalMatrixForm(FlaskForm):
    process_id = SelectField(_l("Process"), coerce=int)
    root_id = SelectField(
        _l("Ask about the goals below"),
        coerce=int,
        description=_l("Empty: the top-level goals of the process."),
    )
    required = BooleanField(_l("Required"))


# --- paper entry ---------------------------------------------------------------------


class BatchForm(FlaskForm):
    batch = StringField(
        _l("Batch label"),
        [InputRequired(), Length(max=80)],
        filters=[_strip],
        description=_l("For example the box or the date of the mail, such as “Box 3”."),
    )
