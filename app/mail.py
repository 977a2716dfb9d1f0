"""Outgoing mail: rendered in the recipient's language, sent by a task after commit.

Without MAIL_SERVER, Flask-Mailman's file backend writes each mail to
`instance/mail/`, and the log says so.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

from app.queue import enqueue_on_commit

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_mail_task(to: str, subject: str, body: str) -> None:
    message = EmailMessage(subject=subject, body=body, to=[to])
    message.send()
    backend = current_app.config.get("MAIL_BACKEND")
    if backend == "file":
        logger.info("mail %r written to %s", subject, current_app.config["MAIL_FILE_PATH"])
    else:
        logger.info("mail %r sent", subject)


def queue_mail(to: str, template: str, locale: str | None, **context: Any) -> None:
    """Render ``mail/<template>.txt`` in ``locale`` and send it once the commit is done.

    The template's first line is the subject; the rest after a blank line is the body.
    """
    lang = locale if locale in current_app.config["LANGUAGES"] else None
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"mail/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    enqueue_on_commit(send_mail_task, to, subject.strip(), body.strip() + "\n")


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for mails, built on BASE_URL (correct behind a proxy)."""
    from flask import url_for

    return str(current_app.config["BASE_URL"]) + url_for(endpoint, **values)
