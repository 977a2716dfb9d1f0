"""Processes and their goal trees."""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas.common import (
    LocalizedTextSchema,
    PageSchema,
    PhaseSchema,
    described,
    int_field,
    localized_field,
    nested_field,
    str_field,
    time_field,
)


class ProcessCountsSchema(ma.Schema):
    goals = int_field("Goals in the tree.")
    comments = int_field("Published comments and replies.")
    ratings = int_field("Ratings given (one per participant and goal).")
    as_of = time_field(
        "When these counts were computed; null before the first count.", nullable=True
    )


class ProcessLinksSchema(ma.Schema):
    self = str_field("This process.")
    revisions = str_field("Every revision of every goal.")
    contributions = str_field("The published contributions.")
    results = str_field("The rating results.")
    datapackage = str_field("Everything as CSV files with a datapackage.json (ZIP).")
    page = str_field("The process's public web page.")


class ProcessSummarySchema(ma.Schema):
    slug = str_field("The process's identifier in URLs.")
    title = localized_field("Title.")
    summary = localized_field("Summary.")
    language = str_field("The process's own language: the fallback for missing translations.")
    updated_at = time_field("When staff last changed the process's settings.")
    current_phase = described(
        ma.fields.String(required=True, allow_none=True), "The kind of the current phase."
    )
    phases = nested_field(PhaseSchema, "The timeline.", many=True)
    counts = nested_field(ProcessCountsSchema, "Totals from the stored aggregate.")
    links = nested_field(ProcessLinksSchema, "Where to go on.")


class ProcessListSchema(PageSchema):
    items = nested_field(ProcessSummarySchema, "Published processes, newest first.", many=True)


class GoalCountsSchema(ma.Schema):
    comments = int_field("Published comments and replies on this goal.")
    ratings = int_field("Participants who rated this goal.")


class GoalLinksSchema(ma.Schema):
    revisions = str_field("Every revision of this goal with the contributions it took up.")
    contributions = str_field("The published contributions on this goal.")
    page = str_field("The goal's public web page.")


class GoalNodeSchema(ma.Schema):
    code = str_field("The goal's code, e.g. `12.1.1`: unique in the process.")
    level = int_field("Depth in the tree: 0 is the top level.")
    level_name = localized_field("The name of the level (Handlungsfeld, Leitsatz, …).")
    revision = int_field("The number of the current revision (1, 2, …).")
    revised_at = time_field("When the current revision was written.")
    title = localized_field("Title of the current revision.")
    body = localized_field("Text of the current revision.")
    easy_language = localized_field(
        "The goal in Leichte Sprache (easy German), if there is one.", nullable=True
    )
    translations = described(
        ma.fields.List(ma.fields.String(), required=True),
        "Languages the current title is written in.",
    )
    counts = nested_field(GoalCountsSchema, "Participation so far (from the stored aggregate).")
    links = nested_field(GoalLinksSchema, "Where to go on.")
    children = described(
        ma.fields.List(ma.fields.Nested(lambda: GoalNodeSchema()), required=True),
        "The goals one level below, in order.",
    )


class ProcessDetailSchema(ProcessSummarySchema):
    level_names = nested_field(
        LocalizedTextSchema, "The names of the goal levels, top level first.", many=True
    )
    goals = nested_field(
        GoalNodeSchema, "The goal tree: the top-level goals with their children.", many=True
    )
