"""Who is contributing, and may they? One place for the three participation modes.

- account: a signed-in user with a confirmed e-mail address;
- guest: a pseudonym and an e-mail address; contributions wait until the address
  is confirmed by a link (no account is created);
- anonymous: a pseudonym only; the browser is recognised by a cookie.

Views call :func:`gate` before showing or accepting a form, and
:func:`participant_for` to get (or create) the author of a contribution.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.mail import external_url, queue_mail
from app.participation.models import Participant, ParticipantKind
from app.processes.models import ParticipationMode, Phase, Process

PARTICIPANT_COOKIE = "mitwirken_participant"
COOKIE_MAX_AGE = 180 * 24 * 3600
CONFIRM_MAX_AGE = 7 * 24 * 3600


class ParticipationRefusedError(Exception):
    """The contribution cannot be accepted; the message says why, for the user."""


@dataclass(frozen=True)
class Identity:
    """What a form must ask for: nothing, a pseudonym, or a pseudonym and e-mail."""

    participant: Participant | None
    needs_pseudonym: bool
    needs_email: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signed_in_user() -> User | None:
    return current_user if current_user and current_user.is_authenticated else None


def _cookie_participant() -> Participant | None:
    token = request.cookies.get(PARTICIPANT_COOKIE)
    if not token:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.token_hash == _hash(token)))


def current_participant() -> Participant | None:
    """The participant behind this request, if one exists already."""
    if "participant" in g:
        return g.participant
    user = _signed_in_user()
    if user is not None:
        found = db.session.scalar(sa.select(Participant).where(Participant.user_id == user.id))
    else:
        found = _cookie_participant()
    g.participant = found
    return found


def identity(process: Process, *, named: bool = True) -> Identity:
    """What the contribution forms of ``process`` need to ask this visitor.

    ``named=False`` is for contributions never shown with a name (ratings): they
    ask for no pseudonym, in guest mode only for the e-mail address.
    """
    if _signed_in_user() is not None or process.participation_mode == ParticipationMode.ACCOUNT:
        return Identity(current_participant(), False, False)
    participant = current_participant()
    guest = process.participation_mode == ParticipationMode.GUEST
    # In guest mode only a confirmed guest counts; an anonymous browser participant
    # (e.g. one that only reported a comment) must still give and confirm an address.
    # A participant known only from a report has no pseudonym yet.
    usable = participant is not None and participant.is_confirmed
    if usable and named and participant is not None:
        usable = bool(participant.pseudonym)
    if usable and guest and participant is not None:
        usable = participant.kind == ParticipantKind.GUEST
    if usable:
        return Identity(participant, False, False)
    return Identity(participant, named, guest)


def account_refusal(user: User | None, *, confirmed: bool = True) -> str | None:
    """Why this signed-in account may not contribute, or None: it is blocked or, if
    ``confirmed`` is asked for, its e-mail address is not confirmed yet. The account
    rule of :func:`gate` and of the survey gate (``app.surveys.answering.gate``)."""
    if user is None:
        return None
    if user.blocked_at is not None:
        return _("Your account has been blocked from contributing.")
    if _account_suspended(user):
        return _("You have been blocked from contributing.")
    if confirmed and not user.is_verified:
        return _("Please confirm your e-mail address before you take part.")
    return None


def _account_suspended(user: User) -> bool:
    """A block for a number of days marks only the account's participant, not the
    account; it counts everywhere people contribute, goals and surveys alike."""
    signed_in = _signed_in_user()
    if signed_in is not None and signed_in.id == user.id:
        participant = current_participant()  # read once per request, not per form
    else:
        participant = db.session.scalar(
            sa.select(Participant).where(Participant.user_id == user.id)
        )
    return participant is not None and participant.is_blocked()


def _last_day(phase: Phase) -> str:
    # The end is exclusive (midnight, or 23:59:59): the last day is the one before it.
    return format_date(phase.ends_at - timedelta(seconds=1), "medium")


def closed_reason(process: Process, now: datetime | None = None) -> str:
    """One sentence for a process outside its participation phase, with the dates."""
    phase = process.participation_phase()
    if phase is None:
        return _("This process has no participation phase: comments and ratings are not possible.")
    dates = {"start": format_date(phase.starts_at, "medium"), "end": _last_day(phase)}
    if (now or utcnow()) < phase.starts_at:
        return _("Comments and ratings are possible from %(start)s to %(end)s.", **dates)
    return _("Comments and ratings were possible from %(start)s to %(end)s.", **dates)


def gate(process: Process) -> str | None:
    """Why this visitor cannot contribute to ``process`` now, or None if they can."""
    if not process.is_participation_open():
        return closed_reason(process)
    user = _signed_in_user()
    blocked = account_refusal(user, confirmed=False)
    if blocked:
        return blocked
    participant = current_participant()
    if participant is not None and participant.is_blocked():
        return _("You have been blocked from contributing.")
    if process.participation_mode == ParticipationMode.ACCOUNT:
        if user is None:
            return _("Please sign in to take part.")
        return account_refusal(user)
    return None


def _new_browser_participant(kind: ParticipantKind, pseudonym: str) -> Participant:
    token = secrets.token_urlsafe(32)
    participant = Participant(kind=kind, pseudonym=pseudonym, token_hash=_hash(token))
    db.session.add(participant)
    db.session.flush()
    g.participant_cookie = token
    g.participant = participant
    return participant


def _account_participant(user: User) -> Participant:
    participant = current_participant()
    if participant is not None:
        return participant
    try:
        with db.session.begin_nested():  # two first contributions at once: one row
            participant = Participant(
                kind=ParticipantKind.ACCOUNT,
                user_id=user.id,
                pseudonym=user.display_name,
                locale=user.locale,
                confirmed_at=user.verified_at,
            )
            db.session.add(participant)
    except IntegrityError:
        participant = db.session.scalars(
            sa.select(Participant).where(Participant.user_id == user.id)
        ).one()
    g.participant = participant
    return participant


def _guest_participant(pseudonym: str, email: str) -> Participant:
    """A guest by e-mail. Another browser naming the same address gets a new,
    unconfirmed participant: only the mailbox owner's link can publish its input."""
    current = current_participant()
    if current is not None and current.kind == ParticipantKind.GUEST and current.email == email:
        if pseudonym and not current.pseudonym:  # rated first, now comments
            current.pseudonym = pseudonym
        return current
    participant = _new_browser_participant(ParticipantKind.GUEST, pseudonym)
    participant.email = email
    participant.locale = g.get("lang_code")
    return participant


def participant_for(
    process: Process, pseudonym: str = "", email: str = "", *, named: bool = True
) -> Participant:
    """The author of a new contribution; raises ParticipationRefusedError with a reason.

    ``named=False``: the contribution is never shown with a name (see :func:`identity`).
    """
    refusal = gate(process)
    if refusal:
        raise ParticipationRefusedError(refusal)
    user = _signed_in_user()
    if user is not None:
        return _account_participant(user)
    needed = identity(process, named=named)
    if not (needed.needs_pseudonym or needed.needs_email) and needed.participant is not None:
        return needed.participant
    pseudonym = pseudonym.strip()
    if needed.needs_pseudonym and not pseudonym:
        raise ParticipationRefusedError(_("Please enter a pseudonym."))
    if needed.needs_email:
        if not email.strip():
            raise ParticipationRefusedError(_("Please enter your e-mail address."))
        return _guest_participant(pseudonym, email.strip().lower())
    if needed.participant is not None:
        needed.participant.pseudonym = pseudonym
        return needed.participant
    return _new_browser_participant(ParticipantKind.ANONYMOUS, pseudonym)


def reporter() -> Participant:
    """Anyone may report: the current participant, or a new anonymous one."""
    user = _signed_in_user()
    if user is not None:
        return _account_participant(user)
    return current_participant() or _new_browser_participant(ParticipantKind.ANONYMOUS, "")


def confirm_guest(participant: Participant) -> None:
    if participant.confirmed_at is None:
        participant.confirmed_at = utcnow()
        db.session.flush()


def bind_browser(participant: Participant) -> None:
    """Recognise this browser as ``participant`` (after a confirmation link)."""
    token = secrets.token_urlsafe(32)
    participant.token_hash = _hash(token)
    g.participant_cookie = token
    db.session.flush()


def set_participant_cookie(response: object) -> object:
    token = g.get("participant_cookie")
    if token and hasattr(response, "set_cookie"):
        response.set_cookie(
            PARTICIPANT_COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


# Features whose contributions wait for a guest's confirmation have a function that
# publishes them (comments) or starts counting them (ratings); `create_app` names them.
ConfirmHook = Callable[[Participant], None]
_CONFIRM_HOOKS = "mitwirken.guest_confirm_hooks"


def init_confirm_hooks(app: Flask, hooks: Sequence[ConfirmHook]) -> None:
    """What :func:`confirm_and_publish` runs for a guest who opened the mailed link."""
    app.extensions[_CONFIRM_HOOKS] = tuple(hooks)


def mail_language(participant: Participant) -> str:
    """The language to write to ``participant`` in: theirs, their account's, or the default."""
    languages = current_app.config["LANGUAGES"]
    user_locale = participant.user.locale if participant.user is not None else None
    for candidate in (participant.locale, user_locale):
        if candidate in languages:
            return str(candidate)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="guest-confirm")


def request_guest_confirmation(participant: Participant) -> None:
    """Mail the guest a link that publishes what they contributed (after commit)."""
    token = _confirm_serializer().dumps({"pid": participant.id})
    link = external_url("participation.confirm", token=token)
    queue_mail(
        participant.email or "",
        "guest_confirm",
        participant.locale,
        link=link,
        pseudonym=participant.pseudonym,
    )


def participant_from_confirmation(token: str) -> Participant | None:
    try:
        data = _confirm_serializer().loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        return None
    return db.session.get(Participant, data.get("pid"))


def confirm_and_publish(participant: Participant) -> None:
    confirm_guest(participant)
    hooks: tuple[ConfirmHook, ...] = current_app.extensions[_CONFIRM_HOOKS]
    for hook in hooks:
        hook(participant)
    bind_browser(participant)
