"""The benchmark harness does not rot: tiny data, every scenario of ``make bench-quick``, briefly.

``python -m bench.generate --scale S`` builds its own ``mitwirken_bench_smoke_<pid>``
database; ``bench.run --quick`` with one-second scenarios then starts gunicorn and a
Celery worker (on ``TEST_REDIS_URL``, in a queue of its own), drives them with wrk
and writes the results JSON. Runs in the PostgreSQL pass; with ``CI=true`` a missing
PostgreSQL, Redis or wrk fails the test instead of skipping it. No timing is
asserted: only that every metric key is reported, no scenario failed, and the
ground truth of the write scenarios holds (nothing lost, nothing twice).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DB_KIND, PG_ADMIN_URL, REDIS_TEST_URL

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="runs in the PostgreSQL pass"),
]


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"BENCH_PG_URL": PG_ADMIN_URL}
    return subprocess.run(  # noqa: S603  (our own modules, fixed arguments)
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_generate_and_quick_scenarios(bench_database: str, tmp_path: Path) -> None:
    from bench.scenarios import SCENARIOS
    from bench.scenarios.base import NOT_BUILT

    generated = _bench("bench.generate", "--scale", "S", "--database", bench_database)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "scale S generated" in generated.stdout

    run = _bench(
        *("bench.run", "--quick", "--seconds", "1", "--raw-seconds", "1"),
        *("--database", bench_database, "--redis", REDIS_TEST_URL, "--results", str(tmp_path)),
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "up to date" in run.stdout  # the run reused the generated database
    [path] = tmp_path.glob("*.json")
    result = json.loads(path.read_text())
    metrics = result["metrics"]

    assert result["failures"] == {}
    for scenario in SCENARIOS:
        for key in scenario.keys:  # every scenario is built
            assert metrics[key] != NOT_BUILT, key
            assert not str(metrics[key]).startswith("failed"), key
    assert metrics["floor.rps"] > 0
    assert metrics["goal_page.queries"] > 0
    assert metrics["api_results.rps"] > 0
    assert metrics["results_page.rps"] > 0
    assert metrics["aggregate_full.s"] > 0 and metrics["aggregate_full.vs_raw"] > 0
    lag = result["details"]["aggregate_lag"]
    assert lag["submitted"] > 0 and lag["caught_up"] and lag["unseen"] == 0
    assert metrics["aggregate_lag.s"] > 0
    assert 0 < result["details"]["api_results"]["queries"] <= 10
    for scenario in ("survey_submit", "comment_post"):
        assert metrics[f"{scenario}.lost"] == 0
        assert metrics[f"{scenario}.dupes"] == 0
        assert result["details"][scenario]["raw"]["count"] > 0
        assert result["details"][scenario]["statuses"] == {}  # no answer but the redirect
    # the survey without the summary: two POSTs, every one answered by its redirect
    short = result["details"]["survey_submit_short"]
    assert metrics["survey_submit_short.rps"] > 0 and short["statuses"] == {}
    assert metrics["survey_submit_short.lost"] == metrics["survey_submit_short.dupes"] == 0
    assert short["ground_truth"]["answers_mismatched"] == 0
    assert metrics["export_abwaegung_xlsx.rows"] == metrics["export_abwaegung_csv.rows"] > 0
    # Scale S has neither 100,000 contributions nor 250,000 responses.
    assert metrics["export_xlsx_100k.s"] == "skipped: needs scale M"
    assert (
        metrics["export_csv_250k.s"]
        == metrics["export_sav_250k.rss_mb"]
        == ("skipped: needs scale L")
    )
    assert "Skipped (needs scale L): `export_csv_250k.s`" in run.stdout
    assert result["details"]["download_60mb"]["mb"] == 60
    assert isinstance(metrics["download_60mb.rss_delta_mb"], float)
    assert result["machine"]["cpus"] and result["load"]["after"]
