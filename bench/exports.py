"""Export benchmark: the Abwägung table for N contributions on PostgreSQL.

    .venv/bin/python -m bench.exports [--database postgresql+psycopg://postgres@127.0.0.1/mitwirken_bench_exports]
                                      [--count 5000] [--keep]

Creates a throwaway database (dropped at the end unless ``--keep``), migrates it,
adds a process with 30 goals and ``--count`` contributions (a third of them
assessed, with tags and a revision), then builds the Abwägung export as CSV and as
XLSX through ``app.exports.build`` (the task body, run in-process; not the web)
and prints rows per second. Results go to bench/results/exports.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def _admin(url: str, statement: str) -> None:
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


def _goals(process: Any) -> list[Any]:
    from app.goals.editing import GoalTexts, create_goal

    goals = []
    for top in range(1, 6):
        parent = create_goal(
            process,
            code=str(top),
            texts=GoalTexts({"de": f"Handlungsfeld {top}"}, {}, {}),
            author=None,
        )
        goals.append(parent)
        for child in range(1, 6):
            title = {"de": f"Ziel {top}.{child}", "en": f"Goal {top}.{child}"}
            goals.append(
                create_goal(
                    process,
                    code=f"{top}.{child}",
                    texts=GoalTexts(title, {}, {}),
                    parent=parent,
                    author=None,
                )
            )
    return goals


def _seed(count: int) -> Any:
    from app.assessment.models import Assessment, Consideration, ProcessTag, assessment_tag
    from app.comments.models import Comment
    from app.db import utcnow
    from app.extensions import db
    from app.participation.models import Participant
    from app.processes.editing import create_process

    rng = random.Random(7)
    process = create_process(slug="bench-exports", title={"de": "Benchmark"}, actor=None)
    goals = _goals(process)
    tags = [ProcessTag(process_id=process.id, name=f"Thema {n}") for n in range(8)]
    db.session.add_all(tags)
    db.session.flush()
    people = db.session.scalars(
        sa.insert(Participant).returning(Participant.id),
        [{"kind": "anonymous", "pseudonym": f"Person {n}"} for n in range(max(count // 4, 1))],
    ).all()
    now = utcnow()
    rows = [
        {
            "goal_id": rng.choice(goals).id,
            "participant_id": rng.choice(people),
            "author_name": "Person",
            "kind": rng.choice(["suggestion", "criticism", "question"]),
            "stakeholder_group": "citizen",
            "channel": "online",
            "body": "Beitrag "
            + " ".join(rng.choice(["mehr", "Bus", "Rad", "Amt"]) for _ in range(40)),
            "status": "published",
            "created_at": now - timedelta(minutes=n),
        }
        for n in range(count)
    ]
    ids = db.session.scalars(sa.insert(Comment).returning(Comment.id), rows).all()
    considerations = list(Consideration)
    assessed = [
        {
            "comment_id": comment_id,
            "process_id": process.id,
            "stakeholder_group": "citizen",
            "consideration": rng.choice(considerations).value,
            "rationale": "Begründung der Verwaltung " * 5,
            "version": 1,
        }
        for comment_id in ids[::3]
    ]
    assessment_ids = db.session.scalars(sa.insert(Assessment).returning(Assessment.id), assessed)
    links = [{"assessment_id": a, "tag_id": rng.choice(tags).id} for a in assessment_ids]
    db.session.execute(sa.insert(assessment_tag), links)
    db.session.commit()
    return process


def _time_export(process: Any, fmt: Any) -> dict[str, Any]:
    from app.exports import services
    from app.exports.models import ExportJob, ExportKind
    from app.extensions import db

    start = time.perf_counter()
    job, _ = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=fmt, locale="de", options={}
    )
    db.session.commit()  # no REDIS_URL: the task runs eagerly after the commit
    seconds = time.perf_counter() - start
    db.session.expire_all()
    done = db.session.get(ExportJob, job.id)
    assert done is not None and done.status.value == "done", done and done.error
    size = done.size
    return {
        "rows": done.row_count,
        "seconds": round(seconds, 2),
        "rows_per_s": round(done.row_count / seconds),
        "bytes": int(size or 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench_exports",
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    name = sa.engine.make_url(args.database).database
    _admin(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(args.database, f'CREATE DATABASE "{name}"')
    from flask_migrate import upgrade

    from app import create_app
    from app.config import _celery_settings
    from app.exports.formats import formats_for
    from app.exports.models import ExportKind
    from app.extensions import db

    eager = {"REDIS_URL": None, "CELERY": _celery_settings(None)}
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, **eager})
    try:
        with app.app_context():
            upgrade()
            process = _seed(args.count)
            kinds = formats_for(ExportKind.ASSESSMENT)
            report = {fmt.value: _time_export(process, fmt) for fmt in kinds}
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            _admin(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "exports.json").write_text(json.dumps(report, indent=2))
    for fmt, numbers in report.items():
        print(f"{fmt:5} {numbers}")


if __name__ == "__main__":
    main()
