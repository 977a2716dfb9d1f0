"""Statistics from counts: Wilson intervals and summaries of (weighted) histograms.

Nothing here touches the database. The SQL counts with GROUP BY; these functions
turn the grouped counts into the numbers a results page shows. Definitions (also
in ``docs/results.md``):

- Wilson score interval, 95 % (z = 1.959964…), for every proportion. For weighted
  proportions the Kish effective sample size replaces n.
- Quantiles: the averaged inverse of the empirical distribution function
  (Hyndman & Fan type 2; numpy ``averaged_inverted_cdf``), applied to counts or to
  weights. With all weights 1 the weighted and unweighted quantiles agree.
- Standard deviation: with Bessel's correction over the number of answers, also
  when weighted: ``Σw(x-m)²/Σw · n/(n-1)``.
- Kish: ``n_eff = (Σw)² / Σw²``, design effect ``deff = n / n_eff``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5 % quantile of the standard normal distribution
QUARTILES = (0.25, 0.5, 0.75)
_REL_EPS = 1e-9


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / n`` as proportions (None for n ≤ 0)."""
    if n <= 0:
        return None
    p = min(max(successes / n, 0.0), 1.0)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_percent(successes: float, n: float) -> list[float] | None:
    """The Wilson interval in percent, rounded to two decimals (JSON-ready)."""
    interval = wilson(successes, n)
    if interval is None:
        return None
    return [round(100 * interval[0], 2), round(100 * interval[1], 2)]


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole > 0 else None


def kish_n_eff(weight_sum: float, weight_square_sum: float) -> float:
    """Kish's effective sample size; 0 when there is nothing."""
    if weight_square_sum <= 0:
        return 0.0
    return weight_sum * weight_sum / weight_square_sum


def design_effect(n: int, n_eff: float) -> float | None:
    return n / n_eff if n_eff > 0 else None


@dataclass(frozen=True, slots=True)
class Summary:
    n: int
    mean: float
    sd: float | None
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float

    def as_dict(self, digits: int = 6) -> dict[str, float | int | None]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        return {
            "n": self.n,
            "mean": r(self.mean),
            "sd": r(self.sd),
            "min": r(self.minimum),
            "q1": r(self.q1),
            "median": r(self.median),
            "q3": r(self.q3),
            "max": r(self.maximum),
        }


def quantile(values: Sequence[float], masses: Sequence[float], p: float) -> float:
    """Type-2 quantile of sorted ``values`` carrying ``masses`` (counts or weights)."""
    total = math.fsum(masses)
    target = p * total
    tolerance = _REL_EPS * total
    cumulative = 0.0
    for index, (value, mass) in enumerate(zip(values, masses, strict=True)):
        if mass <= 0:
            continue
        cumulative += mass
        if cumulative >= target - tolerance:
            if abs(cumulative - target) <= tolerance:
                following = _next_with_mass(values, masses, index)
                return value if following is None else (value + following) / 2
            return value
    return values[-1]


def _next_with_mass(values: Sequence[float], masses: Sequence[float], index: int) -> float | None:
    for value, mass in zip(values[index + 1 :], masses[index + 1 :], strict=True):
        if mass > 0:
            return value
    return None


def summarise(histogram: Iterable[tuple[float, int, float]], *, weighted: bool) -> Summary | None:
    """Mean, sd, quartiles, min and max of a histogram of (value, count, weight sum).

    ``weighted`` uses the weight sums as masses; the count n is used for Bessel's
    correction either way. None without any answer.
    """
    rows = sorted((v, c, w) for v, c, w in histogram if c > 0)
    if not rows:
        return None
    values = [v for v, _c, _w in rows]
    masses = [float(w) if weighted else float(c) for _v, c, w in rows]
    n = sum(c for _v, c, _w in rows)
    total = math.fsum(masses)
    if total <= 0:
        return None
    mean = math.fsum(v * m for v, m in zip(values, masses, strict=True)) / total
    sd = None
    if n > 1:
        squares = math.fsum(m * (v - mean) ** 2 for v, m in zip(values, masses, strict=True))
        sd = math.sqrt(squares / total * n / (n - 1))
    q1, median, q3 = (quantile(values, masses, p) for p in QUARTILES)
    return Summary(n, mean, sd, values[0], q1, median, q3, values[-1])
