"""Forms of the assessment workspace (Abwägung)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.assessment.labels import CONSIDERATION_LABELS
from app.core.forms import Form
from app.participation.labels import STAKEHOLDER_LABELS

NO_REVISION = 0


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AssessmentForm(Form):
    consideration = RadioField(
        _l("Consideration"),
        choices=[SelectChoice(c.value, label) for c, label in CONSIDERATION_LABELS.items()],
        validators=[InputRequired(_l("Please choose how the contribution was considered."))],
    )
    rationale = TextAreaField(
        _l("Rationale"),
        filters=[_strip],
        validators=[Optional(), Length(max=4000)],
        description=_l("Shown to the public in the results phase."),
    )
    stakeholder_group = SelectField(
        _l("Stakeholder group"),
        choices=[SelectChoice(g.value, label) for g, label in STAKEHOLDER_LABELS.items()],
        validators=[InputRequired()],
        description=_l("Confirm the group the author chose, or correct it."),
    )
    goal_revision = SelectField(
        _l("Taken up in goal version"), coerce=int, default=NO_REVISION, validators=[Optional()]
    )
    tags = CheckboxListField(_l("Topics"), coerce=int, validators=[Optional()])
    version = HiddenField(validators=[InputRequired()])


class BulkTagForm(Form):
    tag = SelectField(_l("Topic"), coerce=int, validators=[InputRequired()])
    # Selected comments and survey answers; the view requires at least one.
    comments = SelectMultipleField(coerce=int, validate_choice=False, validators=[Optional()])
    answers = SelectMultipleField(coerce=int, validate_choice=False, validators=[Optional()])


class TagForm(Form):
    name = StringField(
        _l("Name of the topic"), filters=[_strip], validators=[DataRequired(), Length(max=80)]
    )


class ActionForm(Form):
    """Nothing but the CSRF token, for POST buttons."""
