"""Survey results: the full rebuild and the public results page.

``aggregate_full``: the rebuild the worker runs (``run_rebuild``: rake, count, build
overall results, cross-tabs and public patterns, store the snapshot) over the bench
survey (M: 50,000 responses x 20 questions), three times, against the GROUP BYs the
snapshot needs as raw SQL (``bench.raw_results``: answers and respondents overall and
per demographic group, timeline, "Sonstiges" texts) in the same run (``vs_raw``,
target <= 3; the rebuild <= 2 s). The details keep the earlier, smaller baseline
(``SELECT question_id, option_id, count(*) … GROUP BY 1, 2``, no demographic split)
as ``overall_group_by_s``.

``results_page``: ``/de/surveys/<bench survey>/results?group=<first municipality>``
(one town's page, read from the stored snapshot) under wrk. The bench survey's
results are made public for this (``results_visibility = live``): the page is the
public one. Target >= 200 req/s; ``vs_floor`` compares with the same run's floor.

``aggregate_lag``: wrk submits to the bench survey (survey.lua, paced by paced.lua) at
most 50 respondents/s for 20 s while ``bench.lag`` polls the stored snapshot; the
metric is the largest lag between a submission's acknowledgement and the first snapshot
counting it (target <= 10 s). The details give the median, the rate reached, how far
behind its schedule the stream ended (``behind_s``: 0 when the server kept the pace)
and whether the snapshot caught up. The stream's responses are removed afterwards
(``ctx.restore``) and the snapshot is recounted.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.results.tasks import run_rebuild
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import (
    Option,
    Question,
    ResultsVisibility,
    Section,
    Survey,
)
from bench import lag, raw_results, wrk
from bench.prepare import Visitors, survey_submissions, write_split
from bench.scenarios.base import Context, Metrics
from bench.scenarios.pages import load_page
from bench.settings import LANG

REPEAT = 3
PAGE_CLIENTS = 16


def _seconds(function: Callable[[], object]) -> list[float]:
    taken = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        function()
        taken.append(time.perf_counter() - started)
    return taken


def _overall_group_by(survey_id: int) -> None:
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
        raw_sql = raw_results.statements(raw_results.layout(survey_id))
        db.session.rollback()
        raw = _seconds(lambda: raw_results.run(raw_sql))
        overall = _seconds(lambda: _overall_group_by(survey_id))
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
        raw_statements=len(raw_sql),
        overall_group_by_s=[round(s, 3) for s in overall],
        vs_overall_group_by=round(seconds / statistics.median(overall), 1),
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


# --- aggregate_lag ---------------------------------------------------------------------

LAG_PER_S = 50  # submissions per second the stream is held to (the target's load)
# Each paced to one respondent every LAG_CLIENTS / LAG_PER_S seconds (0.4 s for its
# three requests): with 10 (0.2 s) a few slow requests while a rebuild ran left the
# schedule behind for good, so the stream measured the clients as much as the server.
LAG_CLIENTS = 20
LAG_SECONDS = 20.0
LAG_CATCH_UP_S = 40.0  # how long to wait after the stream for the last submissions


def aggregate_lag(ctx: Context) -> Metrics:
    """Submissions at a bounded 50/s into the bench survey (50,000 responses), with the
    real worker's coalesced rebuilds; the lag is measured by ``bench.lag``."""
    manifest = ctx.manifest
    seconds = min(LAG_SECONDS, max(ctx.durations.load, 5.0))
    prefix, prepared = _prepare_stream(ctx, seconds)
    poller = lag.Poller(ctx.dsn, manifest.survey_id)
    poller.start()
    base = f"/{LANG}/surveys/{manifest.survey_slug}"
    paths = [base + "/start", base + "/page/1", base + "/submit"]
    try:
        with ctx.sampler.window() as window:
            result = wrk.run(
                ctx.url(base + "/start"),
                workdir=ctx.workdir,
                seconds=seconds,
                connections=LAG_CLIENTS,
                threads=LAG_CLIENTS,
                script="survey+paced",
                args=[str(prefix), *paths, str(LAG_CLIENTS / LAG_PER_S)],
            )
            submitted = result.done_at
            base_n = poller.samples[0].n if poller.samples else 0
            caught_up = poller.wait_for(base_n + len(submitted), LAG_CATCH_UP_S)
    finally:
        poller.stop()
    measured = lag.lags(submitted, poller.samples, base_n, time.time())
    ctx.record(
        "aggregate_lag",
        **result.summary(),
        prepared=prepared,
        submitted=len(submitted),
        submissions_per_s=round(len(submitted) / result.seconds, 1) if result.seconds else 0,
        target_per_s=LAG_PER_S,
        clients=LAG_CLIENTS,
        behind_s=round(result.behind_s, 2),  # > 0: the server did not keep the pace
        behind_max_s=round(result.behind_max_s, 2),
        p50_s=_rounded(measured.p50_s),
        unseen=measured.unseen,
        caught_up=caught_up,
        snapshots_seen=len({s.as_of for s in poller.samples}),
        poll_s=lag.POLL_SECONDS,
    )
    ctx.record_window("aggregate_lag", window)
    _restore_survey(ctx)
    return {"aggregate_lag.s": _rounded(measured.max_s)}


def _prepare_stream(ctx: Context, seconds: float) -> tuple[Path, int]:
    """The stream's prepared lines (a tenth more than it may send), and a current
    snapshot to start from."""
    with ctx.app.app_context():
        survey = db.session.get(Survey, ctx.manifest.survey_id)
        assert survey is not None
        count = int(seconds * LAG_PER_S * 1.1) + LAG_CLIENTS
        lines, _submissions = survey_submissions(Visitors(ctx.app), survey, count, seed=23)
        run_rebuild(SURVEY_SCOPE, survey.id)
        db.session.remove()
    prefix = ctx.workdir / "lag"
    write_split(prefix, lines, LAG_CLIENTS)
    return prefix, count


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _restore_survey(ctx: Context) -> None:
    """The stream's responses removed (``ctx.restore``), and the snapshot recounted."""
    ctx.record("aggregate_lag", restored=ctx.restore())
    with ctx.app.app_context():
        run_rebuild(SURVEY_SCOPE, ctx.manifest.survey_id)
        db.session.remove()
