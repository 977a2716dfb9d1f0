"""What a bench database holds, stored in it: scale, generator version, ids, high-water marks.

The harness reads it to find the goal, survey and process, and to put the database
back as generated before a run (rows the scenarios wrote are above the marks).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

TABLE = "bench_manifest"


@dataclass(frozen=True)
class Manifest:
    scale: str
    version: int
    revision: str  # Alembic head the data was generated under
    generated_at: str
    seconds: float
    process_id: int
    process_slug: str
    busy_goal_id: int
    busy_goal_code: str
    post_goal_code: str
    survey_id: int
    survey_slug: str
    load_survey_id: int
    load_survey_slug: str
    counts: dict[str, int]
    high_water: dict[str, int]  # table → highest id after generation

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def write(conn: sa.Connection, manifest: Manifest) -> None:
    conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {TABLE} (id int PRIMARY KEY, data text)"))
    conn.execute(sa.text(f"DELETE FROM {TABLE}"))
    conn.execute(
        sa.text(f"INSERT INTO {TABLE} (id, data) VALUES (1, :data)"), {"data": manifest.to_json()}
    )


def read(conn: sa.Connection) -> Manifest | None:
    exists = conn.scalar(sa.text("SELECT to_regclass(:t)"), {"t": TABLE})
    if exists is None:
        return None
    raw = conn.scalar(sa.text(f"SELECT data FROM {TABLE} WHERE id = 1"))
    if raw is None:
        return None
    data: dict[str, Any] = json.loads(raw)
    try:
        return Manifest(**data)
    except TypeError:  # written by another generator version
        return None


HIGH_WATER_TABLES = ("comment", "participant", "survey_response", "export_job")


def high_water(conn: sa.Connection) -> dict[str, int]:
    return {
        table: int(conn.scalar(sa.text(f'SELECT coalesce(max(id), 0) FROM "{table}"')) or 0)
        for table in HIGH_WATER_TABLES
    }


def reset(conn: sa.Connection, manifest: Manifest) -> dict[str, int]:
    """Delete what earlier runs wrote; returns the rows removed per table."""
    marks = manifest.high_water
    removed = {}
    removed["survey_response"] = _delete(
        conn, "DELETE FROM survey_response WHERE survey_id = :s", s=manifest.load_survey_id
    )
    _delete(
        conn, "DELETE FROM survey_participation WHERE survey_id = :s", s=manifest.load_survey_id
    )
    # Submissions to the bench survey itself (aggregate_lag); generated ones are kept,
    # and the generator writes no participation rows.
    removed["survey_response"] += _delete(
        conn, "DELETE FROM survey_response WHERE id > :m", m=marks["survey_response"]
    )
    _delete(conn, "DELETE FROM survey_participation WHERE survey_id = :s", s=manifest.survey_id)
    removed["comment"] = _delete(conn, "DELETE FROM comment WHERE id > :m", m=marks["comment"])
    removed["participant"] = _delete(
        conn, "DELETE FROM participant WHERE id > :m", m=marks["participant"]
    )
    removed["export_job"] = _delete(conn, "DELETE FROM export_job")
    return removed


def _delete(conn: sa.Connection, statement: str, **params: Any) -> int:
    return int(conn.execute(sa.text(statement), params).rowcount or 0)
