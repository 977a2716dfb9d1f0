"""Reading and editing the site pages; accessibility feedback with its due date.

Functions flush, never commit. Staff changes are audited (``page.update``,
``feedback.resolve``) by the given ``editor``/``actor``.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.accounts.models import User
from app.audit.services import record
from app.db import utcnow
from app.extensions import db
from app.pages.defaults import default_body
from app.pages.models import AccessibilityFeedback, PageKey, SitePage

logger = logging.getLogger(__name__)
ANSWER_WITHIN = relativedelta(months=1)


def page(key: PageKey) -> SitePage:
    """The stored page, or an unsaved one holding the default text."""
    stored = db.session.scalar(sa.select(SitePage).where(SitePage.key == key))
    return stored or SitePage(key=key, body=dict(default_body(key)), video_url=None)


def save_page(
    key: PageKey, body: dict[str, str | None], video_url: str | None, editor: User
) -> SitePage:
    stored = db.session.scalar(sa.select(SitePage).where(SitePage.key == key))
    before = {"body": stored.body, "video_url": stored.video_url} if stored else {}
    if stored is None:
        stored = SitePage(key=key)
        db.session.add(stored)
    texts = {lang: (text or "").strip() for lang, text in body.items()}
    stored.body = {lang: text for lang, text in texts.items() if text}
    stored.video_url = video_url or None
    stored.updated_by_id = editor.id
    db.session.flush()
    after = {"body": stored.body, "video_url": stored.video_url}
    record("page.update", stored, actor=editor, before=before, after=after)
    logger.info("site page %s edited by user %s", key.value, editor.id)
    return stored


def submit_feedback(
    message: str, page_url: str, contact: str | None, locale: str
) -> AccessibilityFeedback:
    today = date.today()
    feedback = AccessibilityFeedback(
        message=message.strip(),
        page_url=page_url.strip()[:500],
        contact=(contact or "").strip() or None,
        locale=locale,
        due_on=today + ANSWER_WITHIN,
    )
    db.session.add(feedback)
    db.session.flush()
    logger.info("accessibility feedback %s received, due %s", feedback.id, feedback.due_on)
    return feedback


def open_feedback() -> list[AccessibilityFeedback]:
    return list(
        db.session.scalars(
            sa.select(AccessibilityFeedback)
            .order_by(AccessibilityFeedback.resolved_at.is_not(None), AccessibilityFeedback.due_on)
            .limit(200)
        )
    )


def resolve_feedback(feedback: AccessibilityFeedback, note: str, *, actor: User | None) -> None:
    before = {"resolved_at": feedback.resolved_at, "resolution_note": feedback.resolution_note}
    feedback.resolved_at = utcnow()
    feedback.resolution_note = note.strip()
    db.session.flush()
    after = {"resolved_at": feedback.resolved_at, "resolution_note": feedback.resolution_note}
    record("feedback.resolve", feedback, actor=actor, before=before, after=after)
