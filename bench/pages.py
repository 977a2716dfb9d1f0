"""Page-load benchmark against the real stack: gunicorn + PostgreSQL (+ Redis).

    .venv/bin/python -m bench.pages [--database postgresql://postgres@127.0.0.1/mitwirken_bench]
                                    [--seconds 20] [--clients 8] [--workers 2]

Creates (or reuses) the bench database, migrates it, loads the demo, starts gunicorn
on a free loopback port and requests the public pages from several client threads for
a bounded time. Prints requests per second and latency percentiles per page, and
writes them to bench/results/pages.json. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "/de/",
    "process": "/de/p/hf12-verwaltung/",
    "goal": "/de/p/hf12-verwaltung/goals/12.2.2",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare_database(url: str, env: dict[str, str]) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)


def _wait_ready(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not become ready")


def _hammer(url: str, until: float) -> list[float]:
    latencies = []
    while time.monotonic() < until:
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            assert response.status == 200
        latencies.append(time.perf_counter() - start)
    return latencies


def _measure(base: str, path: str, seconds: float, clients: int) -> dict[str, float]:
    until = time.monotonic() + seconds
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda _: _hammer(base + path, until), range(clients)))
    latencies = sorted(x for chunk in results for x in chunk)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = os.environ | {
        "FLASK_APP": "app",
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret"),
    }
    _prepare_database(args.database, env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        report = {
            name: _measure(base, path, args.seconds, args.clients) for name, path in PAGES.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(report, indent=2))
    for name, numbers in report.items():
        print(f"{name:8} {numbers}")


if __name__ == "__main__":
    main()
