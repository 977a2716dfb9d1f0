"""Loading the demo survey; idempotent (by slug), flushes only (the caller commits)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.db import utcnow
from app.demo.survey_content import INTRO, PROCESS_SLUG, SECTIONS, SLUG, THANKS, TITLE
from app.demo.survey_margins import load_demo_margins
from app.extensions import db
from app.processes.models import Process
from app.surveys.builder.parts import add_demographic_question, add_scale, matrix_from_goals
from app.surveys.builder.structure import (
    add_option,
    create_question,
    create_section,
    create_survey,
    update_question,
)
from app.surveys.builder.structure import set_state as set_survey_state
from app.surveys.models import (
    AccessMode,
    Question,
    QuestionKind,
    ResultsVisibility,
    Section,
    Survey,
    SurveyState,
)

logger = logging.getLogger(__name__)
OPEN_DAYS = 56


def load_demo_survey(now: datetime | None = None) -> bool:
    """Create the county's demo citizen survey, open now; True if it was created.

    Needs the demo process ``landkreis-strategie-2035`` with its goals (the matrix
    asks about its strategic goals); without it nothing is created.
    """
    if db.session.scalar(sa.select(Survey.id).where(Survey.slug == SLUG)) is not None:
        return False
    process = db.session.scalar(sa.select(Process).where(Process.slug == PROCESS_SLUG))
    if process is None:
        logger.warning("demo survey skipped: process %s is missing", PROCESS_SLUG)
        return False
    today = (now or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    survey = create_survey(
        slug=SLUG,
        title=dict(TITLE),
        intro=dict(INTRO),
        thanks=dict(THANKS),
        process_id=process.id,
        access_mode=AccessMode.OPEN,
        anonymised=True,
        # Public at once, as the county showed its results on the road show.
        results_visibility=ResultsVisibility.LIVE,
        opens_at=today,
        closes_at=today + timedelta(days=OPEN_DAYS),
    )
    questions: dict[str, Question] = {}
    for spec in SECTIONS:
        section = create_section(
            survey, title=dict(spec["title"]), intro=dict(spec.get("intro", {}))
        )
        for question_spec in spec["questions"]:
            question = _add_question(section, process, question_spec, questions)
            questions[question_spec["key"]] = question
    set_survey_state(survey, SurveyState.OPEN)
    load_demo_margins(survey)
    logger.info("demo survey %s created", SLUG)
    return True


def _label(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def _add_question(
    section: Section, process: Process, spec: dict[str, Any], earlier: dict[str, Question]
) -> Question:
    if spec.get("goal_matrix"):
        question = matrix_from_goals(
            section, process, prompt=dict(spec["prompt"]), required=spec.get("required", False)
        )
        update_question(question, help=dict(spec.get("help", {})))
        return question
    if "preset" in spec:
        choices = [(value, _label(name, name)) for value, name in spec.get("choices", [])]
        return add_demographic_question(section, spec["preset"], choices=choices or None)
    question = create_question(
        section,
        kind=QuestionKind(spec["kind"]),
        prompt=dict(spec["prompt"]),
        help=dict(spec.get("help", {})),
        required=spec.get("required", False),
        is_demographic=spec.get("is_demographic", False),
        settings=dict(spec.get("settings", {})),
        options=[
            {"value": value, "label": _label(de, en)} for value, de, en in spec.get("options", [])
        ],
    )
    if "scale" in spec:
        add_scale(question, [(value, _label(de, en)) for value, de, en in spec["scale"]])
    if spec.get("other"):
        add_option(question, label=_label("Sonstiges", "Other"), value="other", is_other=True)
    if spec.get("no_answer"):
        add_option(
            question, label=_label("keine Angabe", "no answer"), value="na", is_no_answer=True
        )
    if "show_if" in spec:
        key, values = spec["show_if"]
        target = earlier[key]
        option_ids = [option.id for option in target.options if option.value in values]
        update_question(question, show_if={"question_id": target.id, "option_ids": option_ids})
    return question


def demo_weights(survey: Survey) -> dict[int, dict[int, float]]:
    """Option weights for ``flask demo responses``: question id → option id → weight."""
    weights: dict[int, dict[int, float]] = {}
    for section, spec in zip(survey.sections, SECTIONS, strict=False):
        for question, question_spec in zip(section.questions, spec["questions"], strict=False):
            by_value = question_spec.get("weights", {})
            if by_value:
                weights[question.id] = {
                    option.id: float(by_value.get(option.value, 1.0)) for option in question.options
                }
    return weights
