"""The open-data API's survey results: the journalist's question, under load.

``api_results``: ``/api/v1/surveys/<bench survey>/results?filter=<municipality>:<first
town>`` (one municipality's results, read from the stored cross-tab) loaded by wrk,
every request a full 200 (no ``If-None-Match``); then the same with the ETag sent
back (the 304 path, in the details). Target ≥ 300 req/s; ``vs_floor`` compares with
the floor of the same run. The survey's snapshot is built by the harness first if
the bench database has none (outside the measurement: the API never counts).
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import sqlalchemy as sa

from app.api.conditional import BODIES, RECENT
from app.extensions import db
from app.results import snapshots
from app.results.tasks import run_rebuild
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import Option, Question, Section
from bench import wrk
from bench.scenarios.base import Context, Metrics

API_CLIENTS = 16
PENDING_WAIT = 120  # seconds the first answer may be 202 (the worker counting)


def _municipality(ctx: Context) -> tuple[int, str]:
    """The bench survey's municipality question and its first town's value."""
    with ctx.app.app_context():
        if snapshots.stored(SURVEY_SCOPE, ctx.manifest.survey_id) is None:
            started = time.perf_counter()
            run_rebuild(SURVEY_SCOPE, ctx.manifest.survey_id)  # commits
            ctx.record("api_results", snapshot_built_s=round(time.perf_counter() - started, 2))
        row = db.session.execute(
            sa.select(Question.id, Option.value)
            .join(Section, Section.id == Question.section_id)
            .join(Option, Option.question_id == Question.id)
            .where(
                Section.survey_id == ctx.manifest.survey_id,
                Question.is_demographic.is_(True),
                Question.settings["preset"].as_string() == "municipality",
                Option.is_no_answer.is_(False),
            )
            .order_by(Option.position, Option.id)
            .limit(1)
        ).one()
        db.session.remove()
    return int(row[0]), str(row[1])


def _first_answer(ctx: Context, path: str) -> tuple[str, int, dict[str, Any]]:
    """The ETag, size and body of the answer, once it is no longer 202."""
    deadline = time.monotonic() + PENDING_WAIT
    while True:
        with urllib.request.urlopen(ctx.url(path), timeout=30) as response:
            body = response.read()
            status, etag = response.status, response.headers.get("ETag")
            retry = int(response.headers.get("Retry-After") or 1)
        if status == 200:
            return str(etag), len(body), json.loads(body)
        if status != 202 or time.monotonic() > deadline:
            raise RuntimeError(f"{path} answered {status}")
        time.sleep(min(retry, 5))


def _queries(ctx: Context, path: str) -> list[str]:
    """The SQL one full answer runs (body and version caches cleared first)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split())[:120])

    client = ctx.app.test_client()
    client.get(path)  # warm-up
    BODIES.clear()
    RECENT.clear()
    with ctx.app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to the query count")
    return statements


def api_results(ctx: Context) -> Metrics:
    question, town = _municipality(ctx)
    path = f"/api/v1/surveys/{ctx.manifest.survey_slug}/results?filter={question}:{town}"
    etag, size, body = _first_answer(ctx, path)
    if body["filter"]["hidden"] or not body["questions"]:
        raise RuntimeError(f"{path}: the group is hidden; the bench data should not hide it")
    measured: dict[str, Any] = {}
    for kind, headers in (("200", {}), ("304", {"If-None-Match": etag})):
        with ctx.sampler.window() as window:
            result = wrk.run(
                ctx.url(path),
                workdir=ctx.workdir,
                seconds=ctx.durations.load,
                connections=API_CLIENTS,
                headers=headers,
            )
        measured[kind] = result
        ctx.record(f"api_results_{kind}", **result.summary())
        ctx.record_window(f"api_results_{kind}", window)
        ctx.record_cpu_per_request(f"api_results_{kind}", window, result.requests)
        if result.error_count:
            ctx.record("api_results", warning=f"{kind}: {result.error_count} errors or non-2xx/3xx")
    statements = _queries(ctx, path)
    ctx.record(
        "api_results",
        path=path,
        clients=API_CLIENTS,
        json_bytes=size,
        queries=len(statements),
        statements=statements,
        rps_304=round(measured["304"].rps, 1),
        respondents=body["respondents"]["n"],
        group_n=body["filter"]["n"],
    )
    full = measured["200"]
    return {
        "api_results.rps": round(full.rps, 1),
        "api_results.vs_floor": ctx.ratio(full.rps, "floor.rps"),
    }
