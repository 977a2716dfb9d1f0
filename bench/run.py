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
import sys
import time
from pathlib import Path
from typing import Any

from bench import harness, settings
from bench.scenarios import SCENARIOS, Context
from bench.scenarios.base import NOT_BUILT, Durations, skipped
from bench.summary import markdown

MODES = {
    "full": ("M", Durations(load=20, raw=10, export_timeout=600)),
    "quick": ("S", Durations(load=5, raw=3, export_timeout=120)),
}


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
    harness.guard_database(database)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = Path(args.results)
    result: dict[str, Any] = harness.header("quick" if args.quick else "full", scale)
    result["durations"] = vars(durations)
    logs = results / f"{stamp}-logs"
    with harness.started(database, scale, args.redis, logs, regenerate=args.regenerate) as bench:
        result |= bench.facts
        ctx = Context(
            bench.app,
            bench.stack,
            bench.manifest,
            bench.sampler,
            bench.workdir,
            durations,
            bench.reset,
        )
        failures = _run_scenarios(ctx, set(args.only.split(",")) if args.only else None)
        result |= {
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load": bench.load(),
            "rss_peak_mb": {k: round(v / 1024, 1) for k, v in bench.sampler.peak_kb.items()},
            "manifest": {
                "counts": bench.manifest.counts,
                "generated_at": bench.manifest.generated_at,
            },
            "metrics": ctx.metrics,
            "details": ctx.details,
            "failures": failures,
        }
    path = harness.write_result(results, stamp, result)
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
    return harness.main_guarded(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
