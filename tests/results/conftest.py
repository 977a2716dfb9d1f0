"""A survey with every counted question kind and three demographic questions, with
synthetic responses, and the raw data as pandas frames for independent checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import settings

from app.demo.survey_responses import generate_responses
from app.extensions import db
from app.results import snapshots
from app.results.tasks import run_rebuild
from app.surveys.builder.parts import add_demographic_question, add_scale
from app.surveys.builder.structure import create_question, create_section, create_survey, set_state
from app.surveys.models import Answer, Option, Question, QuestionKind, Response, Survey, SurveyState

# A shared machine: no per-example deadline; no example database on disk.
settings.register_profile("results", deadline=None, database=None)
settings.load_profile("results")

SCALE = [(str(v), {"de": f"Stufe {v}", "en": f"Level {v}"}) for v in range(1, 6)]
TOWNS = [
    ("lehre", {"de": "Gemeinde Lehre"}),
    ("velpke", {"de": "Velpke"}),
    ("nord", {"de": "Nord-Elm"}),
]


def _options(*values: str, other: bool = False) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = [{"value": v, "label": {"de": v.title()}} for v in values]
    if other:
        options.append({"value": "other", "label": {"de": "Sonstiges"}, "is_other": True})
    return options


@dataclass
class ResultsSurvey:
    survey: Survey
    q: dict[str, Question] = field(default_factory=dict)

    def option(self, key: str, value: str) -> Option:
        return next(o for o in self.q[key].options if o.value == value)


def build_results_survey(slug: str = "results-test") -> ResultsSurvey:
    survey = create_survey(slug=slug, title={"de": "Ergebnistest"})
    main = create_section(survey, title={"de": "Fragen"})
    made = ResultsSurvey(survey)
    made.q["scale"] = create_question(main, kind=QuestionKind.SCALE, prompt={"de": "Zufrieden?"})
    add_scale(made.q["scale"], SCALE)
    made.q["single"] = create_question(
        main,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt={"de": "Verkehrsmittel"},
        options=_options("car", "bus", "bike", other=True),
    )
    made.q["multi"] = create_question(
        main,
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt={"de": "Was schätzen Sie?"},
        options=_options("nature", "calm", "shops", "rare", other=True),
        settings={"max_choices": 3},
    )
    rows = [{"label": {"de": "Ziel A"}}, {"label": {"de": "Ziel B"}}]
    made.q["matrix"] = create_question(
        main, kind=QuestionKind.MATRIX, prompt={"de": "Wie wichtig?"}, rows=rows
    )
    add_scale(made.q["matrix"], SCALE)
    made.q["rank"] = create_question(
        main,
        kind=QuestionKind.RANKING,
        prompt={"de": "Rangfolge"},
        options=_options("a", "b", "c", "d", "e"),
        settings={"top_n": 3},
    )
    made.q["number"] = create_question(
        main, kind=QuestionKind.NUMBER, prompt={"de": "Minuten"}, settings={"min": 0, "max": 90}
    )
    made.q["text"] = create_question(main, kind=QuestionKind.SHORT_TEXT, prompt={"de": "Idee"})
    about = create_section(survey, title={"de": "Person"})
    made.q["age"] = add_demographic_question(about, "age_band")
    made.q["gender"] = add_demographic_question(about, "gender")
    made.q["town"] = add_demographic_question(about, "municipality", choices=TOWNS)
    set_state(survey, SurveyState.OPEN)
    db.session.commit()
    return made


def skewed_weights(made: ResultsSurvey) -> dict[int, dict[int, float]]:
    """Option weights that leave some cells small (below the threshold)."""
    return {
        made.q["multi"].id: {made.option("multi", "rare").id: 0.003},
        made.q["town"].id: {
            made.option("town", "lehre").id: 6,
            made.option("town", "velpke").id: 3,
            made.option("town", "nord").id: 0.4,
        },
        made.q["gender"].id: {made.option("gender", "diverse").id: 0.008},
    }


def add_responses(made: ResultsSurvey, count: int, seed: int = 1) -> None:
    generate_responses(made.survey, count, seed=seed, weights=skewed_weights(made))
    db.session.commit()


def rebuild(made: ResultsSurvey) -> dict[str, Any]:
    run_rebuild("survey", made.survey.id)
    data = snapshots.stored("survey", made.survey.id)
    assert data is not None
    return data


def answers_frame(survey_id: int) -> pd.DataFrame:
    """Every answer of the submitted responses, with the response's weight."""
    rows = db.session.execute(
        sa.select(
            Answer.response_id,
            Answer.question_id,
            Answer.row_id,
            Answer.option_id,
            Answer.rank,
            Answer.value_number,
            Answer.value_text,
            Response.weight,
        )
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey_id, Response.state == "submitted")
    ).all()
    columns = ["response_id", "question_id", "row_id", "option_id", "rank", "value", "text", "w"]
    return pd.DataFrame(rows, columns=columns)


def responses_frame(survey_id: int) -> pd.DataFrame:
    rows = db.session.execute(
        sa.select(Response.id, Response.weight, Response.channel, Response.submitted_on).where(
            Response.survey_id == survey_id, Response.state == "submitted"
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["response_id", "w", "channel", "day"])
    frame["channel"] = frame["channel"].map(str)
    return frame


@pytest.fixture
def made(app: Flask) -> ResultsSurvey:
    survey = build_results_survey()
    add_responses(survey, 400)
    return survey
