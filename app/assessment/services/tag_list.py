"""The process's topic tags: create, rename, delete, each audited (``tag.*``).

Names are unique per process regardless of case. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.accounts.models import User
from app.assessment.models import ProcessTag, assessment_tag
from app.audit.services import record
from app.extensions import db
from app.processes.models import Process


class TagError(ValueError):
    """A tag name that is empty or already used in the process."""


def tags_of(process: Process) -> list[ProcessTag]:
    return list(
        db.session.scalars(
            sa.select(ProcessTag)
            .where(ProcessTag.process_id == process.id)
            .order_by(sa.func.lower(ProcessTag.name))
        )
    )


def tags_by_id(process: Process, ids: Iterable[int]) -> list[ProcessTag]:
    wanted = set(ids)
    return [tag for tag in tags_of(process) if tag.id in wanted]


def _check_name(process: Process, name: str, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise TagError("empty")
    lowered = name.lower()
    for tag in tags_of(process):
        if tag.name.lower() == lowered and tag.id != except_id:
            raise TagError("taken")
    return name


def create_tag(process: Process, name: str, *, actor: User | None) -> ProcessTag:
    tag = ProcessTag(process_id=process.id, name=_check_name(process, name))
    db.session.add(tag)
    db.session.flush()
    record("tag.create", tag, actor=actor, process_id=process.id, after={"name": tag.name})
    return tag


def rename_tag(tag: ProcessTag, process: Process, name: str, *, actor: User | None) -> None:
    before = {"name": tag.name}
    tag.name = _check_name(process, name, except_id=tag.id)
    db.session.flush()
    after = {"name": tag.name}
    record("tag.rename", tag, actor=actor, process_id=process.id, before=before, after=after)


def delete_tag(tag: ProcessTag, *, actor: User | None) -> None:
    before = {"name": tag.name}
    record("tag.delete", tag, actor=actor, process_id=tag.process_id, before=before)
    db.session.execute(sa.delete(assessment_tag).where(assessment_tag.c.tag_id == tag.id))
    db.session.expire_all()
    db.session.delete(tag)
    db.session.flush()


def tag_or_none(process: Process, tag_id: int) -> ProcessTag | None:
    tag = db.session.get(ProcessTag, tag_id)
    return tag if tag is not None and tag.process_id == process.id else None
