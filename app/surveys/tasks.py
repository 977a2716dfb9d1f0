"""Beat task: surveys open and close on time."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from celery import shared_task

from app.db import utcnow
from app.extensions import db
from app.surveys.models import Section, Survey, SurveyState


def sync_states(now: datetime | None = None) -> tuple[int, int]:
    """Open scheduled drafts whose time has come, close open surveys past their end.

    A draft opens only if it has an ``opens_at`` and at least one section (staff
    schedule a survey by setting ``opens_at``). Returns (opened, closed). Flushes.
    """
    now = now or utcnow()
    closed = db.session.execute(
        sa.update(Survey)
        .where(
            Survey.state == SurveyState.OPEN,
            Survey.closes_at.is_not(None),
            Survey.closes_at <= now,
        )
        .values(state=SurveyState.CLOSED, closed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    opened = db.session.execute(
        sa.update(Survey)
        .where(
            Survey.state == SurveyState.DRAFT,
            Survey.opens_at.is_not(None),
            Survey.opens_at <= now,
            sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now),
            sa.exists().where(Section.survey_id == Survey.id),
        )
        .values(state=SurveyState.OPEN, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return int(opened), int(closed)


@shared_task(ignore_result=True)
def open_and_close_surveys() -> tuple[int, int]:
    """Beat: every minute. Idempotent; a missed run is caught up by the next."""
    counts = sync_states()
    db.session.commit()
    return counts
