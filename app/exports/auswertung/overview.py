"""The counts of the Auswertung: per goal, consideration and group, per channel and kind.

Counted in the database with the same rules as the rows (:mod:`.scope`), so the
"Übersicht" and the title page can be written before the first row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.assessment.labels import CONSIDERATION_LABELS
from app.assessment.models import Assessment, Consideration
from app.comments.labels import CHANNEL_LABELS
from app.comments.models import Channel, Comment
from app.exports.auswertung import scope
from app.extensions import db
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from app.surveys.models import Question, Response, ResponseChannel

Cell = tuple[int | None, Consideration | None, StakeholderGroup]  # goal, status, group


@dataclass
class Overview:
    cells: Counter[Cell] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)  # channel label
    kinds: Counter[str] = field(default_factory=Counter)  # kind label
    groups: Counter[StakeholderGroup] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def fold(self, known: set[int]) -> None:
        """Count contributions to goals outside the tree as "without a goal"."""
        for (goal, status, group), n in list(self.cells.items()):
            if goal is not None and goal not in known:
                del self.cells[(goal, status, group)]
                self.cells[(None, status, group)] += n

    def goal_total(self, goal_id: int | None) -> int:
        return sum(n for (goal, _status, _group), n in self.cells.items() if goal == goal_id)

    def goal_rows(self, goal_id: int | None) -> list[tuple[StakeholderGroup, Counter[Any]]]:
        """Per group with contributions to the goal: counts per consideration (None: open)."""
        rows = []
        for group in StakeholderGroup:
            counts: Counter[Any] = Counter(
                {
                    status: n
                    for (goal, status, cell_group), n in self.cells.items()
                    if goal == goal_id and cell_group == group
                }
            )
            if counts:
                rows.append((group, counts))
        return rows


def statuses() -> list[tuple[Consideration | None, str]]:
    """The consideration statuses in their order, then "not yet assessed"."""
    labels = [(status, str(label)) for status, label in CONSIDERATION_LABELS.items()]
    return [*labels, (None, _("Not yet assessed"))]


def count(process: Process, options: dict[str, Any] | None, kind_labels: Any) -> Overview:
    """``kind_labels(key)`` names a comment kind in the export language."""
    chosen = scope.Options.of(options)
    overview = Overview()
    comments = scope.comments(process, chosen).with_only_columns(
        Comment.goal_id,
        Assessment.consideration,
        Comment.stakeholder_group,
        Assessment.stakeholder_group,
        Comment.channel,
        Comment.kind,
        sa.func.count(),
    )
    grouped = comments.group_by(*comments.selected_columns[:6])
    for goal_id, status, chosen_group, assessed_group, channel, kind, n in db.session.execute(
        grouped
    ):
        group = assessed_group or chosen_group
        overview.cells[(goal_id, status, group)] += n
        overview.groups[group] += n
        overview.channels[str(CHANNEL_LABELS.get(channel, channel))] += n
        overview.kinds[kind_labels(kind)] += n
    answers = scope.answers(process, chosen).with_only_columns(
        Question.goal_id,
        Assessment.consideration,
        Assessment.stakeholder_group,
        Response.channel,
        sa.func.count(),
    )
    paper, online = str(CHANNEL_LABELS[Channel.PAPER]), _("Online survey")
    for question_goal, status, answer_group, response_channel, n in db.session.execute(
        answers.group_by(*answers.selected_columns[:4])
    ):
        group = answer_group or StakeholderGroup.CITIZEN
        overview.cells[(question_goal, status, group)] += n
        overview.groups[group] += n
        overview.channels[paper if response_channel == ResponseChannel.PAPER else online] += n
        overview.kinds[_("Survey answer")] += n
    return overview


def group_label(group: StakeholderGroup) -> str:
    return str(STAKEHOLDER_LABELS[group])
