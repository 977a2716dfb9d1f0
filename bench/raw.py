"""Same-run baselines: the rows a scenario writes, inserted with plain psycopg.

No HTTP, no Flask, no ORM: the same rows in the same transaction shape, from as many
processes as gunicorn has workers (2). This module imports nothing from ``app`` (the
baseline processes are spawned and import only this); the caller prepares complete
rows (``bench.data.copy.complete``). Each process waits for a common start time,
then inserts until its rows or the time run out.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg


def _insert(table: str, row: dict[str, Any], returning: bool = False) -> str:
    columns = ", ".join(f'"{name}"' for name in row)
    values = ", ".join(["%s"] * len(row))
    tail = " RETURNING id" if returning else ""
    return f'INSERT INTO "{table}" ({columns}) VALUES ({values}){tail}'


WORKERS: dict[str, Callable[[Any, list[Any], Any, float], tuple[int, float]]] = {}


def run(
    worker: str, dsn: str, items: list[Any], shared: Any, seconds: float, processes: int = 2
) -> dict[str, float]:
    """``items`` split over ``processes`` (``python -m bench.raw``, which imports only
    psycopg); they connect, report ready, start together on "go" and print
    ``done seconds``. Returns the count, the longest time and the summed rate."""
    children = []
    with tempfile.TemporaryDirectory(prefix="mitwirken-bench-raw-") as workdir:
        for n in range(processes):
            job = Path(workdir) / f"job{n}.pickle"
            job.write_bytes(pickle.dumps((worker, dsn, items[n::processes], shared, seconds)))
            children.append(_start(job))
        try:
            for child in children:
                if child.stdout is None or child.stdout.readline().strip() != "ready":
                    raise RuntimeError("a raw baseline process did not connect")
            for child in children:
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            results = [_result(child, seconds) for child in children]
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                child.wait()
    count = sum(done for done, _ in results)
    rate = sum(done / spent for done, spent in results if spent > 0)
    return {
        "count": count,
        "seconds": round(max(spent for _, spent in results), 2),
        "per_s": round(rate, 1),
    }


def survey_worker(conn: Any, items: list[Any], shared: Any, end_at: float) -> tuple[int, float]:
    """start (response row), page (delete + insert answers), submit (update + participation)."""
    question_ids, submitted_on = shared
    done, started = 0, time.time()
    for response, answers, subject in items:
        if time.time() >= end_at:
            break
        with conn.transaction():
            cursor = conn.execute(
                _insert("survey_response", response, True), list(response.values())
            )
            rid = cursor.fetchone()[0]
        with conn.transaction():
            conn.execute(
                "DELETE FROM survey_answer WHERE response_id = %s AND question_id = ANY(%s)",
                (rid, question_ids),
            )
            rows = [row | {"response_id": rid} for row in answers]
            if rows:
                with conn.cursor() as cursor:
                    values = [list(row.values()) for row in rows]
                    cursor.executemany(_insert("survey_answer", rows[0]), values)
        with conn.transaction():
            conn.execute(
                "UPDATE survey_response SET state = 'submitted', submitted_on = %s, "
                "submitted_at = NULL, resume_token_hash = NULL, browser_key_hash = NULL, "
                "started_at = NULL WHERE id = %s AND state = 'in_progress'",
                (submitted_on, rid),
            )
            conn.execute(
                "INSERT INTO survey_participation (survey_id, subject) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                (response["survey_id"], subject),
            )
        done += 1
    return done, time.time() - started


def comment_worker(conn: Any, items: list[Any], shared: Any, end_at: float) -> tuple[int, float]:
    """One transaction: the participant, the comment, the process counts marked dirty."""
    process_id = shared
    done, started = 0, time.time()
    for participant, comment in items:
        if time.time() >= end_at:
            break
        with conn.transaction():
            cursor = conn.execute(
                _insert("participant", participant, True), list(participant.values())
            )
            row = comment | {"participant_id": cursor.fetchone()[0]}
            conn.execute(_insert("comment", row), list(row.values()))
            conn.execute(
                "UPDATE aggregate SET dirty_since = now() AT TIME ZONE 'UTC' "
                "WHERE scope = 'process' AND scope_id = %s AND dirty_since IS NULL",
                (process_id,),
            )
        done += 1
    return done, time.time() - started


WORKERS |= {"survey": survey_worker, "comment": comment_worker}


def _start(job: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.raw", str(job)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _result(child: subprocess.Popen[str], seconds: float) -> tuple[int, float]:
    out, _ = child.communicate(timeout=seconds + 120)
    if child.returncode != 0:
        raise RuntimeError(f"a raw baseline process failed ({child.returncode})")
    done, spent = out.split()
    return int(done), float(spent)


def main(job: str) -> None:
    worker, dsn, items, shared, seconds = pickle.loads(Path(job).read_bytes())
    with psycopg.connect(dsn) as conn:
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        done, spent = WORKERS[worker](conn, items, shared, time.time() + seconds)
    print(done, spent, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
