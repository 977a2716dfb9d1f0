"""Exports of the bench process and survey, built by the Celery worker, and a download.

An export is requested as staff would (``request_export``, one commit), the real
worker builds it, and the harness polls the job until it is done. Time is from the
commit to ``done``. Memory is read from /proc while the worker builds: ``rss_mb`` is
the peak RSS of the worker process that built the file (the pool child); the
details add the whole worker tree and what the process kept after the build. Each
export is built by a fresh pool process (Celery's ``pool_restart``), so one export's
memory does not show in the next one's peak.

Each scale scenario has its baseline in the same run, a child process of the
harness whose peak RSS the sampler reads too (role ``baseline``): raw XlsxWriter
writing the same table (:mod:`bench.export_auswertung`), a raw ``COPY … TO STDOUT``
of the same pivot and pyreadstat writing the same frame (:mod:`bench.export_data_run`).
The 250,000-response scenarios need scale L and report "skipped: needs scale L"
otherwise; the 100,000-contribution one needs M.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import sqlalchemy as sa

from app.exports import services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Survey
from bench import settings
from bench.scenarios.base import Context, Metrics, needs_scale


def _build(
    ctx: Context, fmt: ExportFormat, kind: ExportKind = ExportKind.ASSESSMENT
) -> dict[str, Any]:
    ctx.stack.renew_pool(ctx.app.extensions["celery"])
    with ctx.app.app_context():
        process = db.session.get(Process, ctx.manifest.process_id)
        assert process is not None
        survey = None
        if kind == ExportKind.SURVEY_RESPONSES:
            survey = db.session.get(Survey, ctx.manifest.survey_id)
        with ctx.sampler.window() as window:
            job, _ = services.request_export(
                process, kind=kind, fmt=fmt, locale="de", options={}, survey=survey
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


def _baseline(ctx: Context, command: list[str]) -> dict[str, Any]:
    """Run a baseline child process (its last output line is JSON with ``seconds``);
    adds its peak RSS as the sampler saw it and the wall time from outside."""
    started = time.perf_counter()
    with ctx.sampler.window() as window:
        child = subprocess.Popen(
            [sys.executable, *command],
            cwd=settings.ROOT,
            env=ctx.stack.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ctx.sampler.watch("baseline", child.pid)
        try:
            output, errors = child.communicate(timeout=ctx.durations.export_timeout)
        finally:
            ctx.sampler.forget("baseline")
    if child.returncode != 0:
        raise RuntimeError(f"baseline {command[1]} failed: {errors.strip()[-500:]}")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 2)
    result["rss_peak_mb"] = window.process_peaks_mb.get("baseline")
    return result


def _scale_metrics(ctx: Context, prefix: str, ours: dict[str, Any], raw: dict[str, Any]) -> Metrics:
    ctx.record(prefix, **ours, baseline=raw)
    if ours["status"] != "done":
        return dict.fromkeys((f"{prefix}.s", f"{prefix}.rss_mb"), f"failed: {ours['status']}")
    metrics: Metrics = {
        f"{prefix}.s": ours["seconds"],
        f"{prefix}.rss_mb": ours["worker_process_rss_peak_mb"],
        f"{prefix}.raw_s": raw["seconds"],
        f"{prefix}.raw_rss_mb": raw["rss_peak_mb"],
    }
    metrics[f"{prefix}.vs_raw"] = round(ours["seconds"] / max(raw["seconds"], 0.01), 3)
    return metrics


def export_xlsx_100k(ctx: Context) -> Metrics:
    """Auswertung XLSX of 100,000 contributions (<= 20 s, <= 300 MB worker RSS), against
    raw XlsxWriter writing the same table (``vs_raw`` <= 2)."""
    keys = ("export_xlsx_100k.s", "export_xlsx_100k.rss_mb", "export_xlsx_100k.vs_raw")
    if (small := needs_scale(ctx, "M", *keys)) is not None:
        return small
    out = ctx.workdir / "raw.xlsx"
    raw = _baseline(
        ctx,
        [
            *("-m", "bench.export_auswertung", "--child", "raw"),
            *("--database", ctx.stack.database, "--out", str(out)),
            *("--slug", ctx.manifest.process_slug),
        ],
    )
    out.unlink(missing_ok=True)
    return _scale_metrics(ctx, "export_xlsx_100k", _build(ctx, ExportFormat.XLSX), raw)


def export_csv_250k(ctx: Context) -> Metrics:
    """Survey responses CSV, 250,000 x 20 (<= 30 s, <= 300 MB), against raw
    ``COPY ... TO STDOUT`` of the same pivot (``vs_raw`` <= 2). Needs scale L."""
    keys = ("export_csv_250k.s", "export_csv_250k.rss_mb", "export_csv_250k.vs_raw")
    if (small := needs_scale(ctx, "L", *keys)) is not None:
        return small
    raw = _baseline(ctx, ["-m", "bench.export_data_run", "copy-csv", ctx.manifest.survey_slug])
    ours = _build(ctx, ExportFormat.CSV, ExportKind.SURVEY_RESPONSES)
    return _scale_metrics(ctx, "export_csv_250k", ours, raw)


SAV_KEYS = (
    "export_sav_250k.s",
    "export_sav_250k.rss_mb",
    "export_sav_250k.vs_raw",
    "export_sav_250k.vs_copy",
)


def export_sav_250k(ctx: Context) -> Metrics:
    """The same as SAV (<= 40 s, <= 300 MB), against pyreadstat writing the same frame
    (the frame is gathered first and not timed), and (``vs_copy`` <= 2, issue 12)
    against the raw ``COPY`` of the same pivot. Needs scale L."""
    if (small := needs_scale(ctx, "L", *SAV_KEYS)) is not None:
        return small
    command = ["-m", "bench.export_data_run", "pyreadstat-sav", ctx.manifest.survey_slug]
    raw = _baseline(ctx, command)
    copy = _baseline(ctx, ["-m", "bench.export_data_run", "copy-csv", ctx.manifest.survey_slug])
    ours = _build(ctx, ExportFormat.SAV, ExportKind.SURVEY_RESPONSES)
    metrics = _scale_metrics(ctx, "export_sav_250k", ours, raw)
    if isinstance(metrics.get("export_sav_250k.s"), float | int):
        metrics["export_sav_250k.copy_s"] = copy["seconds"]
        metrics["export_sav_250k.vs_copy"] = round(ours["seconds"] / max(copy["seconds"], 0.01), 3)
    return metrics
