"""Survey results: the full rebuild and the public results page.

``aggregate_full``: the rebuild the worker runs (``run_rebuild``: rake, count, build
overall results, cross-tabs and public patterns, store the snapshot) over the bench
survey (M: 50,000 responses x 20 questions), three times, against a raw
``SELECT question_id, option_id, count(*) … GROUP BY`` over the same survey's answers
in the same run (``vs_raw``, target <= 3; the rebuild <= 2 s).

``results_page``: ``/de/surveys/<bench survey>/results?group=<first municipality>``
(one town's page, read from the stored snapshot) under wrk. The bench survey's
results are made public for this (``results_visibility = live``): the page is the
public one. Target >= 200 req/s; ``vs_floor`` compares with the same run's floor.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import sqlalchemy as sa

from app.extensions import db
from app.results.tasks import run_rebuild
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import Option, Question, ResultsVisibility, Section, Survey
from bench.scenarios.base import Context, Metrics
from bench.scenarios.pages import load_page

REPEAT = 3
PAGE_CLIENTS = 16


def _seconds(function: Callable[[], object]) -> list[float]:
    taken = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        function()
        taken.append(time.perf_counter() - started)
    return taken


def _raw_group_by(survey_id: int) -> None:
    db.session.execute(
        sa.text(
            "SELECT a.question_id, a.option_id, count(*) FROM survey_answer a"
            " JOIN survey_response r ON r.id = a.response_id"
            " WHERE r.survey_id = :s GROUP BY 1, 2"
        ),
        {"s": survey_id},
    ).all()
    db.session.rollback()


def aggregate_full(ctx: Context) -> Metrics:
    survey_id = ctx.manifest.survey_id
    with ctx.app.app_context():
        raw = _seconds(lambda: _raw_group_by(survey_id))
        rebuild = _seconds(lambda: run_rebuild(SURVEY_SCOPE, survey_id))
        answers = db.session.scalar(
            sa.text(
                "SELECT count(*) FROM survey_answer a JOIN survey_response r"
                " ON r.id = a.response_id WHERE r.survey_id = :s"
            ),
            {"s": survey_id},
        )
        db.session.remove()
    seconds, raw_seconds = statistics.median(rebuild), statistics.median(raw)
    ctx.record(
        "aggregate_full",
        answers=answers,
        rebuild_s=[round(s, 3) for s in rebuild],
        raw_group_by_s=[round(s, 3) for s in raw],
    )
    return {
        "aggregate_full.s": round(seconds, 2),
        "aggregate_full.vs_raw": round(seconds / raw_seconds, 1) if raw_seconds else None,
    }


def _first_town(survey_id: int) -> int:
    """The option id of the bench survey's first municipality."""
    return int(
        db.session.execute(
            sa.select(Option.id)
            .join(Question, Question.id == Option.question_id)
            .join(Section, Section.id == Question.section_id)
            .where(
                Section.survey_id == survey_id,
                Question.is_demographic.is_(True),
                Question.settings["preset"].as_string() == "municipality",
                Option.is_no_answer.is_(False),
            )
            .order_by(Option.position, Option.id)
            .limit(1)
        ).scalar_one()
    )


def results_page(ctx: Context) -> Metrics:
    survey_id = ctx.manifest.survey_id
    with ctx.app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey is not None
        survey.results_visibility = ResultsVisibility.LIVE
        db.session.commit()
        run_rebuild(SURVEY_SCOPE, survey_id)  # a snapshot to read (outside the load)
        town = _first_town(survey_id)
        db.session.remove()
    path = f"/de/surveys/{ctx.manifest.survey_slug}/results?group={town}"
    result = load_page(ctx, "results_page", path, PAGE_CLIENTS)
    return {
        "results_page.rps": round(result.rps, 1),
        "results_page.vs_floor": ctx.ratio(result.rps, "floor.rps"),
    }
