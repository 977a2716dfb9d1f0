"""Moderation forms; labels are translated lazily."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import Form
from app.moderation.services import DEFAULT_REPLY_LABEL, BlockDuration

HIDE_REASONS = {
    "insult": _l("Insult or discrimination"),
    "spam": _l("Spam or advertising"),
    "personal_data": _l("Personal data of others"),
    "off_topic": _l("Off-topic"),
    "other": _l("Other"),
}
BULK_ACTIONS = ("approve", "hide", "restore")
BLOCK_DURATIONS = {
    BlockDuration.DAY: _l("1 day"),
    BlockDuration.WEEK: _l("7 days"),
    BlockDuration.MONTH: _l("30 days"),
    BlockDuration.INDEFINITE: _l("Indefinitely"),
}


class BulkForm(Form):
    """Approve, hide or restore the ticked comments (``comment_ids``)."""

    reason = SelectField(
        _l("Reason for hiding"),
        choices=[
            SelectChoice("", _l("Choose a reason")),
            *(SelectChoice(k, v) for k, v in HIDE_REASONS.items()),
        ],
        validators=[Optional()],
    )
    reason_text = TextAreaField(
        _l("Explanation (shown publicly)"), validators=[Optional(), Length(max=500)]
    )
    next = HiddenField()

    def hide_reason(self) -> str:
        """The public reason: the chosen template plus the optional text, or ''."""
        key = self.reason.data or ""
        if key not in HIDE_REASONS:
            return ""
        text = (self.reason_text.data or "").strip()
        label = str(HIDE_REASONS[key])
        return f"{label}: {text}" if text else label


class NoteForm(Form):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=4000)])


class OfficialReplyForm(Form):
    author_label = StringField(
        _l("Shown as author"),
        default=DEFAULT_REPLY_LABEL,
        validators=[DataRequired(), Length(max=120)],
    )
    body = TextAreaField(_l("Official reply"), validators=[DataRequired(), Length(max=8000)])


class BlockForm(Form):
    duration = SelectField(
        _l("Duration"),
        choices=[SelectChoice(k.value, v) for k, v in BLOCK_DURATIONS.items()],
        default=BlockDuration.WEEK.value,
        validators=[DataRequired()],
    )
    # Its own id: the bulk form's "reason" select is on the same page.
    reason = TextAreaField(
        _l("Reason (internal)"), id="block-reason", validators=[Optional(), Length(max=1000)]
    )


class ActionForm(Form):
    """A CSRF-protected button (unblock)."""


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    process_id = SelectField(_l("Process"), choices=[], validators=[Optional()])
    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    actor = SelectField(_l("Person"), choices=[], validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
