"""Redis stopped in the middle of a stream of submissions (real Redis, worker, SMTP).

Twelve citizens each register (a mail), comment as a guest (a mail), rate a goal and
answer a survey. Redis is stopped after the fourth and started again after the eighth.
Every submission must succeed, nothing may be lost, the aggregates must catch up when
the beat sweep runs, and every mail must arrive exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.comments.models import Comment
from app.db import utcnow
from app.extensions import db
from app.ops.models import OutboxTask
from app.ops.outbox import sweep_outbox
from app.processes.models import ParticipationMode
from app.ratings.models import Rating
from app.results.models import Aggregate
from app.results.services import PROCESS_SCOPE, compute_process_counts
from app.results.tasks import refresh_stale_aggregates
from app.surveys.models import Response, ResponseState
from tests.conftest import DB_KIND, submit
from tests.factories import make_goal, make_process
from tests.reliability.services import RedisServer, SmtpSink, Worker, wait_until
from tests.surveys.conftest import answer_all, final_submit, kitchen_sink
from tests.worker import worker_app_config

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="runs in the PostgreSQL pass"),
    pytest.mark.usefixtures("memory_limiter_afterwards"),
]

CITIZENS = 12
STOP_AFTER, START_AFTER = 4, 8
GUEST_GOAL = "/de/p/gast/goals/1.1"
RATED_GOAL = "/de/p/anonym/goals/1.1"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture
def app_config(database_url: str, own_redis: RedisServer) -> dict[str, Any]:
    return worker_app_config(database_url, own_redis.url) | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": own_redis.url,
    }


@pytest.fixture
def worker(
    app: Flask, database_url: str, own_redis: RedisServer, smtp: SmtpSink, tmp_path: Path
) -> Iterator[Worker]:
    process = Worker(database_url, own_redis.url, tmp_path / "worker.log", env=smtp.worker_env())
    process.start()
    yield process
    process.stop()


def _citizen(app: Flask, number: int) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"  # each their own limits
    return client


def _contribute(app: Flask, number: int, survey: Any) -> list[int]:
    client = _citizen(app, number)
    registration = {
        "email": f"buerger{number}@example.org",
        "display_name": f"Bürger {number}",
        "password": "a long password 123",
        "password_confirm": "a long password 123",
    }
    comment = {
        "body": f"Vorschlag {number}",
        "kind": "suggestion",
        "stakeholder_group": "citizen",
        "pseudonym": f"Gast {number}",
        "email": f"gast{number}@example.org",
    }
    rating = {"q_direction": "4", "q_importance": str(1 + number % 5), "q_ambition": "2"}
    codes = [
        submit(client, "/de/account/register", registration).status_code,
        submit(client, GUEST_GOAL, comment).status_code,
        submit(
            _citizen(app, number),  # another browser: not the guest of the comment
            f"{RATED_GOAL}/rate",
            rating | {"rating_pseudonym": f"R{number}"},
            form_url=RATED_GOAL,
        ).status_code,
    ]
    answer_all(client, survey)
    codes.append(final_submit(client, survey).status_code)
    return codes


def _count(model: type, *where: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def _aggregates_caught_up(process_ids: list[int]) -> bool:
    db.session.rollback()  # see the worker's commits
    for process_id in process_ids:
        aggregate = db.session.scalar(
            sa.select(Aggregate).where(
                Aggregate.scope == PROCESS_SCOPE, Aggregate.scope_id == process_id
            )
        )
        if aggregate is None or aggregate.dirty_since is not None:
            return False
        counts = {k: v for k, v in aggregate.data.items() if k not in ("version", "as_of")}
        if counts != compute_process_counts(process_id):
            return False
    return True


def test_a_redis_outage_loses_no_submission_and_no_mail(
    app: Flask, own_redis: RedisServer, smtp: SmtpSink, worker: Worker
) -> None:
    guest = make_process("gast", participation_mode=ParticipationMode.GUEST)
    anonymous = make_process("anonym", participation_mode=ParticipationMode.ANONYMOUS)
    make_goal(guest, "1.1")
    make_goal(anonymous, "1.1")
    survey = kitchen_sink()
    process_ids = [guest.id, anonymous.id]

    codes: list[int] = []
    for number in range(CITIZENS):
        if number == STOP_AFTER:
            own_redis.stop()
        if number == START_AFTER:
            own_redis.start()
        codes += _contribute(app, number, survey)

    assert codes == [302] * 4 * CITIZENS  # every submission succeeded, also during the outage
    assert _count(User) == CITIZENS
    assert _count(Comment) == CITIZENS
    assert _count(Rating) == 3 * CITIZENS
    assert _count(Response, Response.state == ResponseState.SUBMITTED) == CITIZENS
    waiting = _count(OutboxTask, OutboxTask.published_at.is_(None))
    assert waiting == 2 * (START_AFTER - STOP_AFTER)  # the mails asked for during the outage

    # The beat sweeps, a minute later: mails left in the outbox, counts left dirty.
    a_minute_ago = utcnow() - timedelta(minutes=1)
    db.session.execute(sa.update(OutboxTask).values(created_at=a_minute_ago))
    # Rebuilds the worker held for later (countdown) died with its broker connection.
    db.session.execute(
        sa.update(Aggregate)
        .where(Aggregate.dirty_since.is_not(None))
        .values(dirty_since=a_minute_ago)
    )
    db.session.commit()
    sweep_outbox.delay()
    refresh_stale_aggregates.delay()

    expected = {f"buerger{n}@example.org" for n in range(CITIZENS)}
    expected |= {f"gast{n}@example.org" for n in range(CITIZENS)}
    wait_until(lambda: len(smtp.received()) >= len(expected), 90, "every mail to arrive")
    wait_until(lambda: _count(OutboxTask) == 0, 30, "the outbox to empty")
    wait_until(lambda: _aggregates_caught_up(process_ids), 60, "the aggregates to catch up")

    # Another sweep finds nothing: an empty outbox cannot send a mail twice.
    sweep_outbox.delay()
    wait_until(lambda: own_redis.client().llen("celery") == 0, 30, "the queue to drain")
    received = Counter(recipient for mail in smtp.received() for recipient in mail.recipients)
    assert set(received) == expected
    assert set(received.values()) == {1}
