"""Forms of the staff area: the translated-field helpers, processes and phases.

Translated content gets one field per configured language, named
``<prefix>_<lang>`` (``title_de``, ``title_en``, ...); the form classes are
built per language list and cached. Goal forms are in :mod:`app.staff.goal_forms`,
offline input in :mod:`app.staff.offline_forms`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.core.forms import Form
from app.i18n import LANGUAGE_NAMES
from app.processes.editing import DEFAULT_LEVEL_NAMES, SLUG_RE
from app.processes.labels import PHASE_LABELS
from app.processes.models import (
    ModerationMode,
    ParticipationMode,
    Process,
    ResultsVisibility,
)

MAX_LEVELS = 5


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def strip_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def translated(form: FlaskForm, prefix: str, languages: list[str]) -> dict[str, str]:
    """The non-empty values of ``<prefix>_<lang>`` fields as a translated dict."""
    values = {lang: (form[f"{prefix}_{lang}"].data or "").strip() for lang in languages}
    return {lang: text for lang, text in values.items() if text}


def translated_data(prefix: str, value: dict[str, str] | None) -> dict[str, str]:
    """Initial form data for ``<prefix>_<lang>`` fields from a translated dict."""
    return {f"{prefix}_{lang}": text for lang, text in (value or {}).items()}


LabelFactory = Callable[[str], Any]


def add_text_fields(
    cls: type[FlaskForm],
    prefix: str,
    label: LabelFactory,
    languages: tuple[str, ...],
    long: bool = False,
    length: Length | None = None,
) -> None:
    """One optional text field per language; ``label(lang)`` gives its (lazy) label;
    ``length`` replaces the default maximum (20,000 for long texts, else 500)."""
    field_cls = TextAreaField if long else StringField
    limit = length or Length(max=20000 if long else 500)
    for lang in languages:
        field = field_cls(label(lang), [Optional(), limit])
        setattr(cls, f"{prefix}_{lang}", field)


def mark_required(form: FlaskForm, name: str) -> None:
    """Show a conditionally required field as required (no "optional" hint)."""
    if name in form:
        form[name].flags.required = True


def require_text(form: FlaskForm, prefix: str, lang: str) -> bool:
    """Add an error to ``<prefix>_<lang>`` if it is empty."""
    field = form[f"{prefix}_{lang}"]
    if (field.data or "").strip():
        return True
    field.errors.append(_l("Please enter a title in %(language)s.", language=language_name(lang)))
    return False


def title_label(lang: str) -> Any:
    return _l("Title (%(language)s)", language=language_name(lang))


# --- processes ---------------------------------------------------------------

PARTICIPATION_CHOICES = [
    SelectChoice(ParticipationMode.ACCOUNT.value, _l("Only with a verified account")),
    SelectChoice(
        ParticipationMode.GUEST.value, _l("Also as a guest with a verified e-mail address")
    ),
    SelectChoice(ParticipationMode.ANONYMOUS.value, _l("Anonymously, without an account")),
]
MODERATION_CHOICES = [
    SelectChoice(ModerationMode.POST.value, _l("Publish at once, moderate afterwards")),
    SelectChoice(ModerationMode.PRE.value, _l("Moderate before publishing")),
]
RESULTS_CHOICES = [
    SelectChoice(ResultsVisibility.LIVE.value, _l("Right after rating")),
    SelectChoice(ResultsVisibility.AFTER_PHASE.value, _l("After the participation phase")),
    SelectChoice(ResultsVisibility.STAFF.value, _l("Only staff")),
]


class ProcessForm(Form):
    slug = StringField(
        _l("Web address (slug)"),
        [
            DataRequired(),
            Length(max=80),
            Regexp(
                SLUG_RE.pattern,
                message=_l("Use lower-case letters, digits and single hyphens only."),
            ),
        ],
        filters=[strip_text],
        description=_l("Part of the page address, e.g. “mobility-2030”."),
    )
    default_locale = SelectField(_l("Main language of the content"), [InputRequired()])
    is_published = BooleanField(
        _l("Published"), description=_l("Unpublished processes are visible to staff only.")
    )
    participation_mode = RadioField(_l("Who may take part"), choices=PARTICIPATION_CHOICES)
    moderation_mode = RadioField(_l("Moderation"), choices=MODERATION_CHOICES)
    # Not required: a post without it keeps the current (or default) setting.
    results_visibility = SelectField(
        _l("Rating results are shown"),
        choices=RESULTS_CHOICES,
        default=ResultsVisibility.LIVE.value,
        description=_l("When the public sees how the goals were rated. Staff always see them."),
    )
    assessments_public = BooleanField(
        _l("Publish the assessment of contributions"),
        description=_l("Consideration status and rationale are shown in the results phase."),
    )
    assess_survey_answers = BooleanField(
        _l("Assess open survey answers"),
        description=_l("Text answers to the process's surveys join the assessment table."),
    )
    report_threshold = IntegerField(
        _l("Reports before a comment is hidden"), [InputRequired(), NumberRange(min=1)]
    )
    comment_max_length = IntegerField(
        _l("Maximum length of a comment (characters)"),
        [InputRequired(), NumberRange(min=100, max=20000)],
    )

    languages: tuple[str, ...] = ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.default_locale.data in self.languages:
            valid = require_text(self, "title", self.default_locale.data) and valid
        if not self.level_names():
            first = self[f"level_0_{self.languages[0]}"]
            first.errors.append(_l("Please name at least one level of the goal tree."))
            valid = False
        return valid

    def level_names(self) -> list[dict[str, str]]:
        """The filled-in level rows, top level first; empty rows are dropped."""
        rows = (translated(self, f"level_{i}", list(self.languages)) for i in range(MAX_LEVELS))
        return [row for row in rows if row]

    def settings(self) -> dict[str, Any]:
        languages = list(self.languages)
        return {
            "slug": self.slug.data,
            "title": translated(self, "title", languages),
            "summary": translated(self, "summary", languages),
            "default_locale": self.default_locale.data,
            "is_published": bool(self.is_published.data),
            "assessments_public": bool(self.assessments_public.data),
            "assess_survey_answers": bool(self.assess_survey_answers.data),
            "participation_mode": ParticipationMode(self.participation_mode.data),
            "moderation_mode": ModerationMode(self.moderation_mode.data),
            "results_visibility": ResultsVisibility(self.results_visibility.data),
            "report_threshold": self.report_threshold.data,
            "comment_max_length": self.comment_max_length.data,
            "level_names": self.level_names(),
        }


@cache
def _process_form_class(languages: tuple[str, ...]) -> type[ProcessForm]:
    cls = type("LocalizedProcessForm", (ProcessForm,), {"languages": languages})
    add_text_fields(cls, "title", title_label, languages)
    add_text_fields(
        cls,
        "summary",
        lambda lang: _l("Summary (%(language)s)", language=language_name(lang)),
        languages,
        long=True,
    )
    for level in range(MAX_LEVELS):
        for lang in languages:
            label = _l(
                "Level %(number)d (%(language)s)", number=level + 1, language=language_name(lang)
            )
            setattr(cls, f"level_{level}_{lang}", StringField(label, [Optional(), Length(max=80)]))
    return cls


def process_form(languages: list[str], data: dict[str, Any] | None = None) -> ProcessForm:
    form = _process_form_class(tuple(languages))(data=data)
    form.default_locale.choices = [SelectChoice(lang, language_name(lang)) for lang in languages]
    mark_required(form, f"title_{(data or {}).get('default_locale', languages[0])}")
    return form


def process_data(process: Process) -> dict[str, Any]:
    """Initial form data for editing ``process``."""
    data: dict[str, Any] = {
        name: getattr(process, name)
        for name in (
            "slug",
            "default_locale",
            "is_published",
            "assessments_public",
            "assess_survey_answers",
            "report_threshold",
            "comment_max_length",
        )
    }
    data["participation_mode"] = process.participation_mode.value
    data["moderation_mode"] = process.moderation_mode.value
    data["results_visibility"] = process.results_visibility.value
    data |= translated_data("title", process.title) | translated_data("summary", process.summary)
    for level, names in enumerate(process.level_names[:MAX_LEVELS]):
        data |= translated_data(f"level_{level}", names)
    return data


def new_process_data(languages: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "default_locale": languages[0],
        "participation_mode": ParticipationMode.ACCOUNT.value,
        "moderation_mode": ModerationMode.POST.value,
        "results_visibility": ResultsVisibility.LIVE.value,
        "assessments_public": True,
        "assess_survey_answers": True,
        "report_threshold": 3,
        "comment_max_length": 4000,
    }
    for level, names in enumerate(DEFAULT_LEVEL_NAMES):
        data |= translated_data(f"level_{level}", names)
    return data


# --- phases ------------------------------------------------------------------

PHASE_CHOICES = [SelectChoice(kind.value, label) for kind, label in PHASE_LABELS.items()]


PHASE_TITLE_MAX_LENGTH = 80  # shown in a timeline row and a table cell


def local_timezone() -> tzinfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_day_field(label: Any, validators: list[Any], description: Any = "") -> DateField:
    """A day in the site's time zone; the view makes it the day's first moment (a start)
    or its last second, 23:59:59 (a deadline, "bis einschließlich")."""
    return DateField(
        label,
        validators,
        invalid_value_message=_l("Please enter a date."),
        description=description,
    )


class PhaseForm(Form):
    kind = SelectField(_l("Kind of phase"), [InputRequired()], choices=PHASE_CHOICES)
    starts_at = local_day_field(_l("First day"), [InputRequired()])
    ends_at = local_day_field(
        _l("Last day"), [InputRequired()], _l("The phase ends at the end of this day.")
    )

    languages: tuple[str, ...] = ()


@cache
def _phase_form_class(languages: tuple[str, ...]) -> type[PhaseForm]:
    cls = type("LocalizedPhaseForm", (PhaseForm,), {"languages": languages})
    add_text_fields(
        cls,
        "title",
        lambda lang: _l("Own name of the phase (%(language)s)", language=language_name(lang)),
        languages,
        length=Length(
            max=PHASE_TITLE_MAX_LENGTH,
            message=_l("A phase name has at most %(max)d characters.", max=PHASE_TITLE_MAX_LENGTH),
        ),
    )
    return cls


def phase_form(languages: list[str], data: dict[str, Any] | None = None) -> PhaseForm:
    return _phase_form_class(tuple(languages))(data=data)


class ActionForm(Form):
    """A form with nothing but the CSRF token, for POST buttons."""


def field_error(field: Field, message: str) -> None:
    """Show ``message`` next to ``field`` (for errors found after validation)."""
    field.errors = [*field.errors, message]
