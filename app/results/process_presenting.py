"""The process results page: goal ratings overall and per stakeholder group (the
Trialog of Stadtgesellschaft, Gemeinderat and Verwaltung), from the stored
``process_results`` snapshot; for staff also the consensus and divisive comments.

Reads the snapshot, the goal tree (two queries) and, for staff, the texts of the
listed comments (one query); it never counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from app.comments.models import Comment
from app.extensions import db
from app.goals.services import flatten, goal_tree
from app.i18n import tr_text
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from app.ratings.models import ScaleKind
from app.ratings.services import SCALE_LABELS, rating_questions
from app.results import charts
from app.results.presenting import Item, Labels, as_of, item_view

# The Trialog first, then the other declared group.
GROUP_ORDER = [g.value for g in StakeholderGroup]
LIST_LIMIT = 20


@dataclass
class RatingTable:
    prompt: str
    scale: str
    value_labels: list[str]
    rows: list[tuple[str, Item]]  # ("Overall" or a group, its distribution)
    chart: Markup | None = None
    legend: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""


@dataclass
class GoalRatings:
    code: str
    title: str
    raters: int
    raters_by_group: list[tuple[str, int | None]]
    tables: list[RatingTable]


@dataclass
class ListedComment:
    id: int
    goal_code: str
    body: str
    group: str
    consensus: float
    divisiveness: float
    agreement: list[tuple[str, float, int, int]]  # group, p, supports, objections


@dataclass
class ProcessResults:
    as_of: Any
    threshold: int
    goals: list[GoalRatings]
    supported_by_all: list[ListedComment] = field(default_factory=list)
    divisive: list[ListedComment] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)


def group_label(group: str) -> str:
    return str(STAKEHOLDER_LABELS.get(StakeholderGroup(group), group))


def _labels(scale: ScaleKind) -> Labels:
    names = {value: str(label) for value, label in SCALE_LABELS[scale].items()}
    return Labels(questions={}, options=names, rows={})


def _table(question: dict[str, Any], prompt: str, entry: dict[str, Any]) -> RatingTable:
    scale = ScaleKind(question["scale"])
    labels = _labels(scale)
    rows = [(_("All participants"), item_view(entry["overall"], labels))]
    for group in GROUP_ORDER:
        if group in entry["groups"]:
            rows.append((group_label(group), item_view(entry["groups"][group], labels)))
    values = [labels.option(v) for v in question["values"] if v != 0]
    table = RatingTable(prompt, scale.value, values, rows)
    if scale != ScaleKind.YES_NO_UNDECIDED:
        _chart(table)
    return table


def _chart(table: RatingTable) -> None:
    shown = [
        (label, item)
        for label, item in table.rows
        if not item.hidden and not item.any_suppressed and item.valid
    ]
    if not shown:
        return
    stacks = [charts.Stack(label, [c.vpct or 0.0 for c in item.cells]) for label, item in shown]
    table.chart = charts.diverging_bars(stacks)
    classes = charts.point_classes(len(shown[0][1].cells))
    table.legend = [(c.label, css) for c, css in zip(shown[0][1].cells, classes, strict=True)]
    overall = table.rows[0][1]
    if overall.stats and overall.stats.get("mean") is not None:
        table.summary = _(
            "Mean %(mean)s on a scale from 1 to 5 (%(valid)s valid ratings); the chart "
            "shows %(groups)s.",
            mean=format_decimal(overall.stats["mean"], format="#,##0.0"),
            valid=format_decimal(overall.valid or 0),
            groups=", ".join(label for label, _item in shown),
        )


def process_results(process: Process, data: dict[str, Any]) -> ProcessResults:
    prompts = {q.id: tr_text(q.prompt) for q in rating_questions(process)}
    goals = []
    for node in flatten(goal_tree(process.id)):
        ratings = data["ratings"].get(str(node.goal.id))
        if not ratings or not ratings.get("raters"):
            continue
        tables = [
            _table(question, prompts.get(question["id"], question["key"]), entry)
            for question in data["questions"]
            if (entry := ratings["questions"].get(question["key"]))
        ]
        by_group = [
            (group_label(g), ratings["raters_by_group"].get(g))
            for g in GROUP_ORDER
            if g in ratings["raters_by_group"]
        ]
        goals.append(
            GoalRatings(
                node.goal.code, tr_text(node.revision.title), ratings["raters"], by_group, tables
            )
        )
    return ProcessResults(as_of(data), int(data.get("threshold") or 5), goals)


def with_consensus(view: ProcessResults, process: Process, data: dict[str, Any]) -> None:
    """Staff only: the comments every group supports and the divisive ones."""
    consensus = data.get("consensus") or {}
    view.parameters = consensus.get("parameters") or {}
    ids = [
        int(i)
        for i in (consensus.get("supported_by_all", [])[:LIST_LIMIT])
        + (consensus.get("divisive", [])[:LIST_LIMIT])
    ]
    if not ids:
        return
    comments = {c.id: c for c in db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids)))}
    codes = {node.goal.id: node.goal.code for node in flatten(goal_tree(process.id))}

    def listed(comment_id: Any) -> ListedComment | None:
        comment, entry = comments.get(int(comment_id)), consensus["comments"].get(str(comment_id))
        if comment is None or entry is None:
            return None
        agreement = [
            (group_label(g), v["p"], v["agree"], v["disagree"])
            for g, v in sorted(entry["groups"].items())
        ]
        return ListedComment(
            comment.id,
            codes.get(comment.goal_id, ""),
            comment.body,
            group_label(comment.stakeholder_group),
            entry["consensus"],
            entry["divisiveness"],
            agreement,
        )

    view.supported_by_all = [
        c for c in map(listed, consensus.get("supported_by_all", [])[:LIST_LIMIT]) if c
    ]
    view.divisive = [c for c in map(listed, consensus.get("divisive", [])[:LIST_LIMIT]) if c]
