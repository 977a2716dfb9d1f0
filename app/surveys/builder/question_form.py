"""The question form of the builder and the forms to choose or change a kind.

The form of a question shows the settings of its kind only; a new question also
gets fields for its options (or scale points) and matrix rows, "Other" and "no
answer". :func:`settings_values` and :func:`question_data` translate between the
form and a question's stored settings.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.staff.forms import translated_data
from app.surveys.builder.forms import TranslatedForm, localized, strip_text
from app.surveys.builder.questions import DROPDOWN, drops_items, kind_choice
from app.surveys.builder.structure import KIND_SETTINGS, YEAR_HAS_NO_DECIMALS
from app.surveys.models import CHOICE_KINDS, Question, QuestionKind

NO_CONDITION = 0
NUMBER_KEYS = ("min_choices", "max_choices", "top_n", "max_length")
FLOAT_KEYS = ("min", "max")
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
NUMBER_FORMAT_CHOICES = [
    SelectChoice("", _l("Automatic: a year if the bounds are years, else a quantity")),
    SelectChoice("grouped", _l("A quantity, with thousands separators (12,000)")),
    SelectChoice("plain", _l("A code without separators: postcode, number, ID (10115)")),
    SelectChoice("year", _l("A year (1977)")),
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
    QuestionKind.NUMBER: ("min", "max", "decimal", "number_format", "unit"),
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
    number_format = SelectField(
        _l("How the number is written (number)"), choices=NUMBER_FORMAT_CHOICES, default=""
    )
    max_length = IntegerField(
        _l("Maximum length in characters (texts)"), [Optional(), NumberRange(min=1, max=20000)]
    )
    min_date = DateField(_l("Earliest date (date)"), [Optional()])
    max_date = DateField(_l("Latest date (date)"), [Optional()])
    condition_question = SelectField(
        _l("Question (number or scale)"), coerce=int, default=NO_CONDITION
    )
    condition_compare = SelectField(_l("Comparison"), choices=COMPARE_CHOICES, default="equals")
    condition_value = StringField(_l("Value"), [Length(max=32)], filters=[strip_text])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.condition_question.data and not self.condition_value.data:
            self.condition_value.errors.append(_l("Please enter the value to compare with."))
            valid = False
        if "number_format" in self and self.number_format.data == "year" and self.decimal.data:
            self.number_format.errors.append(YEAR_HAS_NO_DECIMALS)
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
    return localized(QuestionForm, languages, **texts)


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


class KindChoiceForm(Form):
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


class KindForm(Form):
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


# --- between the form and the stored settings ----------------------------------------


def _plain_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _setting(form: QuestionForm, key: str) -> Any:
    """One setting as the form has it; None: not set."""
    if key == "unit":
        return form.texts("unit") or None
    data = form[key].data
    if key in FLOAT_KEYS:
        return _plain_number(data)
    return data.isoformat() if isinstance(data, date) else data or None


def settings_values(form: QuestionForm, kind: QuestionKind) -> dict[str, Any]:
    """The settings of ``kind`` as typed (None: not set)."""
    return {key: _setting(form, key) for key in SETTING_FIELDS.get(kind, ())}


def question_data(question: Question) -> dict[str, Any]:
    """The form's data for an existing question."""
    settings = question.settings or {}
    data: dict[str, Any] = {key: settings.get(key) for key in (*NUMBER_KEYS, *FLOAT_KEYS)}
    data |= {
        "required": question.required,
        "is_demographic": question.is_demographic,
        "display": settings.get("display", "radio"),
        "decimal": bool(settings.get("decimal")),
        "number_format": settings.get("number_format", ""),
    }
    for key in ("min_date", "max_date"):
        if settings.get(key):
            data[key] = date.fromisoformat(settings[key])
    for prefix in ("prompt", "help"):
        data |= translated_data(prefix, getattr(question, prefix))
    return data | translated_data("unit", settings.get("unit"))
