"""The download part of bench.export_data: gunicorn serves a 60 MB export file.

A staff member signs in and downloads a finished export of 60 MB through the real
route (``…/download``). The gunicorn worker's RSS is sampled from outside every
10 ms; its VmHWM before and after tells the same from the kernel's side.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil

from bench.export_data_seed import PASSWORD, PROCESS, STAFF

ROOT = Path(__file__).resolve().parent.parent
SIZE = 60 * 1024 * 1024
MB = 1024 * 1024


def finished_job(process_id: int, key: str) -> int:
    """A done export job of ``process_id`` whose stored file (under ``key``) is 60 MB
    of random bytes; needs an app context. Shared by this script and the harness's
    ``download_60mb`` scenario."""
    from app.db import utcnow
    from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
    from app.exports.storage import get_storage
    from app.extensions import db

    with get_storage().writer(key) as out:
        for _ in range(SIZE // MB):
            out.write(os.urandom(MB))
    job = ExportJob(
        process_id=process_id,
        kind=ExportKind.ASSESSMENT,
        format=ExportFormat.CSV,
        locale="de",
        options={},
        status=ExportStatus.DONE,
        storage_key=key,
        size=SIZE,
        filename="bench.csv",
        content_type="text/csv; charset=utf-8",
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def _finished_job(env: dict[str, str]) -> int:
    """The 60 MB job of the bench process of :mod:`bench.export_data_seed`."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.processes.models import Process

    os.environ.update(env)
    with create_app().app_context():
        process = db.session.scalar(sa.select(Process).where(Process.slug == PROCESS))
        assert process is not None
        return finished_job(process.id, "bench-60mb.csv")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def sign_in(opener: urllib.request.OpenerDirector, base: str) -> None:
    page = opener.open(f"{base}/de/account/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"csrf_token": token.group(1), "email": STAFF, "password": PASSWORD}
    opener.open(f"{base}/de/account/login", urllib.parse.urlencode(form).encode()).read()


def vm_hwm(pid: int) -> int:
    """The kernel's peak RSS of ``pid`` (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def download(url: str, env: dict[str, str]) -> dict[str, Any]:
    job_id = _finished_job(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*gunicorn, "app:create_app()"], cwd=ROOT, env=env)
    try:
        _wait_for(base)
        worker = psutil.Process(server.pid).children()[0]
        opener = _opener()
        sign_in(opener, base)
        link = f"{base}/de/staff/exports/p/{PROCESS}/{job_id}/download"
        warm = urllib.request.Request(link, headers={"Range": "bytes=0-0"})
        opener.open(warm).read()  # the route's code is loaded; this is the baseline
        before = worker.memory_info().rss
        hwm_before = vm_hwm(worker.pid)
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], worker.memory_info().rss)
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        received = 0
        with opener.open(link) as response:
            while block := response.read(1 << 16):
                received += len(block)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        assert received == SIZE, received
        return {
            "mb": SIZE // MB,
            "seconds": round(seconds, 2),
            "rss_before_mb": round(before / MB, 1),
            "rss_added_mb": round((peak[0] - before) / MB, 1),
            "vmhwm_added_mb": round((vm_hwm(worker.pid) - hwm_before) / MB, 1),
        }
    finally:
        server.terminate()
        server.wait(timeout=20)
