"""The Abwägungstabelle: one row per contribution, for the council annex.

Contributions are comments (with replies and offline input) and, when the process
says so, open answers of its surveys. Authors are pseudonymised per export
("Bürger:in 17", numbered in order of first appearance); staff of the process are
shown as the administration. Names, e-mail addresses and ids never leave.

Call inside ``flask_babel.force_locale``: headers and labels are rendered then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import pgettext

from app.accounts.models import ProcessRole, Role, User
from app.assessment.labels import CONSIDERATION_LABELS
from app.assessment.models import Assessment, Consideration
from app.assessment.services.queries import open_answers
from app.comments.labels import CHANNEL_LABELS
from app.comments.models import Channel, Comment, CommentStatus
from app.exports.tables import Cell, Sheet, Table
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import flatten, goal_tree
from app.i18n import localize
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import Participant, StakeholderGroup
from app.processes.models import Process
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
)

CHUNK = 500
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
WIDTHS = [6, 10, 40, 16, 9, 18, 20, 12, 16, 80, 9, 24, 22, 60, 10]
WRAP = {2, 9, 11, 13}
LAST = 10**9  # sorts contributions without a goal after the goal tree


def headers() -> list[str]:
    return [
        _("No."),
        _("Goal"),
        _("Goal title"),
        _("Kind"),
        _("Reply to no."),
        _("Channel"),
        _("Stakeholder group"),
        _("Date"),
        _("Author"),
        _("Text"),
        _("Hidden"),
        _("Topics"),
        _("Consideration"),
        _("Rationale"),
        _("Taken up in version"),
    ]


@dataclass(frozen=True)
class Ref:
    """One contribution, enough to sort it: a comment or a survey answer."""

    source: str  # "comment" | "answer"
    id: int
    goal_id: int | None
    day: date


def _local_day(moment: datetime) -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))
    return moment.astimezone(zone).date()


def _comment_refs(process: Process, options: dict[str, Any]) -> list[Ref]:
    statuses = [CommentStatus.PUBLISHED]
    if options.get("include_hidden"):
        statuses.append(CommentStatus.HIDDEN)
    stmt = (
        sa.select(Comment.id, Comment.goal_id, Comment.received_on, Comment.created_at)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(Goal.process_id == process.id, Comment.status.in_(statuses))
    )
    if options.get("only_assessed"):
        stmt = stmt.where(Assessment.consideration.is_not(None))
    return [
        Ref("comment", row.id, row.goal_id, row.received_on or _local_day(row.created_at))
        for row in db.session.execute(stmt)
    ]


def _answers_query() -> Any:
    return (
        sa.select(Answer, Response, Question)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
    )


def _answer_refs(process: Process, options: dict[str, Any]) -> list[Ref]:
    """The open answers the Abwägung workspace lists (the same query)."""
    stmt = open_answers(process).with_only_columns(
        Answer.id, Question.goal_id, Response.submitted_on, Response.submitted_at
    )
    if options.get("only_assessed"):
        stmt = stmt.where(Assessment.consideration.is_not(None))
    refs = []
    for row in db.session.execute(stmt):
        day = row.submitted_on or (_local_day(row.submitted_at) if row.submitted_at else None)
        refs.append(Ref("answer", row.id, row.goal_id, day or date.min))
    return refs


def _staff_user_ids(process: Process) -> set[int]:
    """Accounts whose contributions speak for the administration."""
    roles = sa.select(ProcessRole.user_id).where(
        ProcessRole.process_id == process.id,
        ProcessRole.role.in_((Role.STAFF, Role.MODERATOR)),
    )
    admins = sa.select(User.id).where(User.is_admin.is_(True))
    return set(db.session.scalars(roles.union(admins)))


class _Pseudonyms:
    """ "Bürger:in 1", "Bürger:in 2", … in order of first appearance in this export."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, int], int] = {}

    def label(self, key: tuple[str, int]) -> str:
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        return _("Citizen %(number)d", number=number)


class AssessmentTable:
    """Builds the rows chunk by chunk and counts for the summary sheet."""

    def __init__(self, process: Process, options: dict[str, Any]) -> None:
        # Plain values only: progress commits expire ORM objects between chunks.
        self.default_locale = process.default_locale
        self.kinds = {kind["key"]: dict(kind["label"]) for kind in process.comment_kinds}
        self.lang = ""
        nodes = flatten(goal_tree(process.id))
        self.order = {node.goal.id: index for index, node in enumerate(nodes)}
        self.goals = {node.goal.id: (node.goal.code, node.revision.title) for node in nodes}
        refs = _comment_refs(process, options) + _answer_refs(process, options)
        refs.sort(key=lambda r: (self.order.get(r.goal_id or 0, LAST), r.day, r.source, r.id))
        self.refs = refs
        self.numbers = {(r.source, r.id): index for index, r in enumerate(refs, start=1)}
        self.staff_ids = _staff_user_ids(process)
        self.pseudonyms = _Pseudonyms()
        self.considerations: Counter[Consideration | None] = Counter()
        self.groups: Counter[StakeholderGroup] = Counter()

    # --- cells ------------------------------------------------------------------

    def _text(self, value: dict[str, str] | None) -> str:
        return localize(value, self.lang, self.default_locale).text

    def _goal_cells(self, goal_id: int | None) -> list[Cell]:
        if goal_id not in self.goals:
            return ["", ""]
        code, title = self.goals[goal_id]
        return [code, self._text(title)]

    def _assessment_cells(
        self, assessment: Assessment | None, group: StakeholderGroup, revisions: dict[int, int]
    ) -> list[Cell]:
        consideration = assessment.consideration if assessment else None
        self.considerations[consideration] += 1
        self.groups[group] += 1
        tags = sorted(tag.name for tag in assessment.tags) if assessment else []
        revision = assessment.goal_revision_id if assessment else None
        return [
            ", ".join(tags),
            str(CONSIDERATION_LABELS[consideration]) if consideration else "",
            assessment.rationale if assessment else "",
            revisions.get(revision) if revision else None,
        ]

    def _comment_author(self, comment: Comment, user_id: int | None) -> str:
        if user_id is not None and user_id in self.staff_ids:
            return str(STAKEHOLDER_LABELS[StakeholderGroup.ADMINISTRATION])
        if user_id is not None:
            return self.pseudonyms.label(("user", user_id))
        if comment.participant_id is not None:
            return self.pseudonyms.label(("participant", comment.participant_id))
        return self.pseudonyms.label(("comment", comment.id))  # offline input: one each

    def _comment_row(self, ref: Ref, comment: Comment, extra: _ChunkData) -> list[Cell]:
        assessment = extra.assessments.get(("comment", comment.id))
        group = assessment.stakeholder_group if assessment else comment.stakeholder_group
        user_id = extra.users.get(comment.participant_id or 0)
        kind = self._text(self.kinds.get(comment.kind)) or comment.kind
        return [
            self.numbers[("comment", comment.id)],
            *self._goal_cells(comment.goal_id),
            kind,
            self.numbers.get(("comment", comment.parent_id)) if comment.parent_id else None,
            str(CHANNEL_LABELS.get(comment.channel, comment.channel)),
            str(STAKEHOLDER_LABELS[group]),
            ref.day,
            self._comment_author(comment, user_id),
            comment.body,
            _("yes") if comment.status == CommentStatus.HIDDEN else "",
            *self._assessment_cells(assessment, group, extra.revisions),
        ]

    def _answer_row(self, ref: Ref, row: Any, extra: _ChunkData) -> list[Cell]:
        answer, response, question = row
        assessment = extra.assessments.get(("answer", answer.id))
        group = assessment.stakeholder_group if assessment else StakeholderGroup.CITIZEN
        key = ("user", response.user_id) if response.user_id else ("response", response.id)
        channel = (
            CHANNEL_LABELS[Channel.PAPER]
            if response.channel == ResponseChannel.PAPER
            else _("Online survey")
        )
        return [
            self.numbers[("answer", answer.id)],
            *self._goal_cells(ref.goal_id),
            _("Survey answer"),
            None,
            str(channel),
            str(STAKEHOLDER_LABELS[group]),
            ref.day if ref.day != date.min else None,
            self.pseudonyms.label(key),
            f"{self._text(question.prompt)}\n{answer.value_text}",
            "",
            *self._assessment_cells(assessment, group, extra.revisions),
        ]

    # --- chunks ------------------------------------------------------------------

    def chunks(self) -> Iterator[list[list[Cell]]]:
        for start in range(0, len(self.refs), CHUNK):
            refs = self.refs[start : start + CHUNK]
            yield self._rows(refs)

    def _rows(self, refs: list[Ref]) -> list[list[Cell]]:
        extra = _ChunkData.load(refs)
        rows: list[list[Cell]] = []
        for ref in refs:
            if ref.source == "comment":
                rows.append(self._comment_row(ref, extra.comments[ref.id], extra))
            else:
                rows.append(self._answer_row(ref, extra.answers[ref.id], extra))
        return rows

    def summary(self) -> list[Sheet]:
        consideration, group = _("Consideration"), _("Stakeholder group")
        rows: list[list[Cell]] = [
            [consideration, str(label), self.considerations[value]]
            for value, label in CONSIDERATION_LABELS.items()
        ]
        rows.append([consideration, _("Not yet assessed"), self.considerations[None]])
        rows += [
            [group, str(label), self.groups[value]] for value, label in STAKEHOLDER_LABELS.items()
        ]
        rows.append([_("Total"), "", len(self.refs)])
        headers = [_("Category"), _("Value"), _("Contributions")]
        return [Sheet(pgettext("spreadsheet sheet", "Summary"), headers, rows, widths=[22, 32, 14])]

    def table(self, lang: str) -> Table:
        self.lang = lang
        return Table(
            name=pgettext("spreadsheet sheet", "Assessment"),
            headers=headers(),
            total=len(self.refs),
            chunks=self.chunks(),
            widths=WIDTHS,
            wrap=WRAP,
            extra_sheets=self.summary,
        )


@dataclass
class _ChunkData:
    comments: dict[int, Comment]
    answers: dict[int, Any]
    assessments: dict[tuple[str, int], Assessment]
    users: dict[int, int | None]  # participant id -> user id
    revisions: dict[int, int]  # goal revision id -> its number

    @classmethod
    def load(cls, refs: list[Ref]) -> _ChunkData:
        comment_ids = [r.id for r in refs if r.source == "comment"]
        answer_ids = [r.id for r in refs if r.source == "answer"]
        comments = _by_id(Comment, comment_ids)
        answers = {}
        if answer_ids:
            stmt = _answers_query().where(Answer.id.in_(answer_ids))
            answers = {row[0].id: row for row in db.session.execute(stmt)}
        assessments = _assessments(comment_ids, answer_ids)
        participant_ids = {c.participant_id for c in comments.values() if c.participant_id}
        users: dict[int, int | None] = {}
        if participant_ids:
            stmt_p = sa.select(Participant.id, Participant.user_id).where(
                Participant.id.in_(participant_ids)
            )
            users = {row.id: row.user_id for row in db.session.execute(stmt_p)}
        revision_ids = {a.goal_revision_id for a in assessments.values() if a.goal_revision_id}
        revisions: dict[int, int] = {}
        if revision_ids:
            stmt_r = sa.select(GoalRevision.id, GoalRevision.number).where(
                GoalRevision.id.in_(revision_ids)
            )
            revisions = {row.id: row.number for row in db.session.execute(stmt_r)}
        return cls(comments, answers, assessments, users, revisions)


def _by_id(model: Any, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {item.id: item for item in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _assessments(
    comment_ids: list[int], answer_ids: list[int]
) -> dict[tuple[str, int], Assessment]:
    result: dict[tuple[str, int], Assessment] = {}
    if comment_ids:
        stmt = sa.select(Assessment).where(Assessment.comment_id.in_(comment_ids))
        result |= {("comment", a.comment_id or 0): a for a in db.session.scalars(stmt)}
    if answer_ids:
        stmt = sa.select(Assessment).where(Assessment.answer_id.in_(answer_ids))
        result |= {("answer", a.answer_id or 0): a for a in db.session.scalars(stmt)}
    return result
