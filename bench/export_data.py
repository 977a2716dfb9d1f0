"""Export data benchmark: survey data of 250,000 responses x 20 questions, and a download.

    .venv/bin/python -m bench.export_data [--database postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench_exports]
                                          [--responses 250000] [--reuse] [--keep]

Creates the PostgreSQL database ``mitwirken_bench_exports`` (``--reuse``: keep the
data of an earlier run if it has the same size), migrates it and adds an anonymised
survey of 20 questions (single choices, scales, two matrices, multiple choices, a
ranking, numbers, texts, a conditional question) with ``--responses`` weighted
responses, bulk-loaded with ``COPY``. Then, each in a process of its own, with its
time and peak RSS measured from outside (``/proc/<pid>/status`` VmHWM, read before
the process exits, and psutil sampling):

- ``csv``/``sav``: the export task body (``app.exports.build.run_job``: pivot pages,
  coding, the writer, the storage, progress commits);
- ``copy-csv``: the baseline, ``COPY (<the same pivot>) TO STDOUT`` into a file;
- ``pyreadstat-sav``: the baseline, pyreadstat writing a frame of the same shape;
- ``download``: gunicorn (one sync worker) serving a 60 MB export file to a signed-in
  staff member; the worker's RSS before and at its peak during the download.

Targets (issue 12): CSV ≤ 30 s, SAV ≤ 40 s, ≤ 300 MB peak RSS each; the download
adds < 20 MB. Results go to bench/results/export_data.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from bench import export_data_seed as seed

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench_exports"
STORAGE = Path("/tmp/mitwirken-bench-exports")
MB = 1024 * 1024


def _env(url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "EXPORT_STORAGE": str(STORAGE),
        "REDIS_URL": "",
    }


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(url: str, name: str) -> dict[str, Any]:
    """Run ``name`` in a child process; its time and peak RSS, seen from outside."""
    command = [sys.executable, "-m", "bench.export_data_run", name]
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_env(url),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process = psutil.Process(child.pid)
    sampled = 0
    assert child.stdout is not None and child.stdin is not None
    os.set_blocking(child.stdout.fileno(), False)
    line = ""
    while not line:
        try:
            sampled = max(sampled, process.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        line = child.stdout.readline()
        time.sleep(0.05)
    hwm = _vm_hwm(child.pid)  # the child waits for us before it exits
    cpu = process.cpu_times()
    child.stdin.close()
    child.wait(timeout=60)
    result: dict[str, Any] = json.loads(line)
    result["peak_rss_mb"] = round(max(hwm, sampled) / MB, 1)
    result["process_cpu_seconds"] = round(cpu.user + cpu.system, 1)  # without the database
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--responses", type=int, default=250_000)
    parser.add_argument("--reuse", action="store_true", help="keep data of the same size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    STORAGE.mkdir(parents=True, exist_ok=True)
    seeded = seed.prepare(args.database, args.responses, reuse=args.reuse)
    report: dict[str, Any] = {"responses": args.responses, "seed": seeded}
    try:
        for name in ("copy-csv", "csv", "pyreadstat-sav", "sav"):
            report[name] = measure(args.database, name)
            print(f"{name:15} {report[name]}", flush=True)
        from bench.export_data_download import download

        report["download"] = download(args.database, _env(args.database))
        print(f"{'download':15} {report['download']}", flush=True)
    finally:
        if not args.keep:
            seed.drop(args.database)
    for fmt, baseline in (("csv", "copy-csv"), ("sav", "pyreadstat-sav")):
        report[f"{fmt}_vs_{baseline}"] = round(
            report[fmt]["seconds"] / max(report[baseline]["seconds"], 0.001), 2
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "export_data.json").write_text(json.dumps(report, indent=2) + "\n")
    report["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps({k: v for k, v in report.items() if "_vs_" in k or k == "load_average"}))


if __name__ == "__main__":
    main()
