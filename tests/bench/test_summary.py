"""The Markdown summary of a run: targets, verdicts, and what was not built or skipped."""

from __future__ import annotations

from typing import Any

from bench.scenarios import SCENARIOS
from bench.scenarios.base import NOT_BUILT
from bench.summary import markdown, verdict


def _result(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        "started_at": "2026-12-03T05:00:00+0000",
        "scale": "M",
        "mode": "full",
        "machine": {"git_commit": "abcdef123456", "cpus": 2, "cpu_model": "test"},
        "load": {"before": [1.0, 1.0, 1.0], "during_max_1m": 2.0, "after": [1.5, 1.0, 1.0]},
        "metrics": metrics,
        "details": {},
    }


def test_skipped_scale_scenarios_are_listed_with_their_reason_not_as_failures() -> None:
    metrics = {
        "export_xlsx_100k.s": 12.5,
        "export_xlsx_100k.vs_raw": 2.4,
        "export_csv_250k.s": "skipped: needs scale L",
        "export_sav_250k.s": "skipped: needs scale L",
        "aggregate_lag.s": NOT_BUILT,
        "download_60mb.rss_delta_mb": "failed: RuntimeError",
    }
    text = markdown(_result(metrics))
    assert "| `export_xlsx_100k.s` | <= 20 | 12.5 | met |" in text
    assert "| `export_xlsx_100k.vs_raw` | <= 2 | 2.400 | missed |" in text
    assert "Skipped (needs scale L): `export_csv_250k.s`, `export_sav_250k.s`" in text
    assert "`export_csv_250k.s` |" not in text  # not in the table of measured values
    assert "Not built: `aggregate_lag.s`" in text
    assert "| `download_60mb.rss_delta_mb` | < 20 | failed: RuntimeError | failed |" in text


def test_verdicts() -> None:
    assert verdict("export_csv_250k.s", "skipped: needs scale L") == "skipped"
    assert verdict("export_csv_250k.s", 31.0) == "missed"
    assert verdict("export_csv_250k.s", NOT_BUILT) == NOT_BUILT


def test_the_export_scenarios_are_built() -> None:
    modules = {scenario.name: scenario.run.__module__ for scenario in SCENARIOS}
    assert modules["export_xlsx_100k"] == "bench.scenarios.exports"
    assert modules["export_csv_250k"] == "bench.scenarios.exports"
    assert modules["export_sav_250k"] == "bench.scenarios.exports"
    assert modules["download_60mb"] == "bench.scenarios.download"
