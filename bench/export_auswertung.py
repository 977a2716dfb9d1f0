"""Bench: the Abwägung XLSX of 100,000 contributions, against a raw XlsxWriter.

    .venv/bin/python -m bench.export_auswertung [--count 100000] [--keep] [--reuse]
        [--database postgresql+psycopg://postgres@127.0.0.1/mitwirken_bench_auswertung]

Creates the PostgreSQL database ``mitwirken_bench_auswertung`` (dropped and made
anew unless ``--reuse``), migrates it and adds a process with the HF12 tree (1 field
of action, 5 strategic and 20 operative goals) and ``--count`` contributions written
with COPY: comments of 25,000 participants, a fifth of them replies, 5 % offline
letters, a third assessed (with tags, some linked to a revision), 1 % with an official
reply. Then, each in a child process whose peak RSS is sampled from outside
(psutil, every 20 ms, children included):

1. ``auswertung``: ``app.exports.auswertung.xlsx.write`` into a file (the writer the
   export job runs, with the Übersicht, print setup, row heights, pseudonyms);
2. ``raw``: the same 15 columns from one SQL query (goal title, a pseudonym-like
   label, the official reply, the topics joined in SQL) through a server-side cursor,
   written by XlsxWriter in constant-memory mode with no formatting (the floor).

Prints seconds and peak RSS of both, the ratio, and whether the targets hold
(at most 20 s, 300 MB and twice the raw time); results go to bench/results/export_auswertung.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench_auswertung"
SLUG = "bench-auswertung"
WORDS = ["Bus", "Rad", "Amt", "Schule", "Bürgerbüro", "Termin", "online", "Formular", "Geld"]


def _admin(url: str, statement: str) -> None:
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


def _app(url: str) -> Any:
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})


def _tree(process: Any) -> list[Any]:
    from app.goals.editing import GoalTexts, create_goal

    field = create_goal(
        process,
        code="12",
        texts=GoalTexts({"de": "Verwaltung"}, {"de": "Leitsatz"}, {}),
        author=None,
    )
    goals = [field]
    for strategic in range(1, 6):
        texts = GoalTexts({"de": f"Strategisches Ziel {strategic}"}, {}, {})
        parent = create_goal(
            process, code=f"12.{strategic}", texts=texts, parent=field, author=None
        )
        goals.append(parent)
        for operative in range(1, 5):
            code = f"12.{strategic}.{operative}"
            texts = GoalTexts({"de": f"Operatives Ziel {code}"}, {"de": "Text"}, {})
            goals.append(create_goal(process, code=code, texts=texts, parent=parent, author=None))
    return goals


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from app.extensions import db

    connection = db.session.connection().connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(row)


def _body(rng: random.Random) -> str:
    return "Beitrag: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))


def _seed(count: int) -> None:
    from app.assessment.models import ProcessTag
    from app.extensions import db
    from app.processes.editing import create_process

    rng = random.Random(12)
    process = create_process(slug=SLUG, title={"de": "Bench Auswertung"}, actor=None)
    goals = [g.id for g in _tree(process) if g.code.count(".") == 2]
    tags = [ProcessTag(process_id=process.id, name=f"Thema {n}") for n in range(8)]
    db.session.add_all(tags)
    db.session.commit()
    people = 25_000
    base = int(db.session.scalar(sa.text("SELECT coalesce(max(id), 0) FROM participant")) or 0)
    _copy(
        "participant",
        ["id", "kind", "pseudonym", "notify_replies", "block_reason", "created_at"],
        [
            (base + n, "anonymous", f"P{n}", False, "", datetime.now(UTC))
            for n in range(1, people + 1)
        ],
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    comments: list[tuple[Any, ...]] = []
    parents: list[tuple[int, int]] = []
    for n in range(1, count + 1):
        goal = rng.choice(goals)
        reply_to = rng.choice(parents) if parents and rng.random() < 0.2 else None
        offline = reply_to is None and rng.random() < 0.05
        if reply_to:
            goal = reply_to[1]
        else:
            parents.append((n, goal))
        comments.append(
            (
                n,
                goal,
                reply_to[0] if reply_to else None,
                None if offline else base + rng.randint(1, people),
                "Brief" if offline else "P",
                rng.choice(["suggestion", "criticism", "question"]),
                "council" if offline and rng.random() < 0.2 else "citizen",
                "letter" if offline else "online",
                _body(rng),
                "published",
                start + timedelta(minutes=n),
                date(2026, 2, 1) if offline else None,
                0,
                0,
                0,
                0,
                0,
            )
        )
    _copy(
        "comment",
        [
            "id",
            "goal_id",
            "parent_id",
            "participant_id",
            "author_name",
            "kind",
            "stakeholder_group",
            "channel",
            "body",
            "status",
            "created_at",
            "received_on",
            "support_up",
            "support_down",
            "score",
            "reply_count",
            "report_count",
        ],
        comments,
    )
    db.session.execute(sa.text("SELECT setval('comment_id_seq', (SELECT max(id) FROM comment))"))
    revisions: dict[int, int] = {
        goal_id: revision_id
        for goal_id, revision_id in db.session.execute(
            sa.text("SELECT goal_id, id FROM goal_revision")
        )
    }
    considerations = ["considered", "partly", "not_considered", "noted", "already_included"]
    assessed = [
        (
            n,
            n,
            process.id,
            "citizen",
            rng.choice(considerations),
            "Begründung der Verwaltung: " + _body(rng),
            revisions[c[1]] if n % 10 == 0 else None,
            datetime.now(UTC),
            1,
        )
        for n, c in ((c[0], c) for c in comments[::3])
    ]
    _copy(
        "assessment",
        [
            "id",
            "comment_id",
            "process_id",
            "stakeholder_group",
            "consideration",
            "rationale",
            "goal_revision_id",
            "assessed_at",
            "version",
        ],
        assessed,
    )
    _copy(
        "assessment_tag",
        ["assessment_id", "tag_id"],
        [(a[0], rng.choice(tags).id) for a in assessed],
    )
    _copy(
        "official_reply",
        ["comment_id", "author_label", "body", "created_at", "updated_at"],
        [
            (c[0], "Referat", "Antwort der Verwaltung", datetime.now(UTC), datetime.now(UTC))
            for c in comments[::100]
        ],
    )
    db.session.commit()


RAW_SQL = """
SELECT row_number() OVER (ORDER BY g.code, c.id), g.code,
       (SELECT r.title ->> 'de' FROM goal_revision r WHERE r.goal_id = g.id
        ORDER BY r.number DESC LIMIT 1),
       c.kind, c.parent_id, c.channel, c.stakeholder_group, c.created_at::date,
       'Bürger:in ' || coalesce(c.participant_id, 0), c.body,
       o.author_label || ': ' || o.body, tags.names, a.consideration, a.rationale, gr.number
FROM comment c JOIN goal g ON g.id = c.goal_id
LEFT JOIN assessment a ON a.comment_id = c.id
LEFT JOIN goal_revision gr ON gr.id = a.goal_revision_id
LEFT JOIN official_reply o ON o.comment_id = c.id
LEFT JOIN LATERAL (
    SELECT string_agg(t.name, ', ' ORDER BY t.name) AS names
    FROM assessment_tag at JOIN process_tag t ON t.id = at.tag_id
    WHERE at.assessment_id = a.id
) tags ON true
WHERE g.process_id = :process AND c.status = 'published'
ORDER BY g.code, c.id
"""


def child(kind: str, url: str, path: str, slug: str = SLUG) -> None:
    """Runs in the measured child process; prints the rows and the seconds of writing
    (the harness's ``export_xlsx_100k`` takes the raw one as its baseline)."""
    import xlsxwriter
    from flask_babel import force_locale

    from app.exports.auswertung import xlsx
    from app.extensions import db
    from app.processes.models import Process

    with _app(url).app_context():
        process = db.session.scalar(sa.select(Process).where(Process.slug == slug))
        assert process is not None
        started = time.perf_counter()
        if kind == "auswertung":
            with open(path, "wb") as out, force_locale("de"):
                rows = xlsx.write(process, {}, "de", out, lambda n: None)
        else:
            book = xlsxwriter.Workbook(path, {"constant_memory": True})
            sheet = book.add_worksheet()
            rows = 0
            with db.engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=2000).execute(
                    sa.text(RAW_SQL), {"process": process.id}
                )
                for rows, row in enumerate(result, start=1):
                    sheet.write_row(rows, 0, row)
            book.close()
    print(json.dumps({"rows": rows, "seconds": round(time.perf_counter() - started, 2)}))


def _measure(kind: str, url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{kind}.xlsx")
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.export_auswertung",
                "--child",
                kind,
                "--database",
                url,
                "--out",
                path,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        watched = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            try:
                rss = watched.memory_info().rss + sum(
                    c.memory_info().rss for c in watched.children(recursive=True)
                )
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        output = (process.stdout.read() if process.stdout else "").strip().splitlines()
        assert process.returncode == 0, f"{kind} failed"
        size = os.path.getsize(path)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(peak / 2**20, 1),
        "rows": json.loads(output[-1])["rows"],
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the seeded database as it is")
    parser.add_argument("--child", choices=["auswertung", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--slug", default=SLUG, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.out, args.slug)
        return
    name = sa.engine.make_url(args.database).database
    if not args.reuse:
        _admin(args.database, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(args.database, f'CREATE DATABASE "{name}"')
        seeded = time.perf_counter()
        app = _app(args.database)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(ROOT / "migrations"))
            _seed(args.count)
        print(
            f"seeded {args.count} contributions in {time.perf_counter() - seeded:.1f} s", flush=True
        )
    results = {"count": args.count, "raw": _measure("raw", args.database)}
    results["auswertung"] = _measure("auswertung", args.database)
    ours, raw = results["auswertung"], results["raw"]
    results["ratio_to_raw"] = round(ours["seconds"] / raw["seconds"], 2)
    results["cpu_ratio_to_raw"] = round(ours["cpu_seconds"] / raw["cpu_seconds"], 2)
    results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    results["targets_met"] = {
        "seconds_le_20": ours["seconds"] <= 20,
        "peak_rss_le_300_mb": ours["peak_rss_mb"] <= 300,
        "le_2x_raw": results["ratio_to_raw"] <= 2,
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results" / "export_auswertung.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    if not args.keep:
        _admin(args.database, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
