"""How bench.lag turns polled snapshots and acknowledgement times into lags, and the
paced survey script wrk runs for it (no stack needed; wrk runs it in the smoke test,
tests/bench/test_harness.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import lag, wrk
from bench.scenarios import SCENARIOS, results


def _sample(at: float, n: int) -> lag.Sample:
    return lag.Sample(at=at, n=n, as_of=f"v{n}")


def test_each_submission_waits_for_the_first_snapshot_that_counts_it() -> None:
    samples = [_sample(0.0, 100), _sample(1.0, 100), _sample(4.0, 102), _sample(9.0, 103)]
    measured = lag.lags([0.5, 0.8, 3.0], samples, base_n=100, end=10.0)
    assert measured.seconds == pytest.approx([3.5, 3.2, 6.0])
    assert measured.max_s == pytest.approx(6.0)
    assert measured.p50_s == pytest.approx(3.5)
    assert measured.unseen == 0


def test_a_submission_never_counted_waits_until_the_end() -> None:
    samples = [_sample(0.0, 10), _sample(2.0, 11)]
    measured = lag.lags([1.0, 1.5], samples, base_n=10, end=30.0)
    assert measured.seconds == pytest.approx([1.0, 28.5])
    assert measured.unseen == 1


def test_no_submissions_give_no_lag() -> None:
    measured = lag.lags([], [_sample(0.0, 5)], base_n=5, end=1.0)
    assert measured.max_s is None and measured.p50_s is None


def test_the_paced_script_follows_the_survey_script(tmp_path: Path) -> None:
    script = wrk._script(tmp_path, "survey+paced").read_text()
    assert script.index("function request()") < script.index("function delay()")
    assert script.index("bench_collect = {") < script.index('"done_at"')


def test_aggregate_lag_is_a_results_scenario_now() -> None:
    [scenario] = [s for s in SCENARIOS if s.name == "aggregate_lag"]
    assert scenario.run is results.aggregate_lag
    assert scenario.keys == ("aggregate_lag.s",)
