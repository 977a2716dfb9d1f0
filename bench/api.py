"""Open-data API benchmark: gunicorn (2 sync workers) + PostgreSQL, driven by wrk.

    .venv/bin/python -m bench.api [--scale S|M] [--seconds 20] [--connections 16]
                                  [--database URL] [--redis URL]

Uses the harness's pieces (``bench.generate`` data, ``bench.stack.Stack``,
``bench.wrk``, ``bench.procstat``): generates the bench database of the scale if it
is missing or outdated (``mitwirken_bench_api_<scale>``: its own, because a run of
``make bench`` deletes rows of ``mitwirken_bench_<scale>``), starts the stack, and
for each address measures, for the run's duration:

- ``200``: every request a full answer (no ``If-None-Match``);
- ``304``: every request sends the ETag of the current answer back.

Prints requests per second, latency percentiles, CPU shares and the load average
before and after (the machine is shared: numbers are indicative), and writes
``bench/results/api-<timestamp>.json``. Only loopback traffic; the target is
≥ 300 requests per second for ``/processes/<slug>``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import procstat, settings, wrk
from bench.stack import Stack, ensure_services, ensure_wrk

TARGET_RPS = 300
PATHS = {
    "process": f"/api/v1/processes/{settings.PROCESS_SLUG}",
    "processes": "/api/v1/processes",
    "contributions": f"/api/v1/processes/{settings.PROCESS_SLUG}/contributions",
    "results": f"/api/v1/processes/{settings.PROCESS_SLUG}/results",
}


def _database(scale: str, given: str | None) -> str:
    if given:
        return given
    url = sa.engine.make_url(settings.database_url(scale))
    return url.set(database=f"mitwirken_bench_api_{scale.lower()}").render_as_string(
        hide_password=False
    )


def _generate(scale: str, database: str) -> str:
    command = [sys.executable, "-m", "bench.generate", "--scale", scale, "--database", database]
    done = subprocess.run(
        command, cwd=settings.ROOT, capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.generate failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _stand_in_for_beat(redis_url: str) -> None:
    """/readyz wants a worker heartbeat, which beat schedules; the bench runs no beat."""
    import redis

    from app.ops import heartbeat

    client = redis.Redis.from_url(redis_url)
    client.set(heartbeat.KEY, f"{time.time():.3f}", ex=heartbeat.MAX_AGE * 4)


def _etag(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return str(response.headers["ETag"]), len(body)


def _measure(
    stack: Stack, sampler: procstat.Sampler, workdir: Path, path: str, args: argparse.Namespace
) -> dict[str, Any]:
    url = stack.base_url + path
    etag, size = _etag(url)
    measured: dict[str, Any] = {"path": path, "bytes": size}
    for kind, headers in (("200", {}), ("304", {"If-None-Match": etag})):
        with sampler.window() as window:
            result = wrk.run(
                url,
                workdir=workdir,
                seconds=args.seconds,
                connections=args.connections,
                headers=headers,
            )
        measured[kind] = result.summary() | {
            "cpu": window.cpu,
            "cpu_s": window.cpu_s,
            "load_end": window.load_end,
        }
    return measured


def _row(name: str, data: dict[str, Any]) -> str:
    cells = [name]
    for kind in ("200", "304"):
        part = data[kind]
        cells += [
            f"{part['rps']:.0f}",
            f"{part['latency_ms'].get('p50', 0):.1f}",
            f"{part['latency_ms'].get('p99', 0):.1f}",
            f"{part['cpu'].get('others_pct', 0):.0f} %",
        ]
    return "| " + " | ".join(cells) + " |"


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Scale {result['scale']}, {result['seconds']} s per measurement, "
        f"{result['connections']} connections, gunicorn 2 sync workers, "
        f"API_RECHECK_SECONDS {result['recheck_seconds']}.",
        f"Load average before {result['load_before']}, after {result['load_after']}.",
        "",
        "| address | 200 req/s | p50 ms | p99 ms | other CPU | 304 req/s | p50 ms | p99 ms "
        "| other CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(name, data) for name, data in result["measured"].items()]
    process = result["measured"].get("process", {}).get("200", {}).get("rps", 0)
    verdict = "met" if process >= TARGET_RPS else "NOT met"
    lines += ["", f"Target ≥ {TARGET_RPS} req/s for /processes/<slug>: {verdict}."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict[str, Any]:
    database = _database(args.scale, args.database)
    if not (sa.engine.make_url(database).database or "").startswith("mitwirken_bench_"):
        raise SystemExit("the bench database must be named mitwirken_bench_*")
    result: dict[str, Any] = {
        "scale": args.scale,
        "seconds": args.seconds,
        "connections": args.connections,
        "machine": procstat.machine_info(),
        "load_before": procstat.loadavg(),
    }
    with ExitStack() as exit_stack:
        ensure_wrk()
        ensure_services(exit_stack, args.redis)
        result["generate"] = _generate(args.scale, database)
        sampler = procstat.Sampler()
        sampler.start()
        exit_stack.callback(sampler.stop)
        workdir = Path(tempfile.mkdtemp(prefix="mitwirken-bench-api-"))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        logs = settings.RESULTS / f"api-{stamp}-logs"
        if args.recheck is not None:
            os.environ["API_RECHECK_SECONDS"] = str(args.recheck)  # the Stack passes it on
        result["recheck_seconds"] = os.environ.get("API_RECHECK_SECONDS", "default (2)")
        _stand_in_for_beat(args.redis)
        stack = exit_stack.enter_context(Stack(database, logs, sampler, args.redis))
        only = args.only.split(",") if args.only else list(PATHS)
        result["measured"] = {
            name: _measure(stack, sampler, workdir, PATHS[name], args) for name in only
        }
    result["load_after"] = procstat.loadavg()
    settings.RESULTS.mkdir(parents=True, exist_ok=True)
    path = settings.RESULTS / f"api-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(markdown(result) + f"\n\nResults: {path}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(settings.SCALES), default="S")
    parser.add_argument("--database", help="SQLAlchemy URL (default mitwirken_bench_api_<scale>)")
    parser.add_argument("--redis", default=settings.REDIS_URL)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(PATHS)}")
    parser.add_argument(
        "--recheck",
        type=float,
        help="API_RECHECK_SECONDS of the server (0: every request computes its version)",
    )
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
