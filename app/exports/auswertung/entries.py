"""The rows of the Abwägungstabelle in document order, loaded in chunks.

Order: the goal tree (fields of action, then their goals depth first, as on the
process page). Within a goal, threads by the day of their first comment (the day
offline input was received, else the day it was written, in the configured time
zone), each reply right after the comment it answers, then the goal's survey open
answers by day. Contributions without a goal (answers to survey questions about no
goal) come last in a section of their own.

Only keys (kind, id) of one field of action are held at a time; the rows themselves
are loaded ``CHUNK`` at a time, so memory does not grow with the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import pgettext

from app.assessment.labels import CONSIDERATION_LABELS
from app.comments.labels import CHANNEL_LABELS
from app.comments.models import Channel, Comment, CommentStatus
from app.exports.auswertung import scope
from app.exports.auswertung.authors import Authors, answer_key, comment_key
from app.exports.auswertung.chunk_data import ChunkData, Key
from app.extensions import db
from app.goals.services import GoalNode, flatten, goal_tree
from app.i18n import localize
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import CONFIRMED_GROUPS, StakeholderGroup
from app.processes.models import Process
from app.surveys.models import Answer, Question, Response, ResponseChannel

CHUNK = 500


@dataclass(slots=True)
class Entry:
    """One contribution as the annex shows it; every text already in the export language."""

    number: int
    source: str  # "comment" | "answer"
    id: int  # of the comment or the survey answer (never written to a file)
    goal_id: int | None
    goal_code: str
    goal_title: str
    kind: str
    reply_to: int | None  # the number of the row this one answers
    channel: str
    group: str
    day: date | None
    author: str
    text: str
    official_reply: str  # "Antwort der Verwaltung" (the body), or ""
    official_reply_by: str
    hidden: bool
    topics: str
    consideration: str
    rationale: str
    revision: int | None  # number of the goal revision it was taken up in

    @property
    def key(self) -> Key:
        return (self.source, self.id)

    @property
    def is_reply(self) -> bool:
        return self.reply_to is not None


@dataclass
class Section:
    """The rows of one field of action (``field`` None: contributions without a goal)."""

    field: GoalNode | None
    keys: list[Key]


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    """The day of ``moment`` in the configured time zone (looked up once per export)."""
    return moment.astimezone(zone).date() if moment is not None else None


class _Labels:
    """The labels of one export, translated once (not once per row)."""

    def __init__(self, kinds: dict[str, dict[str, str]], text: Any) -> None:
        self.kinds = {key: text(label) or key for key, label in kinds.items()}
        self.channels = {channel: str(label) for channel, label in CHANNEL_LABELS.items()}
        self.groups = {group: str(label) for group, label in STAKEHOLDER_LABELS.items()}
        self.confirmed = pgettext("stakeholder group", "confirmed")
        self.declared = pgettext("stakeholder group", "self-declared")
        self.considerations = {c: str(label) for c, label in CONSIDERATION_LABELS.items()}
        self.online_survey = _("Online survey")
        self.survey_answer = _("Survey answer")


class Entries:
    """The table of one export: its sections in order, and their rows in chunks."""

    def __init__(self, process: Process, options: dict[str, Any] | None, lang: str) -> None:
        # Plain values only: the pipeline may commit between chunks (expiring ORM objects).
        self.process_id = process.id
        self.lang, self.fallback = lang, process.default_locale
        self.zone = _zone()
        self.options = scope.Options.of(options)
        self.kinds = {kind["key"]: dict(kind["label"]) for kind in process.comment_kinds}
        self.tree = goal_tree(process.id)
        self.nodes = flatten(self.tree)
        self.goals = {
            n.goal.id: (n.goal.code, self.text(n.revision.title), n.goal.level) for n in self.nodes
        }
        self.authors = Authors(process)
        self.labels = _Labels(self.kinds, self.text)
        self._comments = scope.comments(process, self.options)
        self._answers = scope.answers(process, self.options)
        self.total = self._count()

    def text(self, value: dict[str, str] | None) -> str:
        return localize(value, self.lang, self.fallback).text

    def _count(self) -> int:
        comments = self._comments.with_only_columns(sa.func.count(Comment.id))
        answers = self._answers.with_only_columns(sa.func.count(Answer.id))
        return int(db.session.scalar(comments) or 0) + int(db.session.scalar(answers) or 0)

    # --- order --------------------------------------------------------------------

    def section_stubs(self) -> list[Section]:
        """The sections without their keys: the fields of action, then "without a goal"."""
        return [Section(root, []) for root in self.tree] + [Section(None, [])]

    def load_keys(self, section: Section) -> Section:
        if section.field is None:
            return Section(None, self._keys_without_goal())
        return Section(section.field, self._keys([n.goal.id for n in flatten([section.field])]))

    def sections(self) -> Iterator[Section]:
        """The sections in order, each with its keys (loaded when it is reached)."""
        for stub in self.section_stubs():
            yield self.load_keys(stub)

    def _keys(self, goal_ids: list[int]) -> list[Key]:
        comments = db.session.execute(
            self._comments.with_only_columns(
                Comment.id,
                Comment.goal_id,
                Comment.parent_id,
                Comment.received_on,
                Comment.created_at,
            ).where(Comment.goal_id.in_(goal_ids))
        ).all()
        answers = db.session.execute(
            self._answers.with_only_columns(
                Answer.id, Question.goal_id, Response.submitted_on, Response.submitted_at
            ).where(Question.goal_id.in_(goal_ids))
        ).all()
        by_goal: dict[int, list[Any]] = {}
        for row in comments:
            by_goal.setdefault(row[1], []).append(row)
        answers_by_goal: dict[int, list[Any]] = {}
        for answer in answers:
            answers_by_goal.setdefault(answer[1] or 0, []).append(answer)
        keys: list[Key] = []
        for goal_id in goal_ids:
            keys += _threads(by_goal.get(goal_id, []), self.zone)
            keys += _answer_keys(answers_by_goal.get(goal_id, []), self.zone)
        return keys

    def _keys_without_goal(self) -> list[Key]:
        known = list(self.goals)
        rows = db.session.execute(
            self._answers.with_only_columns(
                Answer.id, Question.goal_id, Response.submitted_on, Response.submitted_at
            ).where(sa.or_(Question.goal_id.is_(None), Question.goal_id.not_in(known)))
        ).all()
        return _answer_keys(list(rows), self.zone)

    # --- rows ---------------------------------------------------------------------

    def chunks(
        self, section: Section, numbers: dict[Key, int], start: int
    ) -> Iterator[list[Entry]]:
        """The rows of ``section``, numbered from ``start`` + 1; ``numbers`` collects them."""
        number = start
        for offset in range(0, len(section.keys), CHUNK):
            keys = section.keys[offset : offset + CHUNK]
            data = ChunkData.load(keys)
            rows: list[Entry] = []
            for key in keys:
                number += 1
                numbers[key] = number
                if key[0] == "comment":
                    rows.append(self._comment_entry(number, data.comments[key[1]], data, numbers))
                else:
                    rows.append(self._answer_entry(number, data.answers[key[1]], data))
            yield rows

    def goal_texts(self, goal_id: int | None) -> tuple[str, str]:
        code, title, _level = self.goals.get(goal_id or 0, ("", "", 0))
        return code, title

    def _assessed(self, found: Any) -> tuple[str, str, str, int | None]:
        if found is None:
            return "", "", "", None
        consideration = found.consideration
        label = self.labels.considerations[consideration] if consideration else ""
        return ", ".join(found.tags), label, found.rationale or "", found.revision

    def _group_label(self, group: StakeholderGroup, confirmed: bool) -> str:
        """The group, and for all but citizens whether it was confirmed or declared."""
        if group == StakeholderGroup.CITIZEN:
            return self.labels.groups[group]
        mark = self.labels.confirmed if confirmed else self.labels.declared
        return f"{self.labels.groups[group]} ({mark})"

    def _comment_entry(
        self, number: int, row: Any, data: ChunkData, numbers: dict[Key, int]
    ) -> Entry:
        # Unpacked once (a row's attribute is a lookup by name, 25 a row otherwise);
        # the order of chunk_data.COMMENT_COLUMNS.
        (
            comment_id,
            goal_id,
            parent_id,
            participant_id,
            user_id,
            author_name,
            kind,
            stakeholder_group,
            stakeholder_confirmed,
            organisation_name,
            channel,
            body,
            status,
            received_on,
            created_at,
        ) = row
        found = data.assessments.get(("comment", comment_id))
        assessed_group = found.group if found is not None else None
        assessed = bool(assessed_group)
        group: StakeholderGroup = assessed_group or stakeholder_group
        offline = channel != Channel.ONLINE and participant_id is None
        # Staff set the group of offline input and of an assessment: confirmed too.
        confirmed = bool(stakeholder_confirmed) or offline or assessed
        speaks_as = group
        if group in CONFIRMED_GROUPS and not confirmed:
            speaks_as = StakeholderGroup.CITIZEN  # an unconfirmed claim names no institution
        author = self.authors.label(
            comment_key(comment_id, participant_id, user_id),
            speaks_as,
            user_id=user_id,
            organisation=author_name if offline else organisation_name,
        )
        reply = data.replies.get(comment_id)
        topics, consideration, rationale, revision = self._assessed(found)
        goal_code, goal_title = self.goal_texts(goal_id)
        return Entry(
            number=number,
            source="comment",
            id=comment_id,
            goal_id=goal_id,
            goal_code=goal_code,
            goal_title=goal_title,
            kind=self.labels.kinds.get(kind, kind),
            reply_to=numbers.get(("comment", parent_id)) if parent_id else None,
            channel=self.labels.channels.get(channel, channel),
            group=self._group_label(group, confirmed),
            day=received_on or _local_day(created_at, self.zone),
            author=author,
            text=body,
            official_reply=reply.body if reply else "",
            official_reply_by=reply.author_label if reply else "",
            hidden=status == CommentStatus.HIDDEN,
            topics=topics,
            consideration=consideration,
            rationale=rationale,
            revision=revision,
        )

    def _answer_entry(self, number: int, row: Any, data: ChunkData) -> Entry:
        # The order of chunk_data.ANSWER_COLUMNS.
        (
            answer_id,
            value_text,
            prompt,
            goal_id,
            response_id,
            user_id,
            response_channel,
            submitted_on,
            submitted_at,
            option_label,
        ) = row
        found = data.assessments.get(("answer", answer_id))
        group = found.group if found is not None and found.group else StakeholderGroup.CITIZEN
        channel = (
            self.labels.channels[Channel.PAPER]
            if response_channel == ResponseChannel.PAPER
            else self.labels.online_survey
        )
        answer = value_text or ""
        if option_label is not None:  # the text of an "other" option
            answer = f"{self.text(option_label)}: {answer}"
        topics, consideration, rationale, revision = self._assessed(found)
        goal_code, goal_title = self.goal_texts(goal_id)
        return Entry(
            number=number,
            source="answer",
            id=answer_id,
            goal_id=goal_id,
            goal_code=goal_code,
            goal_title=goal_title,
            kind=self.labels.survey_answer,
            reply_to=None,
            channel=channel,
            group=self.labels.groups[group],
            day=submitted_on or _local_day(submitted_at, self.zone),
            author=self.authors.label(answer_key(response_id, user_id), group),
            text=f"{self.text(prompt)}\n{answer}",
            official_reply="",
            official_reply_by="",
            hidden=False,
            topics=topics,
            consideration=consideration,
            rationale=rationale,
            revision=revision,
        )


def _day_of(row: Any, received: int, created: int, zone: ZoneInfo) -> date:
    return row[received] or _local_day(row[created], zone) or date.min


def _threads(rows: list[Any], zone: ZoneInfo) -> list[Key]:
    """Comments of one goal: threads by day, each reply after the comment it answers.

    ``rows``: (id, goal id, parent id, received on, created at), read by position."""
    ids = {row[0] for row in rows}
    replies: dict[int, list[Any]] = {}
    roots = []
    for row in rows:
        parent = row[2]
        if parent is not None and parent in ids:
            replies.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    keys: list[Key] = []

    def add(row: Any) -> None:
        keys.append(("comment", row[0]))
        for reply in sorted(replies.get(row[0], []), key=lambda r: (r[4], r[0])):
            add(reply)

    for root in sorted(roots, key=lambda r: (_day_of(r, 3, 4, zone), r[0])):
        add(root)
    return keys


def _answer_keys(rows: list[Any], zone: ZoneInfo) -> list[Key]:
    """``rows``: (answer id, goal id, submitted on, submitted at), read by position."""
    ordered = sorted(rows, key=lambda r: (_day_of(r, 2, 3, zone), r[0]))
    return [("answer", row[0]) for row in ordered]
