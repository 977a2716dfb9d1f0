"""Survey results: overall, for one demographic group (filter), or cross-tabulated.

Every number that small-cell suppression hides is null; a hidden cell says
``suppressed: true``, a hidden distribution, column or group ``hidden: true``.
"""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas.common import (
    described,
    int_field,
    localized_field,
    nested_field,
    str_field,
    time_field,
)
from app.surveys.models import QuestionKind


def float_field(description: str) -> ma.fields.Field:
    return described(ma.fields.Float(required=True, allow_none=True), description)


def count_field(description: str) -> ma.fields.Field:
    return int_field(description, nullable=True)


def interval_field(description: str) -> ma.fields.Field:
    return described(
        ma.fields.List(ma.fields.Float(), required=True, allow_none=True),
        description,
        minItems=2,
        maxItems=2,
    )


def bool_field(description: str) -> ma.fields.Field:
    return described(ma.fields.Boolean(required=True), description)


class OptionRefSchema(ma.Schema):
    id = int_field("The option's id.")
    value = str_field("The option's code (as in the survey data exports).")
    label = localized_field("The option's label.", nullable=True)


class StatsSchema(ma.Schema):
    mean = float_field("Mean (one decimal).")
    sd = float_field("Standard deviation (one decimal).")
    q1 = float_field("First quartile.")
    median = float_field("Median.")
    q3 = float_field("Third quartile.")


class WeightedOptionResultSchema(ma.Schema):
    count = float_field("Weighted count.")
    percent = float_field("Weighted share of n, in percent.")
    valid_percent = float_field("Weighted share of the valid answers, in percent.")
    ci = interval_field("Wilson 95 % interval of the weighted share (Kish effective n).")
    row_percent = float_field("Cross-tabs: weighted share of the option's overall count.")


class OptionResultSchema(OptionRefSchema):
    no_answer = bool_field("The 'no answer' option (left out of valid answers and statistics).")
    suppressed = bool_field("Hidden by small-cell suppression: every number here is null.")
    count = count_field("Respondents who chose this option.")
    percent = float_field("Share of n, in percent (cross-tabs: the column percentage).")
    valid_percent = float_field("Share of the valid answers, in percent.")
    ci = interval_field("Wilson 95 % interval of `valid_percent` (of `percent` for no answer).")
    row_percent = float_field(
        "Cross-tabs only: the cell as a share of the option's overall count (row percentage)."
    )
    weighted = nested_field(
        WeightedOptionResultSchema,
        "The same, weighted; null when the survey is not weighted.",
        nullable=True,
    )


class RowRefSchema(ma.Schema):
    id = int_field("The matrix row's id.")
    label = localized_field("The matrix row's label.")


class WeightedDistributionSchema(ma.Schema):
    n = float_field("Weighted respondents.")
    valid = float_field("Weighted valid answers.")
    n_eff = float_field("Kish effective n of the valid answers.")
    stats = nested_field(StatsSchema, "Weighted statistics.", nullable=True)


class DistributionSchema(ma.Schema):
    row = nested_field(RowRefSchema, "The matrix row; null for other questions.", nullable=True)
    hidden = bool_field("The whole distribution is hidden (too few respondents).")
    n = count_field("Respondents.")
    valid = count_field("Respondents without 'no answer'; null when that would reveal a cell.")
    options = nested_field(OptionResultSchema, "One cell per option (none for numbers).", many=True)
    stats = nested_field(
        StatsSchema, "Scales, matrices and numbers: summary statistics.", nullable=True
    )
    weighted = nested_field(
        WeightedDistributionSchema, "Weighted totals; null when not weighted.", nullable=True
    )


class WeightedRankSchema(ma.Schema):
    ranked = float_field("Weighted respondents who ranked it.")
    mean_rank = float_field("Weighted mean rank.")
    borda = float_field("Weighted Borda points.")
    borda_avg = float_field("Weighted Borda points per respondent.")


class RankSchema(OptionRefSchema):
    suppressed = bool_field("Ranked by too few: every number here is null.")
    ranked = count_field("Respondents who ranked it.")
    mean_rank = float_field("Mean rank (1 = first).")
    borda = count_field("Borda points (rank r of top_n earns top_n - r + 1).")
    borda_avg = float_field("Borda points per respondent of the question.")
    weighted = nested_field(WeightedRankSchema, "Weighted; null when not weighted.", nullable=True)


class RankingSchema(ma.Schema):
    hidden = bool_field("The whole ranking is hidden (too few respondents).")
    n = count_field("Respondents.")
    top_n = count_field("How many places were ranked.")
    items = nested_field(RankSchema, "Per option.", many=True)


class CrosstabColumnSchema(ma.Schema):
    group = str_field("The group's key (see `crosstab.groups`).")
    hidden = bool_field("This group's column is hidden for this question.")
    n = count_field("Respondents of this question in the group.")
    items = nested_field(DistributionSchema, "Distributions (one per matrix row).", many=True)
    ranking = nested_field(RankingSchema, "Ranking questions only.", nullable=True)


class SurveyQuestionSchema(ma.Schema):
    id = int_field("The question's id (use it in `filter` and `crosstab`).")
    kind = described(
        ma.fields.Enum(QuestionKind, by_value=True, required=True), "The question's kind."
    )
    prompt = localized_field("The question.")
    hidden = bool_field("Hidden: answered by too few (0 < n < threshold).")
    n = count_field("Respondents of the question (in the group, for a filter).")
    items = nested_field(
        DistributionSchema,
        "Distributions: one per matrix row, else one (none for texts).",
        many=True,
    )
    ranking = nested_field(RankingSchema, "Ranking questions only.", nullable=True)
    columns = nested_field(
        CrosstabColumnSchema,
        "Cross-tabs only: the question per group of the `crosstab` question.",
        many=True,
        nullable=True,
    )


class DemographicGroupSchema(ma.Schema):
    key = str_field("The option's id as text, or `none`: did not answer the question.")
    option = nested_field(OptionRefSchema, "The option; null for `none`.", nullable=True)
    hidden = bool_field("Too small (or its complement is): no results for this group.")
    n = count_field("Respondents in the group; null where its size is hidden.")
    weighted_n = float_field("Weighted respondents; null when not weighted or hidden.")


class FilterSchema(ma.Schema):
    question = int_field("The demographic question.")
    option = nested_field(OptionRefSchema, "The group: one option of it.", nullable=True)
    hidden = bool_field("The group is too small to publish: `questions` is empty.")
    n = count_field("Respondents in the group; null when hidden.")
    note = str_field("Why nothing is shown, when `hidden`.", nullable=True)


class CrosstabSchema(ma.Schema):
    question = int_field("The demographic question the columns come from.")
    prompt = localized_field("That question.")
    groups = nested_field(
        DemographicGroupSchema, "Its groups, in the order of `columns`.", many=True
    )


class RespondentsSchema(ma.Schema):
    n = int_field("Submitted responses (online and on paper).")
    weighted_n = float_field("Their weighted number; null when not weighted.")


class WeightingSchema(ma.Schema):
    active = bool_field("Whether the figures are also given weighted to population margins.")
    source = str_field("Where the population margins come from.", nullable=True)
    n_eff = float_field("Kish effective sample size.")
    design_effect = float_field("Design effect of the weights (n / n_eff).")


class SurveyResultsSchema(ma.Schema):
    survey = str_field("Slug of the survey.")
    visible = bool_field("Whether the results are public now; if not, nothing else is given.")
    visible_from = time_field(
        "When they become public (the survey's close date), if known.", nullable=True
    )
    as_of = time_field(
        "The snapshot's time: everything submitted before it is counted.", nullable=True
    )
    version = int_field("The snapshot's version (it grows with each recount).", nullable=True)
    threshold = int_field("Counts below this are hidden (small-cell suppression).")
    weighted = bool_field("Whether weighted figures are given next to the unweighted ones.")
    respondents = nested_field(RespondentsSchema, "Everyone counted.", nullable=True)
    weighting = nested_field(WeightingSchema, "How the survey is weighted.", nullable=True)
    filter = nested_field(FilterSchema, "The group asked for with `filter`.", nullable=True)
    crosstab = nested_field(
        CrosstabSchema, "The cross-tab asked for with `crosstab`.", nullable=True
    )
    questions = nested_field(SurveyQuestionSchema, "In questionnaire order.", many=True)


class ResultsPendingSchema(ma.Schema):
    status = described(
        ma.fields.String(required=True, validate=ma.validate.OneOf(["pending"])),
        "Always `pending`.",
    )
    retry_after = int_field("Seconds to wait before asking again (also `Retry-After`).")
    detail = str_field("What is happening, for a person to read.")
