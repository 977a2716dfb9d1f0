"""ANALYZE before a survey rebuild after many inserts (app.results.planner): issued on
PostgreSQL when due, never on SQLite, and the thresholds a steady stream stays under."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.results import planner
from app.results.tasks import run_rebuild
from tests.conftest import counting_queries
from tests.results.conftest import ResultsSurvey, rebuild


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _analyses() -> dict[str, int]:
    db.session.commit()  # statistics are read once per transaction
    rows = db.session.execute(
        sa.text(
            "SELECT relname, analyze_count FROM pg_stat_user_tables"
            " WHERE schemaname = current_schema()"
            " AND relname IN ('survey_response', 'survey_answer')"
        )
    ).all()
    return {name: int(count) for name, count in rows}


def test_a_bulk_load_is_due_and_a_steady_stream_is_not() -> None:
    # 1.2 M answers loaded into an empty table: more than a fifth of it is new.
    assert planner.stale(planner.TableChanges("survey_answer", 1_200_000, 1_200_000))
    # A few seconds of a 50/s stream (about 4,000 answers) into the same table.
    assert not planner.stale(planner.TableChanges("survey_answer", 4_000, 1_204_000))
    # 50,000 new answers are a twentieth of a million-row table: not stale by share.
    assert not planner.stale(planner.TableChanges("survey_answer", 50_000, 1_050_000))


def test_a_survey_that_grew_a_lot_since_its_snapshot_is_due() -> None:
    # A new survey of 50,000 in a large table: the survey grew, and nothing analysed since.
    assert planner.survey_grew(counted=0, submitted=50_000, unanalysed=60_000)
    # The same, but ANALYZE already ran after the rows arrived.
    assert not planner.survey_grew(counted=0, submitted=50_000, unanalysed=10)
    # 250 responses between two snapshots of a 50,000-response survey: a steady stream.
    assert not planner.survey_grew(counted=50_000, submitted=50_250, unanalysed=300)
    # A first handful of responses is not worth it either.
    assert not planner.survey_grew(counted=0, submitted=40, unanalysed=40)


def test_analyze_runs_before_a_rebuild_when_due_on_postgresql(
    made: ResultsSurvey, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _postgresql():
        pytest.skip("ANALYZE and pg_stat_user_tables are PostgreSQL's")
    rebuild(made)
    before = _analyses()
    # Other tests' rows may make the shared tables stale; only the survey decides here.
    monkeypatch.setattr(planner, "MIN_ROWS", 10**9)
    run_rebuild("survey", made.survey.id)  # no response arrived since: not due
    assert _analyses() == before
    monkeypatch.setattr(planner, "MIN_ROWS", 0)
    monkeypatch.setattr(planner, "SHARE", 0.0)  # every table counts as changed
    data = rebuild(made)
    after = _analyses()
    assert after["survey_response"] == before["survey_response"] + 1
    assert after["survey_answer"] == before["survey_answer"] + 1
    assert data["respondents"]["n"] == 400  # and the rebuild went on


def test_sqlite_gets_no_analyze(made: ResultsSurvey, monkeypatch: pytest.MonkeyPatch) -> None:
    if _postgresql():
        pytest.skip("the SQLite pass checks this")
    monkeypatch.setattr(planner, "MIN_ROWS", 0)
    monkeypatch.setattr(planner, "SHARE", 0.0)
    with counting_queries() as statements:
        data = rebuild(made)
    assert not [s for s in statements if "ANALYZE" in s.upper()]
    assert not [s for s in statements if "pg_stat" in s]
    assert data["respondents"]["n"] == 400


def test_a_failing_analyze_never_fails_the_rebuild(
    made: ResultsSurvey, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _postgresql():
        pytest.skip("ANALYZE runs on PostgreSQL only")
    monkeypatch.setattr(planner, "MIN_ROWS", 0)
    monkeypatch.setattr(planner, "SHARE", 0.0)
    monkeypatch.setattr(planner, "LOCK_TIMEOUT", "not a duration")  # the SET fails
    before = _analyses()
    data = rebuild(made)
    assert _analyses() == before
    assert data["respondents"]["n"] == 400
