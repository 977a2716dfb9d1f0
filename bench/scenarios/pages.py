"""GET scenarios: the floor, the goal page (first 20 of 5,000 comments), the process page.

Each page is first fetched once (it must answer 200), then loaded by wrk for the run's
duration. Visitors are first-time visitors with the language cookie set (the
server issues each a session for the CSRF token of the page's forms), so they get the
page a worker keeps for a few seconds (``app.core.first_visit``). ``goal_page_participant``
loads the same goal page as a participant recognised by their cookie, who is always
rendered afresh: the figure for everybody who has taken part. Queries are counted
apart from the load: one request through the harness's copy of the app on the same
database, with a SQLAlchemy ``before_cursor_execute`` hook.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.request
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.i18n import LOCALE_COOKIE
from app.participation.models import Participant, ParticipantKind
from app.participation.services import PARTICIPANT_COOKIE
from bench import wrk
from bench.scenarios.base import Context, Metrics
from bench.settings import LANG

GOAL_CLIENTS = 32
PAGE_CLIENTS = 32
HEADERS = {"Cookie": f"{LOCALE_COOKIE}={LANG}"}


def _check(ctx: Context, path: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(ctx.url(path), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    return len(body)


def load_page(
    ctx: Context, name: str, path: str, clients: int, headers: dict[str, str] = HEADERS
) -> wrk.WrkResult:
    size = _check(ctx, path, headers)
    with ctx.sampler.window() as window:
        result = wrk.run(
            ctx.url(path),
            workdir=ctx.workdir,
            seconds=ctx.durations.load,
            connections=clients,
            headers=headers,
        )
    ctx.record(name, path=path, clients=clients, html_bytes=size, **result.summary())
    ctx.record_window(name, window)
    ctx.record_cpu_per_request(name, window, result.requests)
    if result.error_count:
        ctx.record(name, warning=f"{result.error_count} errors or non-2xx/3xx answers")
    return result


def count_queries(ctx: Context, path: str) -> tuple[int, list[str]]:
    """SQL statements rendering the page for a first-time visitor takes (after one
    warm-up request). The page a worker keeps (``app.core.first_visit``) is switched
    off for the count: a kept page takes none."""
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split())[:120])

    def _visitor() -> Any:
        client = ctx.app.test_client()  # it sends its own cookie jar, not a Cookie header
        client.set_cookie(LOCALE_COOKIE, LANG)
        return client

    with ctx.app.app_context():
        engine = db.engine
    kept_seconds = ctx.app.config["FIRST_VISIT_CACHE_SECONDS"]
    ctx.app.config["FIRST_VISIT_CACHE_SECONDS"] = 0
    _visitor().get(path)  # warm-up: catalogs, templates, pool
    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        response = _visitor().get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
        ctx.app.config["FIRST_VISIT_CACHE_SECONDS"] = kept_seconds
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to the query count")
    return len(statements), statements


def floor(ctx: Context) -> Metrics:
    result = load_page(ctx, "floor", f"/{LANG}/bench/floor", PAGE_CLIENTS)
    return {"floor.rps": round(result.rps, 1), "floor.p95_ms": result.latency_ms["p95"]}


def _goal_path(ctx: Context) -> str:
    return f"/{LANG}/p/{ctx.manifest.process_slug}/goals/{ctx.manifest.busy_goal_code}"


def goal_page(ctx: Context) -> Metrics:
    path = _goal_path(ctx)
    result = load_page(ctx, "goal_page", path, GOAL_CLIENTS)
    queries, statements = count_queries(ctx, path)
    ctx.record("goal_page", statements=statements)
    return {
        "goal_page.rps": round(result.rps, 1),
        "goal_page.p95_ms": result.latency_ms["p95"],
        "goal_page.queries": queries,
        "goal_page.vs_floor": ctx.ratio(result.rps, "floor.rps"),
    }


def _participant_cookie(ctx: Context) -> str:
    """A returning participant's browser cookie (anonymous mode): their page is never
    the kept one, it is rendered for them with their own votes and forms."""
    token = secrets.token_urlsafe(32)
    with ctx.app.app_context():
        db.session.add(
            Participant(
                kind=ParticipantKind.ANONYMOUS,
                pseudonym="Wiederkehrend",
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
            )
        )
        db.session.commit()
    return f"{PARTICIPANT_COOKIE}={token}; {LOCALE_COOKIE}={LANG}"


def goal_page_participant(ctx: Context) -> Metrics:
    path = _goal_path(ctx)
    headers = {"Cookie": _participant_cookie(ctx)}
    result = load_page(ctx, "goal_page_participant", path, GOAL_CLIENTS, headers)
    return {
        "goal_page_participant.rps": round(result.rps, 1),
        "goal_page_participant.p95_ms": result.latency_ms["p95"],
        "goal_page_participant.vs_floor": ctx.ratio(result.rps, "floor.rps"),
    }


def process_page(ctx: Context) -> Metrics:
    path = f"/{LANG}/p/{ctx.manifest.process_slug}/"
    result = load_page(ctx, "process_page", path, PAGE_CLIENTS)
    queries, statements = count_queries(ctx, path)
    ctx.record("process_page", queries=queries, statements=statements)
    return {
        "process_page.rps": round(result.rps, 1),
        "process_page.p95_ms": result.latency_ms["p95"],
        "process_page.vs_floor": ctx.ratio(result.rps, "floor.rps"),
    }
