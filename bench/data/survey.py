"""The bench survey: 20 questions on one page, and its synthetic responses via COPY.

The questions are the demo county survey's (app/demo/survey_content.py) plus six
satisfaction scales and a goal matrix over the five strategic HF12 goals, all in one
section, so one submission is: start, one page of 20 answers, submit. (The demo's
condition on "stay" is dropped: a condition must refer to an earlier page.) Answers come
from the app's synthesiser (correlated, conditions and limits respected); rows go in
with COPY. A copy of the survey (``LOAD_SURVEY_SLUG``) takes the benchmark's
submissions, so the 50,000 responses stay as generated.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from app.demo.survey_content import SATISFACTION, SECTIONS
from app.demo.survey_responses import Synthesiser
from app.goals.models import Goal
from app.processes.models import Process
from app.surveys.builder.parts import (
    add_demographic_question,
    add_scale,
    copy_survey,
    matrix_from_goals,
)
from app.surveys.builder.structure import add_option, create_question, create_section, create_survey
from app.surveys.builder.structure import set_state as set_survey_state
from app.surveys.models import (
    AccessMode,
    Answer,
    Question,
    QuestionKind,
    Response,
    ResultsVisibility,
    Section,
    Survey,
    SurveyState,
)
from bench.data.copy import copy_rows, reserve_ids
from bench.settings import LOAD_SURVEY_SLUG, SURVEY_SLUG

SERVICES = [
    ("bus", "Busse und Bahnen", "Buses and trains"),
    ("doctors", "ärztliche Versorgung", "medical care"),
    ("schools", "Schulen und Kitas", "schools and day care"),
    ("internet", "Internet und Mobilfunk", "internet and mobile network"),
    ("housing", "Wohnungsangebot", "housing"),
    ("office", "Service der Verwaltung", "the administration's service"),
]
CHUNK = 2_000


def _demo_specs() -> dict[str, dict[str, Any]]:
    return {q["key"]: q for section in SECTIONS for q in section["questions"]}


def _spec_list() -> list[dict[str, Any]]:
    """The 20 questions in order (``goal_matrix`` is the HF12 matrix)."""
    demo = _demo_specs()
    scales = [
        {
            "key": f"service-{key}",
            "kind": "scale",
            "prompt": {"de": f"Wie zufrieden sind Sie mit: {de}?", "en": f"How satisfied: {en}?"},
            "scale": SATISFACTION,
        }
        for key, de, en in SERVICES
    ]
    keys = ["satisfaction", "likes", "moving", "stay", "priorities", "informed", "transport"]
    keys += ["commute", "since", "idea", "age", "gender", "municipality"]
    specs = [demo[key] for key in keys]
    return [*specs[:3], *scales, {"key": "goals", "goal_matrix": True}, *specs[3:]]


def create_bench_survey(process: Process, goals: dict[str, Goal], now: datetime) -> Survey:
    """The open survey with 20 questions, and its open copy for the submission load."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    survey = create_survey(
        slug=SURVEY_SLUG,
        title={"de": "Benchmark-Befragung (20 Fragen)", "en": "Benchmark survey (20 questions)"},
        process_id=process.id,
        access_mode=AccessMode.OPEN,
        anonymised=True,
        results_visibility=ResultsVisibility.LIVE,
        opens_at=today - timedelta(days=30),
        closes_at=today + timedelta(days=365),
    )
    section = create_section(survey, title={"de": "Ihre Meinung", "en": "Your view"})
    for spec in _spec_list():
        _add(section, spec, process, goals["12"])
    set_survey_state(survey, SurveyState.OPEN)
    load = copy_survey(survey, slug=LOAD_SURVEY_SLUG)
    load.opens_at, load.closes_at = survey.opens_at, survey.closes_at
    set_survey_state(load, SurveyState.OPEN)
    return survey


def _add(
    section: Section,
    spec: dict[str, Any],
    process: Process,
    root: Goal,
) -> Question:
    if spec.get("goal_matrix"):
        return matrix_from_goals(section, process, root, required=True)
    if "preset" in spec:
        choices = [(value, {"de": name, "en": name}) for value, name in spec.get("choices", [])]
        return add_demographic_question(section, spec["preset"], choices=choices or None)
    question = create_question(
        section,
        kind=QuestionKind(spec["kind"]),
        prompt=dict(spec["prompt"]),
        required=spec.get("required", False),
        settings=dict(spec.get("settings", {})),
        options=[
            {"value": v, "label": {"de": de, "en": en}} for v, de, en in spec.get("options", [])
        ],
    )
    if "scale" in spec:
        add_scale(question, [(v, {"de": de, "en": en}) for v, de, en in spec["scale"]])
    if spec.get("other"):
        add_option(question, label={"de": "Sonstiges", "en": "Other"}, value="other", is_other=True)
    return question  # no ``show_if``: a condition must refer to an earlier page


def weights(survey: Survey) -> dict[int, dict[int, float]]:
    """Option weights from the demo specs (municipality by population, and so on)."""
    by_key = {spec["key"]: spec.get("weights", {}) for spec in _spec_list()}
    result: dict[int, dict[int, float]] = {}
    for question, spec in zip(survey.questions, _spec_list(), strict=True):
        given = by_key.get(spec["key"]) or {}
        if given:
            result[question.id] = {o.id: float(given.get(o.value, 1.0)) for o in question.options}
    return result


def add_responses(survey: Survey, count: int, rng: random.Random, now: datetime) -> int:
    """``count`` submitted responses with their answers; returns the answer rows written."""
    synthesiser = Synthesiser(survey, rng.randrange(1 << 30), weights(survey))
    response_columns = ["id", "survey_id", "channel", "state", "submitted_on", "submitted_at"]
    response_columns += ["batch_label", "weight"]
    answer_columns = ["response_id", "question_id", "item", "option_id", "row_id"]
    answer_columns += ["value_text", "value_number", "value_date", "rank"]
    answers = 0
    for start in range(0, count, CHUNK):
        ids = reserve_ids(Response.__table__, min(CHUNK, count - start))
        rows = [synthesiser.response_row(now, 28) | {"id": rid} for rid in ids]
        copy_rows(Response.__table__, response_columns, rows)
        answer_rows = (
            row.as_dict() | {"response_id": rid}
            for rid in ids
            for parts in synthesiser.answers().values()
            for row in parts
        )
        answers += copy_rows(Answer.__table__, answer_columns, answer_rows)
    return answers
