"""Ground truth of a submission load: what the server acknowledged against what the
database holds, and the survey's stored results against counts taken in SQL.

Pure functions over plain data (tested in tests/bench/test_ground_truth.py), and the two
queries that read the database: :func:`stored_keys` and :func:`sql_counts`.

- *lost*: a key the server acknowledged (redirect to the thanks page) without a
  submitted response;
- *dupes*: a second response for one key, and a key acknowledged twice (wrk never
  sends a key twice, so either means something answered or stored twice);
- a *count mismatch*: a (question, matrix row, option, rank, number) whose count in
  the stored snapshot differs from ``count(*)`` over the submitted answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from app.surveys.models import Answer, Response, ResponseState

# (question, matrix row, option, rank, number value); unused parts are None.
CountKey = tuple[int, int | None, int | None, int | None, float | None]
RESPONDENTS: CountKey = (0, None, None, None, None)  # all submitted responses
PRESENCE_KINDS = frozenset({"short_text", "long_text", "date"})


@dataclass(frozen=True)
class SubmissionTruth:
    prepared: int
    acknowledged: int  # distinct keys
    acknowledged_twice: int
    stored: int  # acknowledged keys with a submitted response
    lost: int
    dupes: int
    stored_unacknowledged: int  # prepared keys stored without an acknowledgement
    stored_unknown: int  # submitted responses whose key was never prepared

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def check_submissions(
    prepared: Sequence[str], acknowledged: Iterable[str], stored: Mapping[str, int]
) -> SubmissionTruth:
    """``stored``: submitted responses per idempotency key (only keys with one or more)."""
    seen = Counter(acknowledged)
    prepared_keys = set(prepared)
    twice = sum(1 for n in seen.values() if n > 1)
    return SubmissionTruth(
        prepared=len(prepared_keys),
        acknowledged=len(seen),
        acknowledged_twice=twice,
        stored=sum(1 for key in seen if stored.get(key, 0) > 0),
        lost=sum(1 for key in seen if stored.get(key, 0) == 0),
        dupes=sum(n - 1 for n in stored.values() if n > 1) + twice,
        stored_unacknowledged=sum(
            1 for key, n in stored.items() if n and key in prepared_keys and key not in seen
        ),
        stored_unknown=sum(1 for key, n in stored.items() if n and key not in prepared_keys),
    )


def stored_keys(conn: sa.Connection, survey_id: int) -> dict[str, int]:
    """Submitted responses of the survey per idempotency key."""
    rows = conn.execute(
        sa.select(Response.idempotency_key, sa.func.count())
        .where(Response.survey_id == survey_id, Response.state == ResponseState.SUBMITTED)
        .group_by(Response.idempotency_key)
    )
    return {str(key): int(n) for key, n in rows}


# --- the snapshot against SQL ----------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def snapshot_counts(main: Mapping[str, Any]) -> dict[CountKey, int]:
    """The non-zero counts of a survey's main snapshot (``docs/results.md``)."""
    out: dict[CountKey, int] = {RESPONDENTS: int(main["respondents"]["n"])}
    for question in main["questions"]:
        qid, kind = int(question["id"]), question["kind"]
        if kind in PRESENCE_KINDS:
            out[(qid, None, None, None, None)] = int(question["n"])
        elif kind == "ranking":
            for item in question["ranking"]["items"]:
                for rank, n in enumerate(item["by_rank"], start=1):
                    out[(qid, None, int(item["id"]), rank, None)] = int(n)
        elif kind == "number":
            for value, n, _weight in question["items"][0]["histogram"]:
                out[(qid, None, None, None, _number(value))] = int(n)
        else:
            for item in question["items"]:
                row = item["row_id"]
                for option in item["options"]:
                    out[(qid, row, int(option["id"]), None, None)] = int(option["count"])
    return {key: n for key, n in out.items() if n}


def _key(kind: str | None, qid: int, row: Any, option: Any, rank: Any, value: Any) -> CountKey:
    """An answer row's key as the snapshot counts it (by the question's kind)."""
    if kind in PRESENCE_KINDS:
        return (qid, None, None, None, None)
    if kind == "ranking":
        return (qid, None, option, rank, None)
    if kind == "number":
        return (qid, None, None, None, _number(value))
    if kind is None:  # a question the snapshot does not know: kept whole, so it differs
        return (qid, row, option, rank, _number(value))
    return (qid, row, option, None, None)


def counts_by_kind(
    rows: Iterable[Sequence[Any]], kinds: Mapping[int, str], respondents: int
) -> dict[CountKey, int]:
    """Grouped answer rows ``(question, row, option, rank, number, count)`` keyed as in
    :func:`snapshot_counts`."""
    out: Counter[CountKey] = Counter({RESPONDENTS: respondents})
    for qid, row, option, rank, value, n in rows:
        out[_key(kinds.get(int(qid)), int(qid), row, option, rank, value)] += int(n)
    return {key: n for key, n in out.items() if n}


def sql_counts(
    conn: sa.Connection, survey_id: int, kinds: Mapping[int, str]
) -> dict[CountKey, int]:
    """``count(*)`` over the survey's submitted answers, keyed as the snapshot counts."""
    a, r = Answer.__table__, Response.__table__
    submitted = sa.and_(r.c.survey_id == survey_id, r.c.state == ResponseState.SUBMITTED)
    keys = [a.c.question_id, a.c.row_id, a.c.option_id, a.c.rank, a.c.value_number]
    rows = conn.execute(
        sa.select(*keys, sa.func.count())
        .select_from(a.join(r, r.c.id == a.c.response_id))
        .where(submitted)
        .group_by(*keys)
    ).all()
    respondents = conn.scalar(sa.select(sa.func.count()).select_from(r).where(submitted))
    return counts_by_kind(rows, kinds, int(respondents or 0))


@dataclass(frozen=True)
class Mismatch:
    key: CountKey
    snapshot: int
    sql: int


def compare_counts(snapshot: Mapping[CountKey, int], sql: Mapping[CountKey, int]) -> list[Mismatch]:
    """Every key whose count differs (a key missing on one side counts 0 there)."""
    keys = sorted(set(snapshot) | set(sql), key=repr)
    return [
        Mismatch(key, snapshot.get(key, 0), sql.get(key, 0))
        for key in keys
        if snapshot.get(key, 0) != sql.get(key, 0)
    ]


def kinds_of(main: Mapping[str, Any]) -> dict[int, str]:
    return {int(q["id"]): str(q["kind"]) for q in main["questions"]}
