"""Wilson intervals, quantiles, mean and sd against statsmodels, numpy and pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from app.results.stats import kish_n_eff, quantile, summarise, wilson

counts = st.integers(min_value=1, max_value=5000)
values = st.lists(st.integers(min_value=-50, max_value=50), min_size=1, max_size=60)


@given(n=counts, data=st.data())
def test_wilson_matches_statsmodels(n: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=n))
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert wilson(successes, n) == pytest.approx((low, high), abs=1e-12)


def test_wilson_of_nothing_is_none() -> None:
    assert wilson(0, 0) is None


def _histogram(
    sample: list[int], weights: list[float] | None = None
) -> list[tuple[float, int, float]]:
    frame = pd.DataFrame({"v": sample, "w": weights or [1.0] * len(sample)})
    grouped = frame.groupby("v").agg(c=("w", "size"), w=("w", "sum"))
    return [(float(v), int(r.c), float(r.w)) for v, r in grouped.iterrows()]


@given(sample=values)
def test_unweighted_summary_matches_pandas_and_numpy(sample: list[int]) -> None:
    summary = summarise(_histogram(sample), weighted=False)
    assert summary is not None
    series = pd.Series(sample, dtype=float)
    assert summary.n == len(sample)
    assert summary.mean == pytest.approx(series.mean(), abs=1e-9)
    if len(sample) > 1:
        assert summary.sd == pytest.approx(series.std(ddof=1), abs=1e-9)
    else:
        assert summary.sd is None
    for p, got in ((0.25, summary.q1), (0.5, summary.median), (0.75, summary.q3)):
        assert got == np.quantile(sample, p, method="averaged_inverted_cdf")
    assert (summary.minimum, summary.maximum) == (min(sample), max(sample))


@settings(max_examples=60)
@given(sample=values, data=st.data())
def test_weighted_quantiles_equal_those_of_the_repeated_sample(
    sample: list[int], data: st.DataObject
) -> None:
    """Integer weights: weighting by w is the same as repeating the answer w times."""
    weights = data.draw(st.lists(st.integers(1, 5), min_size=len(sample), max_size=len(sample)))
    summary = summarise(_histogram(sample, [float(w) for w in weights]), weighted=True)
    assert summary is not None
    repeated = np.repeat(sample, weights)
    for p, got in ((0.25, summary.q1), (0.5, summary.median), (0.75, summary.q3)):
        assert got == np.quantile(repeated, p, method="averaged_inverted_cdf")
    assert summary.mean == pytest.approx(repeated.mean(), abs=1e-9)


@settings(max_examples=60)
@given(sample=values, data=st.data())
def test_weighted_mean_and_sd_match_statsmodels(sample: list[int], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.floats(0.2, 5.0), min_size=len(sample), max_size=len(sample)))
    summary = summarise(_histogram(sample, weights), weighted=True)
    assert summary is not None
    described = DescrStatsW(np.array(sample, dtype=float), weights=np.array(weights))
    assert summary.mean == pytest.approx(described.mean, rel=1e-9, abs=1e-9)
    n = len(sample)
    if n > 1:
        assert summary.sd == pytest.approx(np.sqrt(described.var * n / (n - 1)), rel=1e-7, abs=1e-9)


def test_quantile_averages_at_an_exact_boundary() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1], 0.5) == 2.5
    assert quantile([1.0, 2.0], [3, 1], 0.5) == 1.0


@given(st.lists(st.floats(0.1, 10.0), min_size=1, max_size=50))
def test_kish_n_eff(weights: list[float]) -> None:
    array = np.array(weights)
    expected = array.sum() ** 2 / (array**2).sum()
    assert kish_n_eff(array.sum(), (array**2).sum()) == pytest.approx(expected)
    assert kish_n_eff(array.sum(), (array**2).sum()) <= len(weights) + 1e-9
