"""What every scenario gets (``Context``) and gives back (metric key → value)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from bench.data.manifest import Manifest
from bench.procstat import Sampler, Window
from bench.stack import Stack

NOT_BUILT = "not built"
SKIPPED = "skipped: needs scale"  # + the scale, e.g. "skipped: needs scale L"
SCALE_ORDER = ("S", "M", "L")
Metrics = dict[str, Any]


@dataclass
class Durations:
    load: float  # seconds of wrk per scenario
    raw: float  # seconds of each raw-insert baseline
    export_timeout: float


@dataclass
class Context:
    app: Flask  # the harness's copy of the server's app (same config and database)
    stack: Stack
    manifest: Manifest
    sampler: Sampler
    workdir: Path
    durations: Durations
    # Puts the database back as generated (rows written by the run removed, counts
    # rebuilt); write scenarios call it when done, so later scenarios see the same data.
    restore: Callable[[], dict[str, int]]
    metrics: Metrics = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.stack.base_url + path

    @property
    def dsn(self) -> str:
        return self.stack.database.replace("postgresql+psycopg://", "postgresql://", 1)

    def record(self, name: str, **values: Any) -> None:
        self.details.setdefault(name, {}).update(values)

    def record_window(self, name: str, window: Window) -> None:
        self.record(
            name,
            rss_peak_mb=window.peaks_mb,
            rss_process_peak_mb=window.process_peaks_mb,
            rss_start_mb=window.start_mb,
            cpu=window.cpu,
            load_end=window.load_end,
            pg_active_by_wait=window.probe,
            cpu_s=window.cpu_s,
        )

    def record_cpu_per_request(self, name: str, window: Window, requests: int) -> None:
        """CPU milliseconds per request of the server and of the database backends: less
        sensitive than requests/s to what else runs on the machine."""
        if requests:
            self.record(
                name,
                server_cpu_ms_per_request=round(window.cpu_s.get("server", 0) * 1000 / requests, 1),
                db_cpu_ms_per_request=round(window.cpu_s.get("postgres", 0) * 1000 / requests, 1),
            )

    def ratio(self, value: float, baseline_key: str) -> float | None:
        baseline = self.metrics.get(baseline_key)
        if not isinstance(baseline, int | float) or not baseline:
            return None
        return round(value / baseline, 3)


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Context], Metrics]
    keys: tuple[str, ...]  # the metric keys it reports (all of them, built or not)


def not_built(*keys: str) -> Metrics:
    return dict.fromkeys(keys, NOT_BUILT)


def skipped(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SKIPPED)


def needs_scale(ctx: Context, scale: str, *keys: str) -> Metrics | None:
    """``keys`` as "skipped: needs scale <scale>" when the run's data is smaller than
    ``scale`` (e.g. 250,000 responses only exist at L); None when it is big enough."""
    if SCALE_ORDER.index(ctx.manifest.scale) >= SCALE_ORDER.index(scale):
        return None
    return dict.fromkeys(keys, f"{SKIPPED} {scale}")
