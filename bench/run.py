"""One benchmark run on the real stack: ``make bench`` (scale M) or ``make bench-quick``.

    .venv/bin/python -m bench.run [--quick] [--scale S|M|L] [--seconds N] [--only a,b]

1. Installs wrk if missing, starts PostgreSQL and Redis if they do not answer.
2. Generates the bench database of the scale if it is missing or outdated
   (``bench.generate``, measured as a CLI process), then deletes what earlier runs
   wrote to it.
3. Starts gunicorn (2 workers, free loopback port) and one Celery worker.
4. Runs every scenario of ``bench.scenarios`` in order; a failing one is recorded
   and the run goes on.
5. Writes ``bench/results/<timestamp>.json`` (one key per metric, machine, load
   average, details) and prints a Markdown summary.

Everything started is stopped again, also on Ctrl-C, SIGTERM or an error. The exit
status is 1 if a scenario failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from bench import procstat, settings
from bench.data import manifest as manifests
from bench.scenarios import SCENARIOS, Context
from bench.scenarios.base import NOT_BUILT, Durations, skipped
from bench.stack import Stack, ensure_services, ensure_wrk
from bench.summary import markdown

MODES = {
    "full": ("M", Durations(load=20, raw=10, export_timeout=600)),
    "quick": ("S", Durations(load=5, raw=3, export_timeout=120)),
}


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _generate(scale: str, database: str, sampler: procstat.Sampler, force: bool) -> dict[str, Any]:
    """Run the generator as its own process, so its peak RSS is measured from outside."""
    command = [sys.executable, "-m", "bench.generate", "--scale", scale, "--database", database]
    command += ["--force"] if force else []
    started = time.perf_counter()
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
        "seconds": round(time.perf_counter() - started, 1),
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


def _reset(app: Any, manifest: manifests.Manifest) -> dict[str, int]:
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


def _run_scenarios(ctx: Context, only: set[str] | None) -> dict[str, str]:
    failures: dict[str, str] = {}
    for scenario in SCENARIOS:
        if only and scenario.name not in only:
            continue
        print(f"==> {scenario.name}", flush=True)
        started = time.perf_counter()
        try:
            metrics = scenario.run(ctx)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # recorded; the run goes on
            failures[scenario.name] = f"{type(exc).__name__}: {exc}"
            metrics = dict.fromkeys(scenario.keys, f"failed: {type(exc).__name__}")
            print(f"    failed: {failures[scenario.name]}", flush=True)
        for key in scenario.keys:
            ctx.metrics[key] = metrics.pop(key, "failed: not reported")
        ctx.metrics.update(metrics)
        elapsed = round(time.perf_counter() - started, 1)
        values = [ctx.metrics[key] for key in scenario.keys]
        if all(skipped(value) for value in values):
            print(f"    {values[0]}", flush=True)
        elif any(value != NOT_BUILT for value in values):
            print(f"    {elapsed} s", flush=True)
        else:
            print("    not built", flush=True)
        if scenario.name in ctx.details:
            ctx.record(scenario.name, elapsed_s=elapsed)
    return failures


def run(args: argparse.Namespace) -> int:
    scale, durations = MODES["quick" if args.quick else "full"]
    scale = args.scale or scale
    if args.seconds:
        durations = Durations(
            args.seconds, args.raw_seconds or args.seconds, durations.export_timeout
        )
    database = args.database or settings.database_url(scale)
    if not (sa.engine.make_url(database).database or "").startswith("mitwirken_bench_"):
        raise SystemExit("the bench database must be named mitwirken_bench_* (runs delete rows)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = Path(args.results)
    result: dict[str, Any] = {
        "schema": 1,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": "quick" if args.quick else "full",
        "scale": scale,
        "durations": vars(durations),
        "machine": procstat.machine_info(),
    }
    with ExitStack() as exit_stack:
        ensure_wrk()
        ensure_services(exit_stack, args.redis)
        sampler = procstat.Sampler()
        sampler.start()
        exit_stack.callback(sampler.stop)
        load_before = procstat.loadavg()
        result["generate"] = _generate(scale, database, sampler, args.regenerate)
        manifest = _manifest(database)
        workdir = Path(tempfile.mkdtemp(prefix="mitwirken-bench-"))
        exit_stack.callback(shutil.rmtree, workdir, True)
        stack = exit_stack.enter_context(
            Stack(database, results / f"{stamp}-logs", sampler, args.redis)
        )
        os.environ.update(settings.server_env(database, args.redis, stack.queue))
        from bench.wsgi import bench_app

        app = bench_app({"SQLALCHEMY_DATABASE_URI": database})
        logging.getLogger().setLevel(logging.WARNING)  # the harness's copy: quiet
        _watch_database(exit_stack, sampler, settings.plain_dsn(database))
        result["reset_removed"] = _reset(app, manifest)
        stack.worker_ready(app.extensions["celery"])
        sampler.load_samples.clear()
        ctx = Context(
            app, stack, manifest, sampler, workdir, durations, lambda: _reset(app, manifest)
        )
        failures = _run_scenarios(ctx, set(args.only.split(",")) if args.only else None)
        result |= {
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load": {
                "before": load_before,
                "during_max_1m": max(sampler.load_samples, default=procstat.loadavg()[0]),
                "during_samples_1m": sampler.load_samples,
                "after": procstat.loadavg(),
            },
            "rss_peak_mb": {k: round(v / 1024, 1) for k, v in sampler.peak_kb.items()},
            "manifest": {"counts": manifest.counts, "generated_at": manifest.generated_at},
            "metrics": ctx.metrics,
            "details": ctx.details,
            "failures": failures,
        }
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print("\n" + markdown(result) + f"\n\nResults: {path}", flush=True)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="scale S, 5-second scenarios")
    parser.add_argument("--scale", choices=sorted(settings.SCALES))
    parser.add_argument("--seconds", type=float, help="wrk duration per scenario")
    parser.add_argument("--raw-seconds", type=float, help="duration of each raw baseline")
    parser.add_argument("--database", help="bench database URL (mitwirken_bench_*)")
    parser.add_argument("--redis", default=settings.REDIS_URL)
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the bench database")
    parser.add_argument("--results", default=str(settings.RESULTS))
    args = parser.parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored
        signal.signal(signum, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\ninterrupted; everything started was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
