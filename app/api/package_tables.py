"""The tables of the open-data package: the API's data as CSV rows with a Table Schema.

Texts are in the process's own language; ``translations.csv`` has every language.
Rows come from the same readers as the API answers (``app.api.reading``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.api.reading.common import languages_of
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import flatten, goal_tree
from app.processes.models import Process


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date, datetime
    description: str
    required: bool = False
    values: tuple[str, ...] = ()

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        out["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.values:
            constraints["enum"] = list(self.values)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass
class Table:
    name: str
    description: str
    columns: list[Column]
    rows: list[list[Any]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)


def cell(value: Any) -> Any:
    """A CSV cell: ISO 8601 dates, times with offset, plain numbers, '' for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def goals(proc: Process) -> Table:
    lang = proc.default_locale
    rows = []
    for node in flatten(goal_tree(proc.id)):
        goal, rev = node.goal, node.revision
        parent = goal.parent.code if goal.parent is not None else None
        level_name = proc.level_name(goal.level).get(lang, "")
        rows.append(
            [goal.code, parent, goal.level, level_name, goal.position, rev.number,
             rev.title.get(lang, ""), rev.body.get(lang, ""), rev.easy_body.get(lang, ""),
             " ".join(languages_of(rev.title))]
        )  # fmt: skip
    columns = [
        Column("code", "string", "The goal's code, unique in the process.", required=True),
        Column("parent_code", "string", "Code of the goal above; empty at the top level."),
        Column("level", "integer", "Depth in the tree; 0 is the top level.", required=True),
        Column("level_name", "string", "The level's name (Handlungsfeld, Leitsatz, …)."),
        Column("position", "integer", "Order among the goals with the same parent."),
        Column("revision", "integer", "Number of the current revision.", required=True),
        Column("title", "string", "Current title."),
        Column("body", "string", "Current text."),
        Column("easy_language", "string", "Current text in Leichte Sprache, if any."),
        Column("languages", "string", "Languages the title is written in (space-separated)."),
    ]
    self_key = {"fields": "parent_code", "reference": {"resource": "", "fields": "code"}}
    return Table("goals", "The goal tree.", columns, rows, ["code"], [self_key])


def revisions(proc: Process, items: list[dict[str, Any]]) -> list[Table]:
    revision_rows, link_rows, text_rows = [], [], []
    for item in items:
        revision_rows.append(
            [item["goal"], item["number"], cell(item["created_at"]), item["change_note"],
             item["title"]["text"], item["body"]["text"],
             (item["easy_language"] or {}).get("text", "")]
        )  # fmt: skip
        for taken in item["contributions"] or []:
            link_rows.append([item["goal"], item["number"], taken["id"]])
    for goal_code, number, title, body, easy in _all_texts(proc):
        for lang in sorted(set(title) | set(body) | set(easy)):
            text_rows.append(
                [
                    goal_code,
                    number,
                    lang,
                    title.get(lang, ""),
                    body.get(lang, ""),
                    easy.get(lang, ""),
                ]
            )
    key = ["goal_code", "revision"]
    to_revision = {"fields": key, "reference": {"resource": "revisions", "fields": key}}
    return [
        Table("revisions", "Every revision of every goal.", REVISION_COLUMNS, revision_rows,
              key, [{"fields": "goal_code", "reference": {"resource": "goals", "fields": "code"}}]),
        Table("revision_contributions", "The contributions each revision took up "
              "(empty while the assessment is not public).", LINK_COLUMNS, link_rows,
              [*key, "contribution_id"], [to_revision, {"fields": "contribution_id",
              "reference": {"resource": "contributions", "fields": "id"}}]),
        Table("translations", "The texts of every revision in every language written.",
              TEXT_COLUMNS, text_rows, [*key, "language"], [to_revision]),
    ]  # fmt: skip


def _all_texts(proc: Process) -> Iterable[tuple[str, int, Any, Any, Any]]:
    """Every revision's texts in every language, in one query."""
    rows = db.session.execute(
        sa.select(Goal.code, GoalRevision.number, GoalRevision.title, GoalRevision.body,
                  GoalRevision.easy_body)
        .join(Goal, Goal.id == GoalRevision.goal_id)
        .where(Goal.process_id == proc.id)
        .order_by(Goal.code, GoalRevision.number)
    )  # fmt: skip
    return [
        (code, number, title or {}, body or {}, easy or {})
        for code, number, title, body, easy in rows
    ]


REVISION_COLUMNS = [
    Column("goal_code", "string", "Code of the goal.", required=True),
    Column("revision", "integer", "Revision number (1 is the first).", required=True),
    Column("created_at", "datetime", "When it was written (ISO 8601, UTC offset)."),
    Column("change_note", "string", "The administration's note on the change."),
    Column("title", "string", "Title in this revision."),
    Column("body", "string", "Text in this revision."),
    Column("easy_language", "string", "Leichte Sprache text in this revision."),
]
LINK_COLUMNS = [
    Column("goal_code", "string", "Code of the goal.", required=True),
    Column("revision", "integer", "Revision number.", required=True),
    Column("contribution_id", "integer", "Id in contributions.csv.", required=True),
]
TEXT_COLUMNS = [
    Column("goal_code", "string", "Code of the goal.", required=True),
    Column("revision", "integer", "Revision number.", required=True),
    Column("language", "string", "Language code.", required=True),
    Column("title", "string", "Title."),
    Column("body", "string", "Text."),
    Column("easy_language", "string", "Leichte Sprache text."),
]
