"""The staff form of a rating question: its text in every language, the scale and
the goal level it is asked about (empty: every goal)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired

from app.core.forms import Form
from app.i18n import tr_text
from app.processes.models import Process
from app.ratings.labels import SCALE_NAMES
from app.ratings.models import RatingQuestion, ScaleKind
from app.staff.forms import add_text_fields, language_name, mark_required, translated

ALL_LEVELS = ""


class RatingQuestionForm(Form):
    scale = SelectField(
        _l("Answer scale"),
        choices=[SelectChoice(kind.value, name) for kind, name in SCALE_NAMES.items()],
        default=ScaleKind.AGREEMENT.value,
    )
    goal_level = SelectField(
        _l("Asked about"),
        choices=[SelectChoice(ALL_LEVELS, _l("Every goal"))],
        description=_l("All goals, or only the goals of one level of the goal tree."),
    )

    languages: tuple[str, ...] = ()

    def prompt(self) -> dict[str, str]:
        return translated(self, "prompt", list(self.languages))

    def level(self) -> int | None:
        raw = self.goal_level.data or ALL_LEVELS
        return None if raw == ALL_LEVELS else int(raw)


class MoveForm(Form):
    direction = StringField(validators=[InputRequired(), AnyOf(["up", "down"])])


def _prompt_label(lang: str) -> Any:
    return _l("Question (%(language)s)", language=language_name(lang))


def question_form(
    process: Process, languages: list[str], question: RatingQuestion | None = None
) -> RatingQuestionForm:
    """The form for ``question`` (or a new one) with a text field per language."""
    cls = type(
        "LocalizedRatingQuestionForm", (RatingQuestionForm,), {"languages": tuple(languages)}
    )
    add_text_fields(cls, "prompt", _prompt_label, tuple(languages))
    data: dict[str, Any] | None = None
    if question is not None:
        data = {f"prompt_{lang}": text for lang, text in question.prompt.items()}
        data |= {
            "scale": question.scale.value,
            "goal_level": ALL_LEVELS if question.goal_level is None else str(question.goal_level),
        }
    form = cls(data=data) if data is not None else cls()
    levels = [(ALL_LEVELS, _l("Every goal"))] + [
        (str(i), tr_text(names, process.default_locale))
        for i, names in enumerate(process.level_names)
    ]
    form.goal_level.choices = levels
    mark_required(form, f"prompt_{process.default_locale}")
    mark_required(form, "scale")  # a select always has a value: not "optional"
    mark_required(form, "goal_level")
    return form
