"""Fresh planner statistics before a survey rebuild (PostgreSQL only).

The rebuild's counting queries join ``survey_answer`` to a profile of the survey's
``survey_response`` rows. PostgreSQL plans them from the statistics of the last
``ANALYZE``. After a bulk load (an import of paper responses, the bench generator, a
load test) autovacuum may not have analysed the tables yet: the planner still believes
the survey has a handful of responses, picks nested loops over a million answer rows,
and a rebuild of two seconds takes minutes. So before counting, :func:`refresh` runs
``ANALYZE`` on the two tables when many rows arrived since they were last analysed:

- a table changed by at least ``SHARE`` of its rows and at least ``MIN_ROWS`` rows
  (``pg_stat_user_tables.n_mod_since_analyze``), or
- this survey has at least ``SHARE`` more submitted responses than its last snapshot
  counted, and at least ``MIN_RESPONSES`` more, which ``survey_response`` has not been
  analysed since (a new survey in a large table shifts no table-wide share).

It is cheap and bounded: one read of the statistics view and one count of the survey's
responses per rebuild; ``ANALYZE`` reads a fixed sample (300 x the statistics target
rows) whatever the table's size, and waits at most ``LOCK_TIMEOUT`` for a concurrent
(auto)vacuum, else it is skipped. A steady stream (50 submissions/s against a survey
of 50,000) stays below both thresholds, so it analyses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.results.models import Aggregate
from app.results.triggers import SURVEY_SCOPE
from app.surveys.lookups import submitted_count

logger = logging.getLogger(__name__)

TABLES = ("survey_response", "survey_answer")
SHARE = 0.2
MIN_ROWS = 5_000  # answer rows: about 250 responses of a 20-question survey
MIN_RESPONSES = 250
LOCK_TIMEOUT = "2s"


@dataclass(frozen=True)
class TableChanges:
    name: str
    modified: int  # rows inserted, updated or deleted since the last ANALYZE
    live: int


def stale(changes: TableChanges) -> bool:
    return changes.modified >= max(MIN_ROWS, SHARE * changes.live)


def survey_grew(counted: int, submitted: int, unanalysed: int) -> bool:
    """Whether the survey's new responses (not yet counted, nor analysed) are many."""
    grown = submitted - counted
    return grown >= max(MIN_RESPONSES, SHARE * counted) and unanalysed >= grown


def refresh(scope: str, scope_id: int) -> list[str]:
    """ANALYZE the tables a survey rebuild reads, if due (see the module); commits.
    Returns the tables analysed."""
    if scope != SURVEY_SCOPE or db.session.get_bind().dialect.name != "postgresql":
        return []
    try:
        due = _due(scope_id)
        if due:
            db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            for name in due:  # names from TABLES, never from input
                db.session.execute(sa.text(f"ANALYZE {name}"))
        db.session.commit()  # the counting transaction starts afresh (REPEATABLE READ)
    except sa.exc.SQLAlchemyError:
        db.session.rollback()  # never fails the rebuild: it only plans worse
        logger.warning("ANALYZE before rebuilding survey %s skipped", scope_id, exc_info=True)
        return []
    if not due:
        return []
    logger.info("analysed %s before rebuilding survey %s", ", ".join(due), scope_id)
    return due


def _changes() -> dict[str, TableChanges]:
    rows = db.session.execute(
        sa.text(
            "SELECT relname, n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables"
            " WHERE schemaname = current_schema() AND relname IN :names"
        ).bindparams(sa.bindparam("names", expanding=True)),
        {"names": list(TABLES)},
    ).all()
    return {name: TableChanges(name, int(mods), int(live)) for name, mods, live in rows}


def _counted(survey_id: int) -> int:
    """Respondents of the survey's stored snapshot (0 before the first)."""
    counted = db.session.scalar(
        sa.select(Aggregate.data["respondents"]["n"].as_integer()).where(
            Aggregate.scope == SURVEY_SCOPE, Aggregate.scope_id == survey_id
        )
    )
    return int(counted or 0)


def _due(survey_id: int) -> list[str]:
    changes = _changes()
    due = [name for name in TABLES if name in changes and stale(changes[name])]
    responses = changes.get("survey_response")
    if len(due) == len(TABLES) or responses is None:
        return due
    if survey_grew(_counted(survey_id), submitted_count(survey_id), responses.modified):
        return list(TABLES)
    return due
