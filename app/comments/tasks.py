"""Background work for comments: telling an author that someone replied."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import current_revisions
from app.i18n import localize
from app.mail import external_url, queue_mail
from app.participation.models import Participant, ParticipantKind
from app.participation.services import mail_language
from app.processes.models import Process

logger = logging.getLogger(__name__)
EXCERPT_LENGTH = 300


def _address(recipient: Participant) -> str | None:
    """Only addresses proven by a link get mail: confirmed guests, verified accounts."""
    if recipient.kind == ParticipantKind.GUEST:
        return recipient.email if recipient.confirmed_at is not None else None
    user = recipient.user
    if recipient.kind == ParticipantKind.ACCOUNT and user is not None and user.is_verified:
        return str(user.email)
    return None


def _recipient(reply: Comment) -> Participant | None:
    """The parent's author, if they asked for mail and did not write the reply."""
    parent = db.session.get(Comment, reply.parent_id) if reply.parent_id else None
    if parent is None or parent.participant_id is None or parent.status == CommentStatus.REMOVED:
        return None
    if parent.participant_id == reply.participant_id:
        return None
    recipient = db.session.get(Participant, parent.participant_id)
    if recipient is None or not recipient.notify_replies or recipient.blocked_at is not None:
        return None
    return recipient


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH].rstrip() + " …"


def _send(reply: Comment, recipient: Participant, address: str) -> None:
    goal = db.session.get(Goal, reply.goal_id)
    process = db.session.get(Process, goal.process_id) if goal is not None else None
    if goal is None or process is None:
        return
    lang = mail_language(recipient)
    revision = current_revisions([goal.id]).get(goal.id)
    title = localize(revision.title if revision else {}, lang, process.default_locale).text
    # A worker has no request; links are built on BASE_URL by external_url.
    with current_app.test_request_context("/"):
        link = external_url(
            "goals.detail",
            lang_code=lang,
            slug=process.slug,
            code=goal.code,
            _anchor=f"comment-{reply.id}",
        )
        queue_mail(
            address,
            "comment_reply",
            lang,
            name=recipient.pseudonym,
            author=reply.display_author,
            goal_code=goal.code,
            goal_title=title,
            excerpt=_excerpt(reply.body),
            link=link,
        )


@shared_task(acks_late=True, ignore_result=True)
def notify_reply(reply_id: int) -> None:
    """Mail the parent comment's author about a published reply (if they opted in)."""
    reply = db.session.get(Comment, reply_id)
    if reply is None or reply.parent_id is None or reply.status != CommentStatus.PUBLISHED:
        return
    recipient = _recipient(reply)
    address = _address(recipient) if recipient is not None else None
    if recipient is None or not address:
        return
    _send(reply, recipient, address)
    db.session.commit()  # hands the mail to send_mail_task
    logger.info("reply %s notified to participant %s", reply_id, recipient.id)
