"""Comment, report and delete forms; labels and messages are translated lazily."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.comments.labels import REPORT_REASON_LABELS
from app.comments.listing import Sort
from app.comments.text import normalize
from app.core import first_visit
from app.core.forms import Form
from app.core.honeypot import HoneypotField
from app.i18n import tr_markup
from app.participation.grants import confirmed_groups
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import CONFIRMED_GROUPS, ParticipantKind, StakeholderGroup
from app.participation.services import Identity, identity
from app.processes.models import Process

SORT_LABELS = {
    Sort.NEWEST: _l("Newest"),
    Sort.SUPPORTED: _l("Most supported"),
    Sort.DISCUSSED: _l("Most discussed"),
}
IDEMPOTENCY_RE = re.compile(r"^[0-9a-f]{32}$")


def _normalize(value: Any) -> Any:
    return normalize(value) if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def new_idempotency_key() -> str:
    return first_visit.per_visitor_key(uuid.uuid4().hex)


def _length(max_length: int) -> Length:
    # Length fills in %(max)d and %(length)d itself.
    return Length(
        max=max_length,
        message=_l("The comment may be at most %(max)d characters long; it has %(length)d."),
    )


class BodyForm(Form):
    """The text alone: editing a comment."""

    body = TextAreaField(
        _l("Your comment"),
        filters=[_normalize],
        validators=[DataRequired(_l("Please write your comment."))],
    )

    def __init__(self, process: Process, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body.validators = [*self.body.validators, _length(process.comment_max_length)]
        self.body.render_kw = {"rows": 6, "maxlength": process.comment_max_length}
        self.body.description = _l(
            "Plain text, at most %(num)d characters. Links are shown as links.",
            num=process.comment_max_length,
        )


class CommentForm(BodyForm):
    """A new comment or reply; the identity fields are removed when not needed."""

    kind = RadioField(_l("Type of comment"), validators=[InputRequired(_l("Please choose."))])
    stakeholder_group = RadioField(
        _l("I am writing as"),
        choices=[SelectChoice(group.value, label) for group, label in STAKEHOLDER_LABELS.items()],
        default=StakeholderGroup.CITIZEN.value,
        validators=[InputRequired(_l("Please choose."))],
    )
    organisation_name = StringField(
        _l("Name of the association or organisation"),
        filters=[_strip],
        description=_l(
            "Only if you write as an association or organisation. Shown with your comment "
            "as declared by you."
        ),
        validators=[Optional(), Length(max=120)],
    )
    pseudonym = StringField(
        _l("Name or pseudonym"),
        filters=[_strip],
        description=_l("Shown with your comment. You do not need to give your real name."),
        validators=[
            DataRequired(_l("Please enter a pseudonym.")),
            Length(min=2, max=80, message=_l("Please enter a pseudonym of 2 to 80 characters.")),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        description=_l(
            "Not published. We send you a link; your comment is published after you open it."
        ),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    notify = BooleanField(_l("Notify me by e-mail when someone replies"))
    website = HoneypotField()
    idempotency_key = HiddenField(default=new_idempotency_key)

    def __init__(
        self,
        process: Process,
        needed: Identity,
        offer_notify: bool,
        *args: Any,
        confirmed: frozenset[StakeholderGroup] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(process, *args, **kwargs)
        # Gemeinderat and Verwaltung only for accounts an admin confirmed for them.
        self.stakeholder_group.choices = [
            SelectChoice(group.value, label)
            for group, label in STAKEHOLDER_LABELS.items()
            if group not in CONFIRMED_GROUPS or group in confirmed
        ]
        # Markup: a label in the process's language (no translation) is marked lang="…"
        self.kind.choices = [
            SelectChoice(kind["key"], tr_markup(kind["label"], process.default_locale))
            for kind in process.comment_kinds
        ]
        if not self.kind.choices:
            del self.kind
        elif not self.is_submitted() and self.kind.data is None:
            self.kind.data = process.comment_kinds[0]["key"]
        if not needed.needs_pseudonym:
            del self.pseudonym
        if not needed.needs_email:
            del self.email
        if not offer_notify:
            del self.notify

    @property
    def group(self) -> StakeholderGroup:
        return StakeholderGroup(self.stakeholder_group.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        group = self.stakeholder_group
        if group.errors and group.data in {g.value for g in CONFIRMED_GROUPS}:
            group.errors = [_l("You have not been confirmed for this group.")]
        if group.data == StakeholderGroup.ORGANISATION.value and not self.organisation_name.data:
            self.organisation_name.errors = [
                *self.organisation_name.errors,
                _l("Please name your association or organisation."),
            ]
            valid = False
        return valid

    @property
    def key(self) -> str | None:
        """The submitted idempotency key, if it is one we could have issued."""
        value = self.idempotency_key.data or ""
        return value if IDEMPOTENCY_RE.match(value) else None


def _offers_notify(needed: Identity) -> bool:
    """Only somebody with an address we can write to is offered reply mails."""
    known = needed.participant
    return (
        bool(current_user.is_authenticated)
        or needed.needs_email
        or (known is not None and known.kind == ParticipantKind.GUEST)
    )


def comment_form(process: Process) -> CommentForm:
    """The form for a new comment or reply, asking only for what the visitor must give."""
    needed = identity(process)
    confirmed = frozenset(confirmed_groups(current_user, process))
    form = CommentForm(process, needed, _offers_notify(needed), confirmed=confirmed)
    if "notify" in form and not form.is_submitted() and needed.participant is not None:
        form.notify.data = needed.participant.notify_replies
    return form


class ReportForm(Form):
    reason = RadioField(
        _l("Why are you reporting this comment?"),
        choices=[
            SelectChoice(reason.value, label) for reason, label in REPORT_REASON_LABELS.items()
        ],
        validators=[InputRequired(_l("Please choose a reason."))],
    )
    text = TextAreaField(
        _l("Details"),
        filters=[_normalize],
        description=_l("Optional. What should the moderators know?"),
        validators=[Optional(), Length(max=2000)],
    )


class ConfirmForm(Form):
    """A bare form: just the CSRF token (deleting a comment)."""
