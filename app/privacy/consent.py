"""The consent text in force, and publishing a new version of it.

Forms show :func:`consent_text`; the services that store a comment, a rating or a
survey response record the version in force at the moment of writing: as the
subquery :func:`version_in_force` inside their INSERT or UPDATE (comments, survey
responses: no round trip of its own), or read first with
:func:`version_for_contribution`. Until an admin publishes one, the texts in
``default_texts/consent.<lang>.txt`` are in force; the first contribution stores them
as version 1, so every contribution points at a wording that can be shown later.
Functions flush, never commit.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db
from app.privacy.models import ConsentVersion

logger = logging.getLogger(__name__)
TEXTS = Path(__file__).resolve().parent / "default_texts"


@cache
def default_text() -> dict[str, str]:
    return {
        path.name.split(".")[1]: path.read_text(encoding="utf-8").strip()
        for path in sorted(TEXTS.glob("consent.*.txt"))
    }


def current_version() -> ConsentVersion | None:
    return db.session.scalar(
        sa.select(ConsentVersion).order_by(ConsentVersion.number.desc()).limit(1)
    )


def consent_text() -> dict[str, str]:
    """The wording in force, as a translated mapping (shown on every contribution form;
    read once per request, as a goal page shows it under two forms)."""
    if has_request_context() and "consent_text" in g:
        return dict(g.consent_text)
    version = current_version()
    text = dict(version.text) if version is not None else dict(default_text())
    if has_request_context():
        g.consent_text = text
    return dict(text)


def versions() -> list[ConsentVersion]:
    return list(
        db.session.scalars(sa.select(ConsentVersion).order_by(ConsentVersion.number.desc()))
    )


def version_in_force() -> sa.ScalarSelect[int]:
    """The id of the version in force as a scalar subquery, for the INSERT or UPDATE
    that stores a contribution: no round trip of its own. NULL until a first version
    is stored; the caller then asks :func:`version_for_contribution` (once per
    installation)."""
    return (
        sa.select(ConsentVersion.id)
        .order_by(ConsentVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )


def version_for_contribution() -> int:
    """The id of the version in force; stores the default wording as version 1 first."""
    found = db.session.scalar(
        sa.select(ConsentVersion.id).order_by(ConsentVersion.number.desc()).limit(1)
    )
    if found is not None:
        return found
    try:
        with db.session.begin_nested():  # two first contributions at once: one version 1
            version = ConsentVersion(number=1, text=dict(default_text()))
            db.session.add(version)
    except IntegrityError:
        again = current_version()
        assert again is not None
        return again.id
    return version.id


def publish(text: dict[str, str | None], *, actor: object) -> ConsentVersion:
    """A new version in force from now on; earlier contributions keep theirs."""
    texts = {lang: (value or "").strip() for lang, value in text.items()}
    previous = current_version()
    version = ConsentVersion(
        number=(previous.number if previous else 0) + 1,
        text={lang: value for lang, value in texts.items() if value},
        published_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    record(
        "consent.publish",
        version,
        actor=actor,
        before={"number": previous.number, "text": previous.text} if previous else {},
        after={"number": version.number, "text": version.text},
    )
    logger.info("consent version %s published", version.number)
    return version
