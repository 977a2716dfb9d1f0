"""Whose data: an account, or a guest known by a confirmed e-mail address.

"Meine Daten" and "Konto löschen" work on a :class:`Subject`: the account (if any)
and every participant that is this person: the account's participant, or each guest
participant that named the address (one per browser it was used in).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.participation.models import Participant, ParticipantKind


@dataclass(frozen=True)
class Subject:
    user: User | None
    participants: tuple[Participant, ...]
    guest_email: str | None = None

    @property
    def participant_ids(self) -> list[int]:
        return [participant.id for participant in self.participants]


def of_user(user: User) -> Subject:
    found = db.session.scalars(sa.select(Participant).where(Participant.user_id == user.id))
    return Subject(user=user, participants=tuple(found))


def of_guest(email: str) -> Subject:
    """The guest participants of ``email``; confirmed or not (the link proves the inbox)."""
    address = email.strip().lower()
    found = db.session.scalars(
        sa.select(Participant)
        .where(Participant.kind == ParticipantKind.GUEST, Participant.email == address)
        .order_by(Participant.id)
    )
    return Subject(user=None, participants=tuple(found), guest_email=address)


def has_confirmed_guest(email: str) -> bool:
    return any(p.confirmed_at is not None for p in of_guest(email).participants)
