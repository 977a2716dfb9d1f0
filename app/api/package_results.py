"""The contribution and result tables of the open-data package."""

from __future__ import annotations

from typing import Any

from app.api.package_tables import Column, Table, cell
from app.assessment.models import Consideration
from app.comments.models import Channel
from app.participation.models import StakeholderGroup


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)  # type: ignore[attr-defined]


GROUPS = _values(StakeholderGroup)
SUPPRESSED = (
    "Hidden by small-cell suppression, as on the public pages: a count below 5, or a "
    "further count from which a hidden one could be worked out (the question's total "
    "minus the shown counts); all of a question's counts when it has 1 to 4 answers."
)
CONTRIBUTION_COLUMNS = [
    Column("id", "integer", "The contribution's id (as in the API).", required=True),
    Column("goal_code", "string", "Code of the goal it was written on.", required=True),
    Column("reply_to", "integer", "Id of the comment it replies to (may be unpublished)."),
    Column("author_pseudonym", "string", "Stable pseudonym of the participant in this process."),
    Column("author_role", "string", "participant, administration or offline.",
           values=("participant", "administration", "offline")),
    Column("declared_group", "string", "Stakeholder group the author declared.", values=GROUPS),
    Column("kind", "string", "Kind of contribution (key)."),
    Column("kind_label", "string", "Kind of contribution (name)."),
    Column("channel", "string", "online, or how offline input arrived.", values=_values(Channel)),
    Column("created_at", "datetime", "When it was written or entered (ISO 8601, UTC)."),
    Column("received_on", "date", "Offline input: the day it reached the city."),
    Column("edited_at", "datetime", "When the author last corrected it."),
    Column("body", "string", "The text (plain text)."),
    Column("replies", "integer", "Published replies."),
    Column("supports_up", "integer", "Participants who agreed."),
    Column("supports_down", "integer", "Participants who disagreed."),
    Column("official_reply_author", "string", "The office that replied officially."),
    Column("official_reply", "string", "The official reply (Antwort der Verwaltung)."),
    Column("consideration", "string", "How it was considered (results phase, if public).",
           values=_values(Consideration)),
    Column("rationale", "string", "Why (results phase, if public)."),
    Column("assessed_group", "string", "Group the administration assigned (if taken up).",
           values=GROUPS),
    Column("taken_up_goal", "string", "Goal of the revision that took it up."),
    Column("taken_up_revision", "integer", "Number of that revision."),
]  # fmt: skip


def _contribution_row(item: dict[str, Any]) -> list[Any]:
    reply = item["official_reply"] or {}
    assessment = item["assessment"] or {}
    taken = assessment.get("taken_up_in") or {}
    values = [
        item["id"], item["goal"], item["reply_to"], item["author"]["pseudonym"],
        item["author"]["role"], item["declared_group"], item["kind"]["key"],
        item["kind"]["label"]["text"], item["channel"], item["created_at"], item["received_on"],
        item["edited_at"], item["body"], item["replies"], item["supports"]["up"],
        item["supports"]["down"], reply.get("author"), reply.get("body"),
        assessment.get("consideration"), assessment.get("rationale"), assessment.get("group"),
        taken.get("goal"), taken.get("revision"),
    ]  # fmt: skip
    return [cell(value) for value in values]


def contributions(items: list[dict[str, Any]]) -> Table:
    goal = {"fields": "goal_code", "reference": {"resource": "goals", "fields": "code"}}
    return Table(
        "contributions",
        "Published comments, replies and offline input; authors pseudonymised.",
        CONTRIBUTION_COLUMNS,
        [_contribution_row(item) for item in items],
        ["id"],
        [goal],
    )


def ratings(results: dict[str, Any]) -> list[Table]:
    """The rating questions, and the answers per goal (none while not public),
    suppressed as in the API: a hidden count and its percent are empty."""
    questions = [[q["key"], cell(q["scale"]), q["prompt"]["text"]] for q in results["questions"]]
    labels = {
        (q["key"], a["value"]): a["label"] for q in results["questions"] for a in q["answers"]
    }
    counts = [
        [goal["goal"], result["key"], row["value"], labels.get((result["key"], row["value"]), ""),
         cell(row["count"]), cell(row["percent"]), cell(row["suppressed"])]
        for goal in results["goals"]
        for result in goal["questions"]
        for row in result["counts"]
    ]  # fmt: skip
    to_question = {
        "fields": "question",
        "reference": {"resource": "rating_questions", "fields": "key"},
    }
    to_goal = {"fields": "goal_code", "reference": {"resource": "goals", "fields": "code"}}
    return [
        Table("rating_questions", "The rating questions of the process.", [
            Column("key", "string", "The question's key.", required=True),
            Column("scale", "string", "agreement, importance or yes_no_undecided."),
            Column("prompt", "string", "The question as participants saw it."),
        ], questions, ["key"]),
        Table("ratings", "Answers per goal and question (empty while not public).", [
            Column("goal_code", "string", "Code of the goal.", required=True),
            Column("question", "string", "Key of the question.", required=True),
            Column("value", "integer", "The answer's value (agreement: 0 = no answer).",
                   required=True),
            Column("label", "string", "The answer as the form shows it."),
            Column("count", "integer", "How many gave this answer; empty when suppressed."),
            Column("percent", "number",
                   "Share of the question's answers, in percent; empty when suppressed."),
            Column("suppressed", "boolean", SUPPRESSED, required=True),
        ], counts, ["goal_code", "question", "value"], [to_goal, to_question]),
    ]  # fmt: skip
