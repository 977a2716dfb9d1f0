"""A staff member downloads a 60 MB export through the run's gunicorn (target < 20 MB).

A finished export job whose file is 60 MB of random bytes is put into the export
storage the server reads. A staff member of the bench process signs in through the
login form and downloads the file through the real route. Each gunicorn worker's RSS
is sampled from outside every 10 ms; ``rss_delta_mb`` is the largest growth of a
worker over its RSS before the download (after a one-byte range request per worker
has loaded the route's code). The details add the kernel's VmHWM growth.
"""

from __future__ import annotations

import http.cookiejar
import threading
import time
import urllib.request
from typing import Any

import psutil
import sqlalchemy as sa

from bench.export_data_download import MB, SIZE, finished_job, sign_in, vm_hwm
from bench.export_data_seed import PASSWORD, STAFF
from bench.scenarios.base import Context, Metrics

KEY = "bench-60mb.csv"


class _AnyScheme(http.cookiejar.DefaultCookiePolicy):
    """The server sets Secure cookies (production mode) but listens on plain loopback."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return True


def _opener() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar(policy=_AnyScheme())
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _staff(ctx: Context) -> None:
    """The staff member of the bench process (kept across runs)."""
    from app.accounts.models import Role, User
    from app.accounts.services import create_user, grant_role
    from app.extensions import db
    from app.processes.models import Process

    with ctx.app.app_context():
        if db.session.scalar(sa.select(User.id).where(User.email == STAFF)) is None:
            process = db.session.get(Process, ctx.manifest.process_id)
            assert process is not None
            grant_role(create_user(STAFF, "Bench", PASSWORD, verified=True), process, Role.STAFF)
            db.session.commit()


def _finished_job(ctx: Context) -> int:
    """A done export job whose stored file is 60 MB of random bytes."""
    with ctx.app.app_context():
        return finished_job(ctx.manifest.process_id, KEY)


def _remove_file(ctx: Context) -> None:
    from app.exports.storage import get_storage

    with ctx.app.app_context():
        get_storage().delete(KEY)


class _Peaks:
    """RSS of each gunicorn worker, sampled every 10 ms in a thread."""

    def __init__(self, workers: list[psutil.Process]) -> None:
        self.workers = workers
        self.before = {w.pid: w.memory_info().rss for w in workers}
        self.hwm_before = {w.pid: vm_hwm(w.pid) for w in workers}
        self.peak = dict(self.before)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            for worker in self.workers:
                self.peak[worker.pid] = max(self.peak[worker.pid], worker.memory_info().rss)
            time.sleep(0.01)

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        grown = max(self.peak[p] - self.before[p] for p in self.before)
        hwm = max(vm_hwm(p) - self.hwm_before[p] for p in self.before)
        return {"rss_delta_mb": round(grown / MB, 1), "vmhwm_delta_mb": round(hwm / MB, 1)}


def download_60mb(ctx: Context) -> Metrics:
    """Server RSS growth while a 60 MB export is downloaded (target < 20 MB)."""
    assert ctx.stack.server is not None
    _staff(ctx)
    job_id = _finished_job(ctx)
    try:
        opener = _opener()
        sign_in(opener, ctx.stack.base_url)
        link = ctx.url(f"/de/staff/exports/p/{ctx.manifest.process_slug}/{job_id}/download")
        workers = psutil.Process(ctx.stack.server.pid).children()
        for _ in range(2 * len(workers)):  # each worker most likely served one
            warm = urllib.request.Request(link, headers={"Range": "bytes=0-0"})
            assert len(opener.open(warm).read()) == 1, "the range request was not served"
        peaks = _Peaks(workers)
        started = time.perf_counter()
        received = 0
        with opener.open(link) as response:
            while block := response.read(1 << 16):
                received += len(block)
        seconds = time.perf_counter() - started
        grown = peaks.stop()
    finally:
        _remove_file(ctx)
    if received != SIZE:
        raise RuntimeError(f"downloaded {received} bytes of {SIZE}")
    ctx.record("download_60mb", seconds=round(seconds, 2), mb=SIZE // MB, **grown)
    return {"download_60mb.rss_delta_mb": grown["rss_delta_mb"]}
