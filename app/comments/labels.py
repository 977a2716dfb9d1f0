"""Translated names of the channels a contribution came through and of the states of a
comment, for forms, pages and exports alike (a service must not import a form to name a
value)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.comments.models import Channel, CommentStatus, ReportReason

CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.EVENT: _l("Event"),
    Channel.WORKSHOP: _l("Workshop"),
    Channel.LETTER: _l("Letter"),
    Channel.EMAIL: _l("E-mail"),
    Channel.PHONE: _l("Phone"),
    Channel.PAPER: _l("Paper questionnaire"),
}
# Offline input is entered by staff: every channel but the platform itself.
OFFLINE_CHANNEL_LABELS = {c: label for c, label in CHANNEL_LABELS.items() if c != Channel.ONLINE}

COMMENT_STATUS_LABELS = {
    CommentStatus.UNCONFIRMED: _l("Waiting for the e-mail confirmation"),
    CommentStatus.PENDING: _l("Waiting for review"),
    CommentStatus.PUBLISHED: _l("Published"),
    CommentStatus.HIDDEN: _l("Hidden"),
    CommentStatus.REMOVED: _l("Deleted by the author"),
}

REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.INSULT: _l("Insult or discrimination"),
    ReportReason.OFF_TOPIC: _l("Off-topic"),
    ReportReason.PERSONAL_DATA: _l("Personal data"),
    ReportReason.OTHER: _l("Other reason"),
}
