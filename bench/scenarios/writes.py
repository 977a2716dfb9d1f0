"""POST scenarios with ground truth: survey submissions and anonymous comments.

Requests are prepared first (``bench.prepare``), replayed by wrk with one connection
per client, and afterwards the database is asked what arrived: a request wrk saw
succeed whose row is missing is *lost*; a second row for one idempotency key is a
*duplicate*. Then the same rows go in with raw psycopg (``bench.raw``) for the
same-run baseline.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app.comments.models import Channel, Comment, CommentStatus
from app.extensions import db
from app.participation.models import Participant, ParticipantKind
from app.surveys.models import Answer, Response, ResponseChannel, ResponseState, Survey
from bench import raw, wrk
from bench.data.copy import complete
from bench.prepare import (
    CommentPost,
    Submission,
    Visitors,
    comment_posts,
    set_review_before_submit,
    survey_submissions,
    write_split,
)
from bench.scenarios.base import Context, Metrics
from bench.settings import LANG

SURVEY_CLIENTS = 64
COMMENT_CLIENTS = 32
# Prepared requests per second of load: above what the targets ask (300 and 200/s).
SURVEY_PER_S = 250
COMMENT_PER_S = 400
MAX_PREPARED = 15_000


def _prepared(seconds: float, per_s: int, clients: int) -> int:
    return max(clients * 4, min(MAX_PREPARED, int(seconds * per_s)))


def _ground_truth(model: Any, done_keys: list[str], scope: Any) -> dict[str, int]:
    """Rows per acknowledged key: lost (none), duplicates (more than one)."""
    keys = sorted(set(done_keys))
    with db.engine.connect() as conn:
        found: dict[str, int] = dict(
            conn.execute(
                sa.select(model.idempotency_key, sa.func.count())
                .where(model.idempotency_key.in_(keys), scope)
                .group_by(model.idempotency_key)
            ).all()
        )
    return {
        "acknowledged": len(keys),
        "stored": len(found),
        "lost": sum(1 for key in keys if key not in found),
        "dupes": sum(count - 1 for count in found.values()),
    }


# --- survey_submit ----------------------------------------------------------------------


@dataclass
class _SurveyLoad:
    result: Any
    truth: dict[str, int]
    submissions: list[Submission]
    question_ids: list[int]


def _survey_load(ctx: Context, name: str, *, short: bool) -> _SurveyLoad:
    """wrk submits to the load survey: three POSTs each (start, the page, submit), or
    with ``short`` two (start, the page that submits: the survey without the summary)."""
    with ctx.app.app_context():
        survey = db.session.get(Survey, ctx.manifest.load_survey_id)
        assert survey is not None
        count = _prepared(ctx.durations.load, SURVEY_PER_S, SURVEY_CLIENTS)
        action = "submit" if short else "next"
        lines, submissions = survey_submissions(
            Visitors(ctx.app), survey, count, seed=16, action=action
        )
        question_ids = [q.id for q in survey.questions]
    prefix = ctx.workdir / name
    write_split(prefix, lines, SURVEY_CLIENTS)
    base = f"/{LANG}/surveys/{ctx.manifest.load_survey_slug}"
    submit = "-" if short else base + "/submit"
    with ctx.sampler.window() as window:
        result = wrk.run(
            ctx.url(base + "/start"),
            workdir=ctx.workdir,
            seconds=ctx.durations.load,
            connections=SURVEY_CLIENTS,
            threads=SURVEY_CLIENTS,
            script="survey",
            args=[str(prefix), base + "/start", base + "/page/1", submit],
        )
    ctx.record(name, prepared=count, **result.summary())
    ctx.record_window(name, window)
    ctx.record_cpu_per_request(name, window, result.requests)
    with ctx.app.app_context():
        scope = sa.and_(
            Response.survey_id == ctx.manifest.load_survey_id,
            Response.state == ResponseState.SUBMITTED,
        )
        truth = _ground_truth(Response, result.done_keys, scope)
        truth["answers_mismatched"] = _answer_mismatches(submissions, result.done_keys)
    ctx.record(name, ground_truth=truth)
    return _SurveyLoad(result, truth, submissions, question_ids)


def survey_submit(ctx: Context) -> Metrics:
    load = _survey_load(ctx, "survey_submit", short=False)
    baseline = _raw_survey(ctx, load.submissions, load.question_ids)
    ctx.record("survey_submit", raw=baseline, restored=ctx.restore())
    rps = load.result.ok_per_s
    return {
        "survey_submit.rps": round(rps, 1),
        "survey_submit.p99_ms": load.result.latency_ms["p99"],
        "survey_submit.lost": load.truth["lost"],
        "survey_submit.dupes": load.truth["dupes"],
        "survey_submit.raw_rps": baseline["per_s"],
        "survey_submit.vs_raw": round(rps / baseline["per_s"], 3) if baseline["per_s"] else None,
    }


def survey_submit_short(ctx: Context) -> Metrics:
    """The same 20-question submissions to the survey without the summary (two POSTs);
    no target of its own: it shows what the shorter flow gives against survey_submit."""
    survey_id = ctx.manifest.load_survey_id
    set_review_before_submit(ctx.app, survey_id, on=False)
    try:
        load = _survey_load(ctx, "survey_submit_short", short=True)
    finally:
        set_review_before_submit(ctx.app, survey_id, on=True)
    ctx.record("survey_submit_short", restored=ctx.restore())
    return {
        "survey_submit_short.rps": round(load.result.ok_per_s, 1),
        "survey_submit_short.p99_ms": load.result.latency_ms["p99"],
        "survey_submit_short.lost": load.truth["lost"],
        "survey_submit_short.dupes": load.truth["dupes"],
    }


def _answer_mismatches(submissions: list[Submission], done_keys: list[str]) -> int:
    """Acknowledged submissions whose stored answers differ in number from those sent."""
    sent = {s.key: len(s.rows) for s in submissions if s.key in set(done_keys)}
    if not sent:
        return 0
    stored = dict(
        db.session.execute(
            sa.select(Response.idempotency_key, sa.func.count(Answer.id))
            .join(Answer, Answer.response_id == Response.id, isouter=True)
            .where(Response.idempotency_key.in_(list(sent)))
            .group_by(Response.idempotency_key)
        ).all()
    )
    return sum(1 for key, rows in sent.items() if stored.get(key, 0) != rows)


def _raw_survey(
    ctx: Context, submissions: list[Submission], question_ids: list[int]
) -> dict[str, float]:
    now = datetime.now(UTC)
    with ctx.app.app_context():
        responses = complete(
            Response.__table__,
            [
                {
                    "survey_id": ctx.manifest.load_survey_id,
                    "channel": ResponseChannel.ONLINE,
                    "state": ResponseState.IN_PROGRESS,
                    "resume_token_hash": secrets.token_hex(32),
                    "idempotency_key": f"raw-{s.key}",
                    "browser_key_hash": f"raw{s.browser_hash}"[:64],
                    "started_at": now,
                }
                for s in submissions
            ],
        )
        answers = [complete(Answer.__table__, [r.as_dict() for r in s.rows]) for s in submissions]
    items = [
        (response, [_without(row, "response_id") for row in rows], f"browser:raw{s.browser_hash}")
        for response, rows, s in zip(responses, answers, submissions, strict=True)
    ]
    shared = (question_ids, now.date())
    return raw.run("survey", ctx.dsn, items, shared, ctx.durations.raw)


def _without(row: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != name}


# --- comment_post -----------------------------------------------------------------------


def comment_post(ctx: Context) -> Metrics:
    manifest = ctx.manifest
    path = f"/{LANG}/p/{manifest.process_slug}/goals/{manifest.post_goal_code}"
    count = _prepared(ctx.durations.load, COMMENT_PER_S, COMMENT_CLIENTS)
    lines, posts = comment_posts(Visitors(ctx.app), path, count, random.Random(17))
    prefix = ctx.workdir / "comments"
    write_split(prefix, lines, COMMENT_CLIENTS)
    with ctx.sampler.window() as window:
        result = wrk.run(
            ctx.url(path),
            workdir=ctx.workdir,
            seconds=ctx.durations.load,
            connections=COMMENT_CLIENTS,
            threads=COMMENT_CLIENTS,
            script="replay",
            args=[str(prefix), "#comment-"],
        )
    backlog = ctx.stack.queue_length()
    ctx.record("comment_post", prepared=count, **result.summary(), queue_backlog=backlog)
    ctx.record_window("comment_post", window)
    ctx.record_cpu_per_request("comment_post", window, result.requests)
    with ctx.app.app_context():
        truth = _ground_truth(Comment, result.done_keys, sa.true())
        dropped = ctx.stack.drain_worker(ctx.app.extensions["celery"])
    ctx.record("comment_post", ground_truth=truth, tasks_dropped_after=dropped)
    baseline = _raw_comments(ctx, posts)
    ctx.record("comment_post", raw=baseline, restored=ctx.restore())
    rps = result.ok_per_s
    return {
        "comment_post.rps": round(rps, 1),
        "comment_post.p95_ms": result.latency_ms["p95"],
        "comment_post.lost": truth["lost"],
        "comment_post.dupes": truth["dupes"],
        "comment_post.raw_rps": baseline["per_s"],
        "comment_post.vs_raw": round(rps / baseline["per_s"], 3) if baseline["per_s"] else None,
    }


def _raw_comments(ctx: Context, posts: list[CommentPost]) -> dict[str, float]:
    now = datetime.now(UTC)
    with ctx.app.app_context():
        goal_id = db.session.scalar(
            sa.text("SELECT id FROM goal WHERE process_id = :p AND code = :c"),
            {"p": ctx.manifest.process_id, "c": ctx.manifest.post_goal_code},
        )
        people = complete(
            Participant.__table__,
            [
                {
                    "kind": ParticipantKind.ANONYMOUS,
                    "pseudonym": post.pseudonym,
                    "token_hash": secrets.token_hex(32),
                    "created_at": now,
                }
                for post in posts
            ],
        )
        comments = complete(
            Comment.__table__,
            [
                {
                    "goal_id": goal_id,
                    "author_name": post.pseudonym,
                    "kind": post.kind,
                    "stakeholder_group": post.group,
                    "channel": Channel.ONLINE,
                    "body": post.body,
                    "status": CommentStatus.PUBLISHED,
                    "idempotency_key": f"raw-{post.key}",
                    "created_at": now,
                }
                for post in posts
            ],
        )
    items = [(p, _without(c, "participant_id")) for p, c in zip(people, comments, strict=True)]
    return raw.run("comment", ctx.dsn, items, ctx.manifest.process_id, ctx.durations.raw)
