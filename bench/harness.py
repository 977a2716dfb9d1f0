"""What every entry point on the real stack shares: the database guard, the signals,
starting everything (``started``), the load figures and the results file.

``bench.run`` (all scenarios) and ``bench.ground_truth`` (20,000 submissions) both do

    guard_database(url)
    with started(url, scale, redis, logs) as bench:   # services, data, gunicorn, worker
        ...                                          # bench.app, bench.stack, ...
    write_result(results, stamp, result)

inside :func:`main_guarded`, so Ctrl-C or SIGTERM stops everything started, in order.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import Flask

from bench import procstat, settings
from bench.data import manifest as manifests
from bench.stack import Stack, ensure_services, ensure_wrk


def guard_database(database: str) -> None:
    """Runs delete rows: only a database named mitwirken_bench_* may be used."""
    if not (sa.engine.make_url(database).database or "").startswith("mitwirken_bench_"):
        raise SystemExit("the bench database must be named mitwirken_bench_* (runs delete rows)")


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main_guarded(run: Callable[[], int]) -> int:
    """``run()`` with SIGINT and SIGTERM raising KeyboardInterrupt (also when started
    with SIGINT ignored), so the ``with`` blocks stop what they started; 130 then."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        return run()
    except KeyboardInterrupt:
        print("\ninterrupted; everything started was stopped", file=sys.stderr)
        return 130


def _generate(scale: str, database: str, sampler: procstat.Sampler, force: bool) -> dict[str, Any]:
    """Run the generator as its own process, so its peak RSS is measured from outside."""
    command = [sys.executable, "-m", "bench.generate", "--scale", scale, "--database", database]
    command += ["--force"] if force else []
    begun = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=settings.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler.watch("cli", process.pid)
    output, _ = process.communicate()
    sampler.forget("cli")
    if process.returncode != 0:
        raise RuntimeError(f"bench.generate failed:\n{output}")
    last = output.strip().splitlines()[-1] if output.strip() else ""
    print(last, flush=True)
    return {
        "generated": "up to date" not in last,
        "seconds": round(time.perf_counter() - begun, 1),
        "cli_rss_peak_mb": round(sampler.peak_kb.pop("cli", 0) / 1024, 1),
        "output": last,
    }


def _manifest(database: str) -> manifests.Manifest:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            found = manifests.read(conn)
    finally:
        engine.dispose()
    if found is None:
        raise RuntimeError("the bench database has no manifest; run bench.generate --force")
    return found


def reset(app: Flask, manifest: manifests.Manifest) -> dict[str, int]:
    """Back to the generated state: earlier runs' rows removed, counts rebuilt."""
    from app.extensions import db
    from app.results.tasks import run_rebuild
    from app.results.triggers import PROCESS_SCOPE

    with app.app_context():
        with db.engine.begin() as conn:
            removed = manifests.reset(conn, manifest)
        run_rebuild(PROCESS_SCOPE, manifest.process_id)  # commits
    return removed


def _watch_database(exit_stack: ExitStack, sampler: procstat.Sampler, dsn: str) -> None:
    """CPU of the backends serving the bench database counts as ours; the sampler also
    counts the active backends by what they wait for (CPU, Lock, IO, ...)."""
    pids_conn = exit_stack.enter_context(psycopg.connect(dsn, autocommit=True))
    probe_conn = exit_stack.enter_context(psycopg.connect(dsn, autocommit=True))

    def pids() -> list[int]:
        rows = pids_conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchall()
        return [int(row[0]) for row in rows]

    def waits() -> dict[str, int]:
        rows = probe_conn.execute(
            "SELECT coalesce(wait_event_type, 'CPU'), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state = 'active' "
            "AND pid <> pg_backend_pid() GROUP BY 1"
        ).fetchall()
        return {str(kind): int(count) for kind, count in rows}

    sampler.extra["postgres"] = pids
    sampler.probe = waits


@dataclass
class Started:
    """The running stack and what was learnt starting it."""

    app: Flask  # the harness's copy of the server's app (same config and database)
    stack: Stack
    manifest: manifests.Manifest
    sampler: procstat.Sampler
    workdir: Path
    load_before: list[float]
    facts: dict[str, Any] = field(default_factory=dict)  # generate, reset_removed

    def reset(self) -> dict[str, int]:
        return reset(self.app, self.manifest)

    def load(self) -> dict[str, Any]:
        """Load averages before, sampled during (1 min) and now."""
        samples = self.sampler.load_samples
        return {
            "before": self.load_before,
            "during_max_1m": max(samples, default=procstat.loadavg()[0]),
            "during_samples_1m": samples,
            "after": procstat.loadavg(),
        }


@contextmanager
def started(
    database: str, scale: str, redis_url: str, logs: Path, *, regenerate: bool = False
) -> Iterator[Started]:
    """wrk, PostgreSQL and Redis there; the data of ``scale`` generated and reset;
    gunicorn and the worker up. Everything started is stopped when the block ends."""
    with ExitStack() as exit_stack:
        ensure_wrk()
        ensure_services(exit_stack, redis_url)
        sampler = procstat.Sampler()
        sampler.start()
        exit_stack.callback(sampler.stop)
        load_before = procstat.loadavg()
        generated = _generate(scale, database, sampler, regenerate)
        manifest = _manifest(database)
        workdir = Path(tempfile.mkdtemp(prefix="mitwirken-bench-"))
        exit_stack.callback(shutil.rmtree, workdir, True)
        stack = exit_stack.enter_context(Stack(database, logs, sampler, redis_url))
        os.environ.update(settings.server_env(database, redis_url, stack.queue))
        from bench.wsgi import bench_app

        app = bench_app({"SQLALCHEMY_DATABASE_URI": database})
        logging.getLogger().setLevel(logging.WARNING)  # the harness's copy: quiet
        _watch_database(exit_stack, sampler, settings.plain_dsn(database))
        removed = reset(app, manifest)
        stack.worker_ready(app.extensions["celery"])
        sampler.load_samples.clear()
        facts = {"generate": generated, "reset_removed": removed}
        yield Started(app, stack, manifest, sampler, workdir, load_before, facts)


def write_result(results: Path, name: str, result: dict[str, Any]) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path


def header(mode: str, scale: str) -> dict[str, Any]:
    """The first keys of every results file."""
    return {
        "schema": 1,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": mode,
        "scale": scale,
        "machine": procstat.machine_info(),
    }
