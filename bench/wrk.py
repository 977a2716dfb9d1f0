"""Running Debian's wrk with the bench's Lua scripts and reading its JSON line back.

wrk drives all load: GETs with ``report.lua`` alone, prepared POSTs with
``replay.lua`` or ``survey.lua``. Only loopback URLs are accepted; every run is
bounded by ``-d`` (time) and, for POSTs, by the prepared lines (count); a run given
``until`` ends as soon as it says so (e.g. every thread is through its lines).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.settings import LUA


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    seconds: float
    requests: int
    errors: dict[str, int]
    latency_ms: dict[str, float]
    ok: int = 0
    bad: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    done_keys: list[str] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)  # epoch seconds (paced.lua)
    exhausted: bool = False
    requests_sent: int = 0
    behind_s: float = 0.0  # paced.lua: the latest start's delay, most of any thread
    behind_max_s: float = 0.0  # paced.lua: the largest delay of any start

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok_per_s(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "latency_ms": self.latency_ms,
            "errors": self.errors,
            "ok": self.ok,
            "bad": self.bad,
            "statuses": self.statuses,
            "exhausted": self.exhausted,
        }


def _script(workdir: Path, name: str) -> Path:
    """report.lua followed by the scenario's script, as one file for ``-s``. A name of
    several parts (``survey+paced``) puts their scripts one after the other."""
    parts = [(LUA / "report.lua").read_text()]
    if name != "report":
        parts += [(LUA / f"{part}.lua").read_text() for part in name.split("+")]
    path = workdir / f"wrk-{name}.lua"
    path.write_text("\n".join(parts))
    return path


def run(
    url: str,
    *,
    workdir: Path,
    seconds: float,
    connections: int,
    threads: int | None = None,
    script: str = "report",
    args: list[str] | None = None,
    headers: dict[str, str] | None = None,
    until: Callable[[], bool] | None = None,
) -> WrkResult:
    if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise WrkError(f"wrk only runs against loopback here, not {url}")
    threads = threads or min(2, connections)
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
    ]
    command += ["--timeout", "10s", "-s", str(_script(workdir, script))]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--", *(args or [])]
    stdout, stderr, returncode = _wait(command, seconds + 60, until)
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if returncode != 0 or line is None:
        raise WrkError(f"wrk failed ({returncode}): {stderr.strip() or stdout}")
    return _parse(json.loads(line.removeprefix("BENCH_JSON ")))


def _wait(
    command: list[str], timeout: float, until: Callable[[], bool] | None
) -> tuple[str, str, int]:
    """Run wrk to its end, reading its pipes all along (a full pipe would block it).

    wrk ends after ``-d`` even when every thread stopped early; ``until`` (asked every
    half second) says when there is nothing left to wait for, and a SIGINT then makes
    wrk print its report at once.
    """
    deadline = time.monotonic() + timeout
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            return _communicate(process, deadline, until)
        except BaseException:  # also Ctrl-C: wrk must not outlive the harness
            process.kill()
            raise


def _communicate(
    process: subprocess.Popen[str], deadline: float, until: Callable[[], bool] | None
) -> tuple[str, str, int]:
    interrupted = False
    while True:
        try:
            stdout, stderr = process.communicate(timeout=0.5)
            return stdout, stderr, process.returncode
        except subprocess.TimeoutExpired:
            pass  # communicate keeps what it read so far for the next call
        if time.monotonic() > deadline:
            raise WrkError("wrk did not end in time")
        if until is not None and not interrupted and until():
            process.send_signal(signal.SIGINT)
            interrupted = True


def _parse(data: dict[str, Any]) -> WrkResult:
    latency = data["latency_us"]
    result = WrkResult(
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        errors={k: int(v) for k, v in data["errors"].items()},
        latency_ms={k: round(float(v) / 1000, 2) for k, v in latency.items()},
    )
    for kept in data["threads"]:
        if not isinstance(kept, dict):  # an empty Lua table is encoded as []
            continue
        result.ok += int(kept.get("ok", 0))
        result.bad += int(kept.get("bad", 0))
        result.requests_sent += int(kept.get("requests_sent", 0))
        result.exhausted = result.exhausted or bool(kept.get("exhausted"))
        statuses = kept.get("statuses") or {}
        for status, count in statuses.items() if isinstance(statuses, dict) else []:
            result.statuses[status] = result.statuses.get(status, 0) + int(count)
        result.done_keys += list(kept.get("done_keys") or [])
        result.done_at += [float(moment) for moment in kept.get("done_at") or []]
        result.behind_s = max(result.behind_s, float(kept.get("behind_ms", 0)) / 1000)
        result.behind_max_s = max(result.behind_max_s, float(kept.get("behind_max_ms", 0)) / 1000)
    return result
