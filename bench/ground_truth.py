"""Load with ground truth (issue 16, item 6): ``make bench-ground-truth``.

    .venv/bin/python -m bench.ground_truth [--submissions 20000] [--clients 64]
        [--scale S] [--database URL] [--redis URL] [--catch-up 600] [--results DIR]

On the real stack of ``bench.run`` (gunicorn with 2 workers, PostgreSQL, Redis, one
Celery worker; ``bench.harness``):

1. prepares ``--submissions`` survey submissions for the load survey (session cookie,
   CSRF token, idempotency key and 20 answers each; ``bench.prepare``);
2. wrk replays them with ``--clients`` connections, one thread each
   (``bench/lua/survey.lua``: start, the page, submit), until every thread is through;
   each key the server acknowledged (redirect to the thanks page) is logged at once;
3. counts errors (a status of 400 or more, or a socket error), other unexpected
   answers, keys lost (acknowledged, no submitted response) and duplicates
   (``bench.truth``);
4. waits, at most ``--catch-up`` seconds, until the stored results count every
   submitted response (the worker's coalesced rebuilds), and reports how long that took;
5. compares the snapshot's counts per question, matrix row, option, rank and number
   with ``count(*)`` over the answers in SQL.

Prints a summary and writes ``bench/results/ground-truth-<timestamp>.json``. The exit
status is 1 if any check failed (an aggregate that did not catch up in time is a
failed check, not a skipped one).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.results.models import Aggregate
from app.results.triggers import SURVEY_SCOPE
from app.surveys.lookups import submitted_count
from app.surveys.models import Survey
from bench import harness, settings, truth, wrk
from bench.harness import Started
from bench.prepare import Visitors, survey_submissions, write_split

SEED = 66
SOCKET_ERRORS = ("connect", "read", "write")


def _prepare(bench: Started, count: int, clients: int) -> tuple[Path, list[str]]:
    """The prepared lines, split over one file per wrk thread; the keys in order."""
    with bench.app.app_context():
        survey = db.session.get(Survey, bench.manifest.load_survey_id)
        assert survey is not None
        lines, submissions = survey_submissions(Visitors(bench.app), survey, count, SEED)
        db.session.remove()
    prefix = bench.workdir / "truth"
    write_split(prefix, lines, clients)
    return prefix, [s.key for s in submissions]


def _thread_files(prefix: Path, clients: int, suffix: str) -> list[Path]:
    return [prefix.parent / f"{prefix.name}.{n}.{suffix}" for n in range(clients)]


def _all_through(prefix: Path, clients: int) -> Callable[[], bool]:
    markers = _thread_files(prefix, clients, "exhausted")
    return lambda: all(marker.exists() for marker in markers)


def acknowledged(prefix: Path, clients: int) -> list[str]:
    """Every key the Lua script logged as acknowledged, repeats kept."""
    keys: list[str] = []
    for path in _thread_files(prefix, clients, "acked"):
        if path.exists():
            keys += [line for line in path.read_text().splitlines() if line]
    return keys


def errors(result: wrk.WrkResult) -> dict[str, int]:
    """Socket errors, answers with a status >= 400, and other unexpected answers (a 200
    where a redirect was due, a redirect elsewhere). Statuses are "<step>:<status>".

    wrk's "timeout" is no error here: wrk neither aborts nor retries such a request, it
    only leaves answers slower than ``--timeout`` (10 s) out of the latency histogram and
    counts them (a request that never got its answer leaves its key unacknowledged).
    It is reported as ``slow`` next to the errors."""
    http = sum(n for what, n in result.statuses.items() if int(what.split(":")[1]) >= 400)
    return {
        "socket": sum(result.errors.get(kind, 0) for kind in SOCKET_ERRORS),
        "http": http,
        "unexpected": result.bad - http,
    }


def _load(bench: Started, prefix: Path, clients: int, max_seconds: float) -> dict[str, Any]:
    base = f"/{settings.LANG}/surveys/{bench.manifest.load_survey_slug}"
    with bench.sampler.window() as window:
        result = wrk.run(
            bench.stack.base_url + base + "/start",
            workdir=bench.workdir,
            seconds=max_seconds,
            connections=clients,
            threads=clients,
            script="survey",
            args=[str(prefix), base + "/start", base + "/page/1", base + "/submit"],
            until=_all_through(prefix, clients),
        )
    return {
        "wrk": result.summary(),
        "submissions_per_s": round(result.ok_per_s, 1),
        "p99_ms": result.latency_ms["p99"],
        "errors": errors(result),
        "slow_over_timeout": result.errors.get("timeout", 0),
        "reported_keys": len(result.done_keys),
        "all_threads_through": result.exhausted and _all_through(prefix, clients)(),
        "cpu": window.cpu,
        "cpu_s": window.cpu_s,
        "rss_peak_mb": window.peaks_mb,
    }


def _snapshot(survey_id: int) -> tuple[dict[str, Any] | None, bool]:
    """The stored main snapshot (None before the first rebuild) and whether the scope
    is marked dirty (a rebuild is due)."""
    row = db.session.execute(
        sa.select(Aggregate.data, Aggregate.computed_at, Aggregate.dirty_since).where(
            Aggregate.scope == SURVEY_SCOPE, Aggregate.scope_id == survey_id
        )
    ).first()
    if row is None:
        return None, True
    return (row.data if row.computed_at else None), row.dirty_since is not None


def catch_up(bench: Started, timeout: float) -> dict[str, Any]:
    """Wait until the snapshot counts every submitted response and no rebuild is due."""
    survey_id = bench.manifest.load_survey_id
    begun = time.monotonic()
    with bench.app.app_context():
        while True:
            submitted = submitted_count(survey_id)  # requests in flight when wrk stopped
            data, dirty = _snapshot(survey_id)
            counted = None if data is None else int(data["respondents"]["n"])
            db.session.rollback()  # the next look sees newer commits
            waited = round(time.monotonic() - begun, 1)
            if (counted == submitted and not dirty) or waited > timeout:
                break
            time.sleep(0.5)
        db.session.remove()
    caught_up = counted == submitted and not dirty
    return {"caught_up": caught_up, "seconds": waited, "submitted": submitted, "counted": counted}


def compare(bench: Started) -> dict[str, Any]:
    """The stored snapshot's counts against ``count(*)`` in SQL, key by key."""
    survey_id = bench.manifest.load_survey_id
    with bench.app.app_context():
        data, _dirty = _snapshot(survey_id)
        db.session.remove()
        if data is None:
            return {"match": False, "keys": 0, "mismatches": 0, "first_mismatches": []}
        with db.engine.connect() as conn:
            counted = truth.sql_counts(conn, survey_id, truth.kinds_of(data))
    mismatches = truth.compare_counts(truth.snapshot_counts(data), counted)
    return {
        "match": not mismatches,
        "keys": len(counted),
        "mismatches": len(mismatches),
        "first_mismatches": [[list(m.key), m.snapshot, m.sql] for m in mismatches[:20]],
    }


def submissions(bench: Started, prepared: list[str], prefix: Path, clients: int) -> dict[str, Any]:
    with bench.app.app_context(), db.engine.connect() as conn:
        stored = truth.stored_keys(conn, bench.manifest.load_survey_id)
    return truth.check_submissions(prepared, acknowledged(prefix, clients), stored).as_dict()


def checks(outcome: dict[str, Any]) -> dict[str, bool]:
    """What must hold; each is reported, and any False makes the run fail."""
    keys, load = outcome["submissions"], outcome["load"]
    return {
        "no_errors": sum(load["errors"].values()) == 0,
        "all_acknowledged": keys["acknowledged"] == keys["prepared"],
        "none_lost": keys["lost"] == 0,
        "no_dupes": keys["dupes"] == 0,
        "aggregates_caught_up": outcome["catch_up"]["caught_up"],
        "counts_match": outcome["counts"]["match"],
    }


def measure(bench: Started, count: int, clients: int, args: argparse.Namespace) -> dict[str, Any]:
    begun = time.perf_counter()
    prefix, prepared = _prepare(bench, count, clients)
    outcome: dict[str, Any] = {"prepare_s": round(time.perf_counter() - begun, 1)}
    print(f"==> {count} submissions prepared in {outcome['prepare_s']} s; load", flush=True)
    outcome["load"] = _load(bench, prefix, clients, args.max_seconds)
    outcome["submissions"] = submissions(bench, prepared, prefix, clients)
    print(f"==> load done; waiting for the aggregates (at most {args.catch_up} s)", flush=True)
    outcome["catch_up"] = catch_up(bench, args.catch_up)
    outcome["counts"] = compare(bench)
    outcome["checks"] = checks(outcome)
    return outcome


def summary(result: dict[str, Any]) -> str:
    out, load, keys = result["outcome"], result["outcome"]["load"], result["outcome"]["submissions"]
    wait, counts = out["catch_up"], out["counts"]
    lines = [
        f"## Ground truth {result['started_at']} (scale {result['scale']})",
        "",
        f"{keys['prepared']:,} submissions prepared, {result['clients']} clients: "
        f"{load['submissions_per_s']} submissions/s, p99 {load['p99_ms']} ms "
        f"(all three requests), {load['wrk']['seconds']} s.",
        f"Errors: {load['errors']}; slower than wrk's 10 s timeout (answered, left out of "
        f"the percentiles): {load['slow_over_timeout']}.",
        f"Acknowledged {keys['acknowledged']:,}, stored {keys['stored']:,}, lost "
        f"{keys['lost']}, dupes {keys['dupes']}, stored without acknowledgement "
        f"{keys['stored_unacknowledged']}.",
        f"Aggregates {'caught up' if wait['caught_up'] else 'did NOT catch up'} after "
        f"{wait['seconds']} s (counted {wait['counted']} of {wait['submitted']}).",
        f"Snapshot vs SQL: {'match' if counts['match'] else 'MISMATCH'} over "
        f"{counts['keys']} counts ({counts['mismatches']} differ).",
        f"Load average before {result['load']['before']}, highest 1-min during "
        f"{result['load']['during_max_1m']}, after {result['load']['after']}.",
        "",
        "Checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in out["checks"].items()),
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    database = args.database or settings.database_url(args.scale)
    harness.guard_database(database)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = Path(args.results)
    result = harness.header("ground_truth", args.scale)
    result["clients"] = args.clients
    logs = results / f"ground-truth-{stamp}-logs"
    with harness.started(database, args.scale, args.redis, logs) as bench:
        result |= bench.facts
        result["outcome"] = measure(bench, args.submissions, args.clients, args)
        result["load"] = bench.load()
        result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    path = harness.write_result(results, f"ground-truth-{stamp}", result)
    print("\n" + summary(result) + f"\n\nResults: {path}", flush=True)
    return 0 if all(result["outcome"]["checks"].values()) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--scale", choices=sorted(settings.SCALES), default="S")
    parser.add_argument("--database", help="bench database URL (mitwirken_bench_*)")
    parser.add_argument("--redis", default=settings.REDIS_URL)
    parser.add_argument("--catch-up", type=float, default=600, help="seconds to wait at most")
    parser.add_argument("--max-seconds", type=float, default=3600, help="wrk's -d bound")
    parser.add_argument("--results", default=str(settings.RESULTS))
    args = parser.parse_args(argv)
    return harness.main_guarded(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
