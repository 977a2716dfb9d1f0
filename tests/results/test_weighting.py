"""Raking against independent implementations (weightipy and a numpy reference at the
level of respondents), and its properties on generated data (hypothesis)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import weightipy
from hypothesis import given
from hypothesis import strategies as st

from app.results.weighting import Margin, rake

AGES, TOWNS = [1, 2, 3, 4], [10, 11, 12]


def _sample(seed: int, n: int = 800) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.choice(AGES, n, p=[0.1, 0.2, 0.3, 0.4]),
            "town": rng.choice(TOWNS, n, p=[0.6, 0.3, 0.1]),
        }
    )


def _cells(frame: pd.DataFrame) -> dict[tuple[int | None, ...], int]:
    return dict(Counter(zip(frame.age.tolist(), frame.town.tolist(), strict=True)))


def _reference_ipf(frame: pd.DataFrame, targets: dict[str, dict[int, float]]) -> np.ndarray:
    """Plain IPF over respondents (numpy), as in the textbooks."""
    weights = np.ones(len(frame))
    for _ in range(1000):
        for column, shares in targets.items():
            values = frame[column].to_numpy()
            for category, share in shares.items():
                mask = values == category
                weights[mask] *= share * len(frame) / weights[mask].sum()
    return weights


AGE_TARGET = {1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25}
TOWN_TARGET = {10: 0.5, 11: 0.3, 12: 0.2}


def _mine(frame: pd.DataFrame, cap: float = 1000.0) -> np.ndarray:
    weights, report = rake(_cells(frame), [Margin(1, AGE_TARGET), Margin(2, TOWN_TARGET)], cap=cap)
    assert report.converged
    keys = zip(frame.age.tolist(), frame.town.tolist(), strict=True)
    return np.array([weights[key] for key in keys])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_raking_matches_weightipy(seed: int) -> None:
    frame = _sample(seed)
    scheme = weightipy.scheme_from_dict(
        {
            "age": {k: 100 * v for k, v in AGE_TARGET.items()},
            "town": {k: 100 * v for k, v in TOWN_TARGET.items()},
        },
        rim_params={"convcrit": 1e-10, "max_iterations": 5000},
    )
    theirs = weightipy.weight(frame, scheme).to_numpy()
    theirs = theirs / theirs.mean()
    assert _mine(frame) == pytest.approx(theirs, abs=1e-6)


@pytest.mark.parametrize("seed", [4, 5])
def test_raking_matches_a_numpy_reference(seed: int) -> None:
    frame = _sample(seed)
    reference = _reference_ipf(frame, {"age": AGE_TARGET, "town": TOWN_TARGET})
    assert _mine(frame) == pytest.approx(reference, rel=1e-7)


def test_missing_answers_keep_their_sample_share() -> None:
    cells = {(1, 10): 50, (2, 10): 30, (None, 10): 20, (1, 11): 40, (None, 11): 10}
    weights, report = rake(cells, [Margin(1, {1: 0.5, 2: 0.5}), Margin(2, {10: 0.5, 11: 0.5})], 50)
    assert report.converged
    missing = sum(c * weights[k] for k, c in cells.items() if k[0] is None)
    assert missing == pytest.approx(30, abs=1e-6)
    ones = sum(c * weights[k] for k, c in cells.items() if k[0] == 1)
    twos = sum(c * weights[k] for k, c in cells.items() if k[0] == 2)
    assert ones == pytest.approx(twos)


def test_an_empty_category_is_reported_and_the_rest_rescaled() -> None:
    cells = {(1,): 60, (2,): 40}
    weights, report = rake(cells, [Margin(1, {1: 0.5, 2: 0.3, 3: 0.2})], 10)
    assert report.empty == [3]
    assert 60 * weights[(1,)] == pytest.approx(100 * 0.5 / 0.8)


margin_shares = st.lists(st.floats(0.05, 1.0), min_size=2, max_size=5).map(
    lambda xs: [x / math.fsum(xs) for x in xs]
)


@given(
    age=margin_shares,
    town=margin_shares,
    counts=st.lists(st.integers(1, 60), min_size=25, max_size=25),
)
def test_weighted_margins_match_the_targets_after_raking(
    age: list[float], town: list[float], counts: list[int]
) -> None:
    cells = {(a, t): counts[a * 5 + t] for a in range(len(age)) for t in range(len(town))}
    margins = [Margin(1, dict(enumerate(age))), Margin(2, dict(enumerate(town)))]
    weights, report = rake(cells, margins, cap=1e6)
    n = sum(cells.values())
    assert report.converged
    for position, shares in ((0, age), (1, town)):
        for category, share in enumerate(shares):
            total = sum(c * weights[k] for k, c in cells.items() if k[position] == category)
            assert total / n == pytest.approx(share, abs=1e-7)
    assert sum(c * weights[k] for k, c in cells.items()) == pytest.approx(n)


@given(counts=st.lists(st.integers(1, 40), min_size=6, max_size=6), cap=st.floats(1.2, 4.0))
def test_trimming_respects_the_cap_or_says_it_cannot(counts: list[int], cap: float) -> None:
    cells = {(a, t): counts[a * 3 + t] for a in range(2) for t in range(3)}
    margins = [Margin(1, {0: 0.9, 1: 0.1}), Margin(2, {0: 0.2, 1: 0.3, 2: 0.5})]
    weights, report = rake(cells, margins, cap=cap)
    assert report.max_weight == pytest.approx(max(weights.values()))
    assert report.cap_respected == (max(weights.values()) <= cap * 1.001)
