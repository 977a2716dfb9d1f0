"""Who wrote a contribution, as the annex names it.

Institutions keep their group's name: "Gemeinderat", "Verwaltung" (also every
account that is staff or moderator of the process, or a site admin), and for
organisations the name staff typed at offline entry (online: the group's name).
Private authors are "Bürger:in N". N is stable within the process: authors are
numbered in the order of their first private contribution (comments published or
hidden, and survey open answers), whatever the export's options, so the same person
has the same number in every export and format. Names, e-mail addresses and ids
never leave.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import ProcessRole, Role, User
from app.assessment.models import Assessment
from app.assessment.services.queries import LISTED_STATUSES, open_answers
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import Participant, StakeholderGroup
from app.processes.models import Process
from app.surveys.models import Response

AuthorKey = tuple[str, int]  # ("user" | "participant" | "comment" | "response", id)
LATEST = datetime.max.replace(tzinfo=UTC)


def staff_user_ids(process: Process) -> set[int]:
    """Accounts whose contributions speak for the administration."""
    roles = sa.select(ProcessRole.user_id).where(
        ProcessRole.process_id == process.id,
        ProcessRole.role.in_((Role.STAFF, Role.MODERATOR)),
    )
    admins = sa.select(User.id).where(User.is_admin.is_(True))
    return set(db.session.scalars(roles.union(admins)))


def comment_key(comment_id: int, participant_id: int | None, user_id: int | None) -> AuthorKey:
    if user_id is not None:
        return ("user", user_id)
    if participant_id is not None:
        return ("participant", participant_id)
    return ("comment", comment_id)  # offline input: each letter is its own author


def answer_key(response_id: int, user_id: int | None) -> AuthorKey:
    return ("user", user_id) if user_id is not None else ("response", response_id)


def _first_seen(process: Process, staff: set[int]) -> dict[AuthorKey, datetime]:
    """Each private author's first contribution. The database keeps the private rows
    and takes the first moment per author (the key of :func:`comment_key` and
    :func:`answer_key`, computed in SQL), so Python sees one row per author, not one
    per contribution."""
    first: dict[AuthorKey, datetime] = {}

    def seen(kind: str, ident: int, moment: datetime | None) -> None:
        key = (kind, ident)
        moment = moment or LATEST
        if key not in first or moment < first[key]:
            first[key] = moment

    not_staff = sa.or_(Participant.user_id.is_(None), Participant.user_id.not_in(staff))
    kind = sa.case(
        (Participant.user_id.is_not(None), "user"),
        (Comment.participant_id.is_not(None), "participant"),
        else_="comment",
    )
    ident = sa.func.coalesce(Participant.user_id, Comment.participant_id, Comment.id)
    group = sa.func.coalesce(Assessment.stakeholder_group, Comment.stakeholder_group)
    comments = (
        sa.select(kind, ident, sa.func.min(Comment.created_at))
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(
            Goal.process_id == process.id,
            Comment.status.in_(LISTED_STATUSES),
            group == StakeholderGroup.CITIZEN,
            not_staff,
        )
        .group_by(kind, ident)
    )
    for row in db.session.execute(comments):
        seen(*row)
    kind = sa.case((Response.user_id.is_not(None), "user"), else_="response")
    ident = sa.func.coalesce(Response.user_id, Response.id)
    group = sa.func.coalesce(Assessment.stakeholder_group, StakeholderGroup.CITIZEN)
    answers = (
        open_answers(process)
        .with_only_columns(kind, ident, sa.func.min(Response.submitted_at))
        .where(
            group == StakeholderGroup.CITIZEN,
            sa.or_(Response.user_id.is_(None), Response.user_id.not_in(staff)),
        )
        .group_by(kind, ident)
    )
    for row in db.session.execute(answers):
        seen(*row)
    return first


class Authors:
    """Author labels of one process."""

    def __init__(self, process: Process) -> None:
        self.staff = staff_user_ids(process)
        first = _first_seen(process, self.staff)
        ordered = sorted(first, key=lambda key: (first[key], key))
        self.numbers = {key: number for number, key in enumerate(ordered, start=1)}
        # Translated once: gettext per row would cost more than the row itself.
        self.citizen_label = _("Citizen %(number)d")
        self.groups = {group: str(label) for group, label in STAKEHOLDER_LABELS.items()}

    def citizen(self, key: AuthorKey) -> str:
        number = self.numbers.get(key)
        if number is None:  # not seen as private (cannot happen for a private row)
            number = len(self.numbers) + 1
            self.numbers[key] = number
        return self.citizen_label % {"number": number}

    def label(
        self,
        key: AuthorKey,
        group: StakeholderGroup,
        *,
        user_id: int | None = None,
        organisation: str = "",
    ) -> str:
        if user_id is not None and user_id in self.staff:
            return self.groups[StakeholderGroup.ADMINISTRATION]
        if group == StakeholderGroup.ORGANISATION and organisation:
            return organisation
        if group != StakeholderGroup.CITIZEN:
            return self.groups[group]
        return self.citizen(key)
