"""The task outbox: kept while the broker is down, run once however often delivered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, request_started

from app import create_app
from app.config import _celery_settings
from app.db import utcnow
from app.extensions import db
from app.mail import queue_mail, send_mail_task
from app.ops import outbox
from app.ops.models import OutboxTask
from tests.conftest import _fresh_request_globals
from tests.reliability.conftest import free_port


def _rows() -> list[OutboxTask]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxTask).order_by(OutboxTask.created_at)))


def _mail_row(to: str = "a@example.org") -> str:
    outbox_id = outbox.add(send_mail_task.name, (to, "Betreff", "Text\n"))
    db.session.commit()
    return outbox_id


# --- claims (no broker needed) ----------------------------------------------------------


def test_a_claimed_task_is_not_taken_by_another_run(app: Flask) -> None:
    outbox_id = _mail_row()
    assert outbox.claim(outbox_id, "run-1")
    assert not outbox.claim(outbox_id, "run-2")  # a copy of the message
    assert outbox.claim(outbox_id, "run-1")  # the same run again: a retry, or a redelivery
    outbox.finish(outbox_id)
    assert not outbox.claim(outbox_id, "run-1")  # done


def test_a_claim_whose_lease_ran_out_is_taken_over(app: Flask) -> None:
    outbox_id = _mail_row()
    assert outbox.claim(outbox_id, "dead-worker")
    db.session.execute(sa.update(OutboxTask).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert outbox.claim(outbox_id, "run-2")
    assert _rows()[0].attempts == 2


def test_a_mail_delivered_twice_is_sent_once(app: Flask) -> None:
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    outbox_id = _mail_row("b@example.org")
    for _ in range(2):
        send_mail_task.apply(
            ("b@example.org", "Betreff", "Text\n"), headers={"outbox_id": outbox_id}
        )
    assert [mail.to for mail in mailman.outbox] == [["b@example.org"]]
    assert _rows() == []


def test_without_a_broker_nothing_goes_through_the_outbox(app: Flask) -> None:
    """Embedded mode runs tasks in the request; the outbox would only add writes."""
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    with app.test_request_context("/"):
        queue_mail("c@example.org", "reset_password", "de", user=None, link="http://x/")
        db.session.commit()
    assert len(mailman.outbox) == 1 and _rows() == []


# --- with a broker that does not answer -------------------------------------------------


@pytest.fixture
def dead_broker_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    application = create_app(app_config | {"REDIS_URL": dead, "CELERY": _celery_settings(dead)})
    request_started.connect(_fresh_request_globals, application)
    application.extensions["celery"].set_current()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def test_a_task_asked_for_while_the_broker_is_down_waits_unpublished(
    dead_broker_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with dead_broker_app.test_request_context("/"):
        queue_mail("d@example.org", "reset_password", "de", user=None, link="http://x/secret")
        db.session.commit()
    [row] = _rows()
    assert row.task == "app.mail.send_mail_task" and row.published_at is None
    assert row.args[0] == "d@example.org"
    assert "d@example.org" not in caplog.text and "secret" not in caplog.text
    assert "send_mail_task left to the outbox sweep" in caplog.text
    db.session.execute(sa.update(OutboxTask).values(created_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert outbox.sweep() == 0  # still down: nothing published, nothing lost
    assert _rows()[0].published_at is None


def test_a_rolled_back_transaction_leaves_no_task(dead_broker_app: Flask) -> None:
    with dead_broker_app.test_request_context("/"):
        queue_mail("e@example.org", "reset_password", "de", user=None, link="http://x/")
        db.session.rollback()
    assert _rows() == []
