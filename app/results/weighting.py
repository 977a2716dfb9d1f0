"""Raking (iterative proportional fitting) with weight trimming, on a cell table.

Raking weights depend only on the categories a respondent is in, so the SQL groups
the respondents into cells (one per combination of margin categories) and raking
runs on the few hundred cells, never on response rows. ``app.results.survey_queries``
writes the cell weights back to ``Response.weight``.

Missing values: a respondent who did not answer a margin question (or chose its
"no answer" option) is in that margin's *missing* category, which keeps its sample
share; the population shares apply to the others. A category with population
share but no respondent cannot be matched: it is reported in ``empty`` and the
remaining shares are rescaled.

Trimming: after raking, weights above ``cap`` x mean weight are cut to the cap and
the sample is raked again, up to ``MAX_TRIM_ROUNDS`` times (trim-and-rake). The
report says whether the margins converged and whether the cap holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.results.stats import design_effect, kish_n_eff

MISSING = None  # the category of respondents without an answer to a margin question
MAX_ITERATIONS = 500
MAX_TRIM_ROUNDS = 25
TOLERANCE = 1e-9  # largest accepted deviation of a weighted share from its target
CAP_TOLERANCE = 1e-3  # a weight within 0.1 % of the cap respects it

CellKey = tuple[int | None, ...]  # one category (option id or MISSING) per margin


@dataclass(frozen=True)
class Margin:
    """The population shares of one demographic question: option id → fraction."""

    question_id: int
    shares: Mapping[int, float]


@dataclass
class RakingReport:
    converged: bool = False
    iterations: int = 0
    trim_rounds: int = 0
    max_deviation_pp: float = 0.0
    cap: float = 0.0
    cap_respected: bool = True
    trimmed_cells: int = 0
    min_weight: float = 1.0
    max_weight: float = 1.0
    n: int = 0
    n_eff: float = 0.0
    deff: float | None = None
    empty: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "trim_rounds": self.trim_rounds,
            "max_deviation_pp": round(self.max_deviation_pp, 6),
            "cap": self.cap,
            "cap_respected": self.cap_respected,
            "trimmed_cells": self.trimmed_cells,
            "min_weight": round(self.min_weight, 6),
            "max_weight": round(self.max_weight, 6),
            "n": self.n,
            "n_eff": round(self.n_eff, 2),
            "deff": None if self.deff is None else round(self.deff, 4),
            "empty": self.empty,
        }


@dataclass
class _Problem:
    keys: list[CellKey]
    counts: list[int]
    # per margin: category → target total (respondent scale), and cell indexes
    targets: list[dict[int | None, float]]
    members: list[dict[int | None, list[int]]]


def _targets(
    margin: Margin, position: int, keys: Sequence[CellKey], counts: Sequence[int], empty: list[int]
) -> tuple[dict[int | None, float], dict[int | None, list[int]]]:
    members: dict[int | None, list[int]] = {}
    sample: dict[int | None, int] = {}
    for index, key in enumerate(keys):
        category = key[position] if key[position] in margin.shares else MISSING
        members.setdefault(category, []).append(index)
        sample[category] = sample.get(category, 0) + counts[index]
    n = sum(counts)
    missing = sample.get(MISSING, 0)
    present = {o: s for o, s in margin.shares.items() if sample.get(o, 0) > 0}
    empty.extend(sorted(o for o in margin.shares if o not in present))
    scale = math.fsum(present.values())
    targets: dict[int | None, float] = {o: s / scale * (n - missing) for o, s in present.items()}
    if missing:
        targets[MISSING] = float(missing)
    return targets, members


def _problem(cells: Mapping[CellKey, int], margins: Sequence[Margin], empty: list[int]) -> _Problem:
    keys = [key for key, count in cells.items() if count > 0]
    counts = [cells[key] for key in keys]
    targets, members = [], []
    for position, margin in enumerate(margins):
        t, m = _targets(margin, position, keys, counts, empty)
        targets.append(t)
        members.append(m)
    return _Problem(keys, counts, targets, members)


def _deviation(problem: _Problem, weights: list[float]) -> float:
    n = sum(problem.counts)
    worst = 0.0
    for targets, members in zip(problem.targets, problem.members, strict=True):
        for category, indexes in members.items():
            total = math.fsum(problem.counts[i] * weights[i] for i in indexes)
            worst = max(worst, abs(total - targets[category]) / n)
    return worst


def _ipf(problem: _Problem, weights: list[float]) -> tuple[int, float]:
    """Rake ``weights`` in place; returns the sweeps made and the deviation left."""
    deviation = _deviation(problem, weights)
    for sweep in range(1, MAX_ITERATIONS + 1):
        for targets, members in zip(problem.targets, problem.members, strict=True):
            for category, indexes in members.items():
                total = math.fsum(problem.counts[i] * weights[i] for i in indexes)
                factor = targets[category] / total
                for i in indexes:
                    weights[i] *= factor
        deviation = _deviation(problem, weights)
        if deviation <= TOLERANCE:
            return sweep, deviation
    return MAX_ITERATIONS, deviation


def rake(
    cells: Mapping[CellKey, int], margins: Sequence[Margin], cap: float
) -> tuple[dict[CellKey, float], RakingReport]:
    """Weights per cell (mean weight 1 over respondents) and the convergence report."""
    report = RakingReport(cap=cap)
    problem = _problem(cells, margins, report.empty)
    weights = [1.0] * len(problem.keys)
    n = sum(problem.counts)
    report.n = n
    if not n:
        return {}, report
    trimmed: set[int] = set()
    deviation = 0.0
    for round_ in range(MAX_TRIM_ROUNDS + 1):
        sweeps, deviation = _ipf(problem, weights)
        report.iterations += sweeps
        report.max_deviation_pp = 100 * deviation
        over = [i for i, w in enumerate(weights) if w > cap * (1 + CAP_TOLERANCE)]
        if not over or round_ == MAX_TRIM_ROUNDS:
            break
        report.trim_rounds += 1
        trimmed.update(over)
        for i in over:
            weights[i] = cap
    report.converged = deviation <= TOLERANCE
    report.trimmed_cells = len(trimmed)
    report.max_weight = max(weights)
    report.min_weight = min(weights)
    report.cap_respected = report.max_weight <= cap * (1 + CAP_TOLERANCE)
    weight_sum = math.fsum(c * w for c, w in zip(problem.counts, weights, strict=True))
    squares = math.fsum(c * w * w for c, w in zip(problem.counts, weights, strict=True))
    report.n_eff = kish_n_eff(weight_sum, squares)
    report.deff = design_effect(n, report.n_eff)
    return dict(zip(problem.keys, weights, strict=True)), report
