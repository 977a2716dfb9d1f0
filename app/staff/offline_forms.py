"""The form for offline input (letters, workshops, phone calls ...)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.comments.labels import OFFLINE_CHANNEL_LABELS
from app.core.forms import Form
from app.i18n import current_lang, localize
from app.participation.labels import STAKEHOLDER_LABELS
from app.processes.models import Process
from app.staff.forms import local_timezone
from app.staff.offline_services import AUTHOR_MAX_LENGTH


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def local_today() -> date:
    return datetime.now(local_timezone()).date()


def _not_in_future(form: FlaskForm, field: DateField) -> None:
    if field.data is not None and field.data > local_today():
        raise ValidationError(_l("The date may not be in the future."))


class OfflineForm(Form):
    goal = SelectField(_l("Goal"), [DataRequired(_l("Please choose a goal."))])
    channel = SelectField(
        _l("Received by"),
        [InputRequired()],
        choices=[SelectChoice(c.value, label) for c, label in OFFLINE_CHANNEL_LABELS.items()],
    )
    received_on = DateField(
        _l("Received on"),
        [InputRequired(_l("Please enter a date.")), _not_in_future],
        invalid_value_message=_l("Please enter a date."),
    )
    author_name = StringField(
        _l("Shown as author"),
        [DataRequired(_l("Please enter an author label.")), Length(max=AUTHOR_MAX_LENGTH)],
        filters=[_strip],
        description=_l("For example “Participant, workshop on social affairs”. No real names."),
    )
    stakeholder_group = SelectField(
        _l("Group"),
        [InputRequired()],
        choices=[SelectChoice(g.value, label) for g, label in STAKEHOLDER_LABELS.items()],
    )
    kind = SelectField(_l("Type of comment"), [InputRequired()])
    body = TextAreaField(
        _l("Text of the contribution"),
        [DataRequired(_l("Please enter the text of the contribution."))],
        filters=[_strip],
    )
    # Generated with the empty form; storing a second submission of it does nothing.
    idempotency_key = HiddenField()

    max_length: int = 4000

    def validate_body(self, field: TextAreaField) -> None:
        if field.data and len(field.data) > self.max_length:
            raise ValidationError(
                _l(
                    "The text may be at most %(max)d characters long; it has %(length)d.",
                    max=self.max_length,
                    length=len(field.data),
                )
            )


def offline_form(
    process: Process, goal_choices: list[SelectChoice], data: dict[str, Any] | None = None
) -> OfflineForm:
    form = OfflineForm(data=data)
    form.goal.choices = [SelectChoice("", _l("Please choose a goal")), *goal_choices]
    lang = current_lang()
    form.kind.choices = [
        SelectChoice(k["key"], localize(k["label"], lang, process.default_locale).text)
        for k in process.comment_kinds
    ]
    form.max_length = process.comment_max_length
    form.body.description = _l("At most %(max)d characters.", max=process.comment_max_length)
    return form
