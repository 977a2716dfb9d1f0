"""Pseudonyms: the same participant gets the same pseudonym within a process, and
nothing in it leads back to a name, an e-mail address or an id.

The pseudonym is an HMAC of the process and participant ids under a key derived
from ``SECRET_KEY``; rotating the secret key changes every pseudonym. Accounts that
are staff or moderators of the process (and site admins) speak for the
administration; offline input (a workshop, a letter) has no pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import ProcessRole, Role, User
from app.comments.models import Comment
from app.extensions import db
from app.participation.models import Participant

PSEUDONYM_LENGTH = 12


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"mitwirken open-data pseudonyms", hashlib.sha256).digest()


class Authors:
    """Who wrote what, as the API shows it; two queries however many comments."""

    def __init__(self, process_id: int, comments: Iterable[Comment]) -> None:
        self.process_id = process_id
        self.key = _key()
        ids = {c.participant_id for c in comments if c.participant_id is not None}
        self.users = self._users(ids)
        self.staff = self._staff(process_id) if any(self.users.values()) else set()

    @staticmethod
    def _users(participant_ids: set[int]) -> dict[int, int | None]:
        if not participant_ids:
            return {}
        rows = db.session.execute(
            sa.select(Participant.id, Participant.user_id).where(
                Participant.id.in_(participant_ids)
            )
        )
        return {pid: user_id for pid, user_id in rows}

    @staticmethod
    def _staff(process_id: int) -> set[int]:
        roles = sa.select(ProcessRole.user_id).where(
            ProcessRole.process_id == process_id,
            ProcessRole.role.in_((Role.STAFF, Role.MODERATOR)),
        )
        admins = sa.select(User.id).where(User.is_admin.is_(True))
        return set(db.session.scalars(roles.union(admins)))

    def pseudonym(self, participant_id: int) -> str:
        message = f"{self.process_id}:{participant_id}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]

    def of(self, comment: Comment) -> dict[str, Any]:
        if comment.is_offline:
            return {"pseudonym": None, "role": "offline"}
        if comment.participant_id is None:
            return {"pseudonym": None, "role": "participant"}
        if self.users.get(comment.participant_id) in self.staff:
            return {"pseudonym": None, "role": "administration"}
        return {"pseudonym": self.pseudonym(comment.participant_id), "role": "participant"}
