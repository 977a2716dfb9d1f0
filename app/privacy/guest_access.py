"""Guests reach 'Meine Daten' through a link mailed to their confirmed address.

A guest has no password; the signed, expiring link proves the inbox. It carries the
address and the ids of the guest participants at the time of the mail, so a link
stops working once those were deleted. The form answers the same whether or not the
address is known, so nobody learns who took part.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.mail import external_url, queue_mail
from app.participation.services import mail_language
from app.privacy import subjects
from app.privacy.subjects import Subject

LINK_MAX_AGE = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="guest-data")


def request_link(email: str) -> bool:
    """Mail the link if a confirmed guest used ``email``; True if a mail was queued."""
    subject = subjects.of_guest(email)
    confirmed = [p for p in subject.participants if p.confirmed_at is not None]
    if not confirmed:
        return False
    token = _serializer().dumps({"email": subject.guest_email, "pids": subject.participant_ids})
    link = external_url("privacy.guest_data", token=token)
    queue_mail(
        subject.guest_email or "",
        "guest_data_link",
        mail_language(confirmed[0]),
        link=link,
        pseudonym=confirmed[0].pseudonym,
    )
    return True


def subject_from_token(token: str) -> Subject | None:
    """The guest of a valid link that still has data, else None."""
    try:
        data = _serializer().loads(token, max_age=LINK_MAX_AGE)
    except BadSignature:
        return None
    subject = subjects.of_guest(str(data.get("email", "")))
    known = set(data.get("pids") or [])
    if not subject.participants or not known.intersection(subject.participant_ids):
        return None
    return subject
