"""Rating results of a process, and the public surveys."""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas.common import (
    PageSchema,
    described,
    int_field,
    localized_field,
    nested_field,
    str_field,
    time_field,
)
from app.ratings.models import ScaleKind
from app.surveys.models import AccessMode, SurveyState


class AnswerLabelSchema(ma.Schema):
    value = int_field("The stored value (agreement: 0 is 'no answer').")
    label = str_field("The answer as the rating form shows it, in `lang`.")


class RatingQuestionSchema(ma.Schema):
    key = str_field("The question's key, e.g. `direction`.")
    scale = described(
        ma.fields.Enum(ScaleKind, by_value=True, required=True),
        "agreement (1-5, 0 = no answer), importance (1-5) or yes_no_undecided (1-3).",
    )
    prompt = localized_field("The question as participants saw it.")
    answers = nested_field(AnswerLabelSchema, "The possible answers, in order.", many=True)


SUPPRESSION_NOTE = (
    "Small-cell suppression as on the public results page: a count below 5 is hidden, "
    "and so is any further count from which a hidden one could be worked out (the total "
    "minus the shown counts)."
)


class AnswerCountSchema(ma.Schema):
    value = int_field("The answer's value.")
    count = int_field("How many gave this answer; null when suppressed.", nullable=True)
    percent = described(
        ma.fields.Float(required=True, allow_none=True),
        "Share of this question's answers, in percent; null when suppressed.",
    )
    suppressed = described(ma.fields.Boolean(required=True), SUPPRESSION_NOTE)


class QuestionResultSchema(ma.Schema):
    key = str_field("The question's key.")
    total = int_field(
        "Answers to this question; null when there are too few (1-4) to show any.",
        nullable=True,
    )
    hidden = described(
        ma.fields.Boolean(required=True), "Too few answers: every count is suppressed."
    )
    counts = nested_field(AnswerCountSchema, "One entry per possible answer.", many=True)


GROUP_FIELD_DESCRIPTION = (
    "Stakeholder group: citizen (Stadtgesellschaft), council (Gemeinderat), "
    "administration (Verwaltung) or organisation; a rater's group is the one declared "
    "on their latest comment in the process, else citizen."
)


class TrialogCountSchema(ma.Schema):
    value = int_field("The answer's value.")
    count = int_field("How many gave it; null when suppressed.", nullable=True)
    percent = described(ma.fields.Float(required=True, allow_none=True), "Share of n, in percent.")
    valid_percent = described(
        ma.fields.Float(required=True, allow_none=True),
        "Share of the answers other than 'no answer', in percent.",
    )
    suppressed = described(
        ma.fields.Boolean(required=True), "Hidden by small-cell suppression (fewer than 5)."
    )


class TrialogDistributionSchema(ma.Schema):
    hidden = described(
        ma.fields.Boolean(required=True), "Hidden entirely: too few raters (or group)."
    )
    n = int_field("Raters who answered.", nullable=True)
    valid = int_field(
        "Of them, without 'no answer'; null when that would reveal a cell.", nullable=True
    )
    mean = described(
        ma.fields.Float(required=True, allow_none=True),
        "Mean of the scale (without 'no answer'), one decimal; null where hidden.",
    )
    counts = nested_field(TrialogCountSchema, "One entry per answer.", many=True)


class TrialogGroupColumnSchema(TrialogDistributionSchema):
    group = described(ma.fields.String(required=True), GROUP_FIELD_DESCRIPTION)


class TrialogQuestionSchema(ma.Schema):
    key = str_field("The rating question's key.")
    overall = nested_field(TrialogDistributionSchema, "Everyone.")
    groups = nested_field(TrialogGroupColumnSchema, "Per stakeholder group.", many=True)


class TrialogRatersSchema(ma.Schema):
    group = described(ma.fields.String(required=True), GROUP_FIELD_DESCRIPTION)
    raters = int_field("Raters in this group; null when hidden.", nullable=True)
    hidden = described(
        ma.fields.Boolean(required=True), "Too few raters (or the rest would be): no figures."
    )


class TrialogSchema(ma.Schema):
    raters = int_field("Participants who rated the goal.")
    groups = nested_field(TrialogRatersSchema, "Raters per stakeholder group.", many=True)
    questions = nested_field(TrialogQuestionSchema, "Per rating question.", many=True)


class GoalResultSchema(ma.Schema):
    goal = str_field("Code of the goal.")
    ratings = int_field("Participants who rated this goal.")
    mean_agreement = described(
        ma.fields.Float(required=True, allow_none=True),
        "Mean of the agreement answers (1-5, without 'no answer'); null unless the "
        "distribution is public: at least 5 valid answers, and where a count is "
        "suppressed, enough answers that the mean (then to one decimal) cannot reveal it.",
    )
    questions = nested_field(QuestionResultSchema, "Per rating question.", many=True)
    trialog = nested_field(
        TrialogSchema,
        "The Trialog: the ratings overall and per stakeholder group, with counts below "
        "5 hidden (as on the process's public results page); null before the first count "
        "or without ratings.",
        nullable=True,
    )


class ProcessResultsSchema(ma.Schema):
    process = str_field("Slug of the process.")
    visible = described(
        ma.fields.Boolean(required=True),
        "Whether the results are public now; if not, `goals` is empty.",
    )
    visible_from = time_field(
        "When they become public (end of the participation phase), if known.", nullable=True
    )
    as_of = time_field("When the stored aggregate was computed.", nullable=True)
    questions = nested_field(RatingQuestionSchema, "The process's rating questions.", many=True)
    goals = nested_field(GoalResultSchema, "Per goal, in the order of the tree.", many=True)


class SurveyLinksSchema(ma.Schema):
    page = str_field("The survey's public web page.")
    process = str_field("The process the survey belongs to, if any.", nullable=True)


class SurveySchema(ma.Schema):
    slug = str_field("The survey's identifier in URLs.")
    title = localized_field("Title.")
    intro = localized_field("Introduction.")
    state = described(ma.fields.Enum(SurveyState, by_value=True, required=True), "open or closed.")
    access_mode = described(
        ma.fields.Enum(AccessMode, by_value=True, required=True),
        "open (anyone), account (signed-in) or code (invitation code by letter).",
    )
    opens_at = time_field("When answering opens.", nullable=True)
    closes_at = time_field("When answering closes.", nullable=True)
    process = str_field("Slug of the process it belongs to.", nullable=True)
    results_public = described(
        ma.fields.Boolean(required=True), "Whether its results may be published now."
    )
    links = nested_field(SurveyLinksSchema, "Where to go on.")


class SurveyListSchema(PageSchema):
    items = nested_field(SurveySchema, "Open and closed public surveys.", many=True)
