"""One measurement of bench.export_data, run in a process of its own.

    python -m bench.export_data_run csv|sav|copy-csv|pyreadstat-sav [SURVEY_SLUG]

``SURVEY_SLUG`` (default: the survey of bench.export_data) lets the harness's export
scenarios run the baselines on the survey of the bench database.

Prints one JSON line with its numbers, then waits until standard input closes, so the
parent can read this process's peak RSS (VmHWM) before it exits.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from typing import Any

import sqlalchemy as sa

from bench.export_data_seed import SLUG

SURVEY = {"slug": SLUG}  # main() takes another from the command line


def _survey() -> Any:
    from app.extensions import db
    from app.surveys.models import Survey

    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == SURVEY["slug"]))
    assert survey is not None, "run python -m bench.export_data first"
    return survey


def _ours(fmt: str) -> dict[str, Any]:
    """The export task body for a queued job, as a worker runs it."""
    from app.exports import build
    from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
    from app.extensions import db

    survey = _survey()
    job = ExportJob(
        process_id=survey.process_id,
        survey_id=survey.id,
        kind=ExportKind.SURVEY_RESPONSES,
        format=ExportFormat(fmt),
        locale="de",
        options={},
    )
    db.session.add(job)
    db.session.commit()
    started = time.perf_counter()
    status = build.run_job(job.id)
    seconds = time.perf_counter() - started
    db.session.expire_all()
    done = db.session.get(ExportJob, job.id)
    assert status == ExportStatus.DONE and done is not None, done and done.error
    return {"seconds": round(seconds, 2), "rows": done.row_count, "mb": round(done.size / 2**20, 1)}


def _copy_csv() -> dict[str, Any]:
    """Baseline: the database writes the same pivot as CSV, nothing else."""
    from app.exports.survey_data.pivot import SurveyData
    from app.extensions import db

    with db.engine.connect() as conn:
        dialect = conn.dialect
    query = SurveyData(_survey(), "de").query(0, limit=None)
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    raw = db.engine.raw_connection()
    size = 0
    started = time.perf_counter()
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';')"
    cursor = raw.cursor()
    with tempfile.TemporaryFile() as out, cursor.copy(copy_sql) as copy:
        for block in copy:
            out.write(block)
            size += len(block)
    seconds = time.perf_counter() - started
    raw.close()
    return {"seconds": round(seconds, 2), "mb": round(size / 2**20, 1)}


def _pyreadstat_sav() -> dict[str, Any]:
    """Baseline: pyreadstat writing the same frame (gathered first, not timed)."""
    import pyreadstat

    from app.exports.survey_data.pivot import SurveyData
    from app.exports.survey_data.sav import Columns, metadata

    data = SurveyData(_survey(), "de")
    columns = Columns(data.variables, data.total)
    started = time.perf_counter()
    for chunk in data.chunks():
        columns.add(chunk)
    gathered = time.perf_counter() - started
    frame = columns.frame()
    with tempfile.NamedTemporaryFile(suffix=".sav") as out:
        started = time.perf_counter()
        pyreadstat.write_sav(frame, out.name, **metadata(data.variables, frame))
        seconds = time.perf_counter() - started
        size = os.path.getsize(out.name)
    return {
        "seconds": round(seconds, 2),
        "gather_seconds": round(gathered, 2),
        "mb": round(size / 2**20, 1),
    }


def main() -> None:
    name = sys.argv[1]
    if len(sys.argv) > 2:
        SURVEY["slug"] = sys.argv[2]
    from app import create_app

    runs = {"csv": lambda: _ours("csv"), "sav": lambda: _ours("sav")}
    runs |= {"copy-csv": _copy_csv, "pyreadstat-sav": _pyreadstat_sav}
    with create_app().app_context():
        result = runs[name]()
    print(json.dumps(result), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
