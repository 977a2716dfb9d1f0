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


class AnswerCountSchema(ma.Schema):
    value = int_field("The answer's value.")
    count = int_field("How many gave this answer.")
    percent = described(
        ma.fields.Float(required=True), "Share of this question's answers, in percent."
    )


class QuestionResultSchema(ma.Schema):
    key = str_field("The question's key.")
    total = int_field("Answers to this question.")
    counts = nested_field(AnswerCountSchema, "One entry per possible answer.", many=True)


class GoalResultSchema(ma.Schema):
    goal = str_field("Code of the goal.")
    ratings = int_field("Participants who rated this goal.")
    mean_agreement = described(
        ma.fields.Float(required=True, allow_none=True),
        "Mean of the agreement answers (1-5, without 'no answer').",
    )
    questions = nested_field(QuestionResultSchema, "Per rating question.", many=True)


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
