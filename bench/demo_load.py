"""How long ``flask demo load`` takes on a fresh SQLite database (what ``make run`` does).

    .venv/bin/python -m bench.demo_load [--runs N]

Each run migrates a new SQLite file in a temporary folder and times ``flask demo
load`` as the CLI process a developer starts (interpreter start and app import
included). Prints every run and the median in seconds. The target is under 10 s on
the development machine; the test suite only checks what the load creates
(tests/demo/), never how long it takes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def one_run() -> float:
    """Seconds of one ``flask demo load`` on a freshly migrated database."""
    with tempfile.TemporaryDirectory(prefix="mitwirken-demo-load-") as folder:
        env = os.environ | {"DATABASE_URL": f"sqlite:///{folder}/demo.db"}
        env.pop("REDIS_URL", None)  # tasks run eagerly, as with `make run`
        _flask(env, "db", "upgrade")
        started = time.perf_counter()
        _flask(env, "demo", "load")
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    seconds = [one_run() for _ in range(args.runs)]
    for number, value in enumerate(seconds, start=1):
        print(f"run {number}: {value:.2f} s")
    print(f"median: {statistics.median(seconds):.2f} s (target < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
