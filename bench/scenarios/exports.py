"""The Abwägung export (council annex) of the bench process, built by the Celery worker.

The export is requested as staff would (``request_export``, one commit), the real
worker builds it, and the harness polls the job until it is done. Time is from the
commit to ``done``. Memory is read from /proc while the worker builds: ``rss_mb`` is
the peak RSS of the worker process that built the file (the pool child); the
details add the whole worker tree and what the process kept after the build. Each
format is built by a fresh pool process (Celery's ``pool_restart``), so one export's
memory does not show in the next one's peak.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from app.exports import services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.extensions import db
from app.processes.models import Process
from bench.scenarios.base import Context, Metrics


def _build(ctx: Context, fmt: ExportFormat) -> dict[str, Any]:
    ctx.stack.renew_pool(ctx.app.extensions["celery"])
    with ctx.app.app_context():
        process = db.session.get(Process, ctx.manifest.process_id)
        assert process is not None
        with ctx.sampler.window() as window:
            job, _ = services.request_export(
                process, kind=ExportKind.ASSESSMENT, fmt=fmt, locale="de", options={}
            )
            db.session.commit()  # the task goes to the worker after this commit
            started = time.perf_counter()
            job_id = job.id
            status = _wait(job_id, ctx.durations.export_timeout)
            seconds = time.perf_counter() - started
        row = db.session.execute(
            sa.select(ExportJob.row_count, ExportJob.size, ExportJob.error).where(
                ExportJob.id == job_id
            )
        ).one()
    return {
        "status": status,
        "seconds": round(seconds, 2),
        "rows": row[0],
        "bytes": int(row[1] or 0),
        "error": row[2],
        "worker_process_rss_peak_mb": window.process_peaks_mb.get("worker"),
        "worker_tree_rss_start_mb": window.start_mb.get("worker"),
        "worker_tree_rss_peak_mb": window.peaks_mb.get("worker"),
        "worker_tree_rss_after_mb": window.end_mb.get("worker"),
        "cpu": window.cpu,
    }


def _wait(job_id: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        status = db.session.scalar(sa.select(ExportJob.status).where(ExportJob.id == job_id))
        db.session.rollback()  # a fresh snapshot on the next poll
        if status in (ExportStatus.DONE, ExportStatus.FAILED):
            return str(status.value)
        time.sleep(0.2)
    return "timeout"


def abwaegung_export(ctx: Context) -> Metrics:
    metrics: Metrics = {}
    for fmt in (ExportFormat.XLSX, ExportFormat.CSV):
        result = _build(ctx, fmt)
        ctx.record(f"export_abwaegung_{fmt.value}", **result)
        prefix = f"export_abwaegung_{fmt.value}"
        done = result["status"] == "done"
        metrics[f"{prefix}.s"] = result["seconds"] if done else f"failed: {result['status']}"
        metrics[f"{prefix}.rss_mb"] = result["worker_process_rss_peak_mb"]
        metrics[f"{prefix}.rows"] = result["rows"]
    return metrics
