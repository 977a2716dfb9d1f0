"""Turn grouped counts into the distributions a snapshot stores.

A *distribution* is the JSON a page renders for one question item (the question,
or one matrix row) in one group (everyone, or one demographic group)::

    {"n": 812, "valid": 790,                       # respondents; without "no answer"
     "options": [{"id": 31, "na": false, "count": 120,
                  "pct": 14.78,                    # of n
                  "vpct": 15.19,                   # of valid (None for "no answer")
                  "ci": [12.87, 17.84]},           # Wilson 95 % of vpct (na: of pct)
                 ...],
     "stats": {"n", "mean", "sd", "min", "q1", "median", "q3", "max"} | None,
     # only when the survey is weighted:
     "wn": 808.2, "wvalid": 787.9, "neff": 701.4,
     options[i]: "wcount", "wpct", "wvpct", "wci";  "wstats": {...} | None}

Multiple choice: ``pct``/``vpct`` are of respondents (they add up to more than 100).
Numbers have no options but ``stats`` and a ``histogram`` of [value, count, weight].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.results.stats import kish_n_eff, percent, summarise, wilson_percent
from app.results.survey_queries import Sums
from app.surveys.models import Question, QuestionKind

NO_SUMS = Sums(0, 0.0, 0.0)
ADDITIVE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE, QuestionKind.MATRIX})
SCORED_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.MATRIX})
COUNTED_KINDS = ADDITIVE_KINDS | {
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.RANKING,
    QuestionKind.NUMBER,
}


@dataclass(frozen=True, slots=True)
class OptionInfo:
    id: int
    is_no_answer: bool
    is_other: bool
    score: float | None


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the aggregation needs of a question, as plain data."""

    id: int
    kind: QuestionKind
    demographic: bool
    options: tuple[OptionInfo, ...]
    rows: tuple[int, ...]
    top_n: int

    @classmethod
    def of(cls, question: Question) -> QuestionInfo:
        options = tuple(
            OptionInfo(o.id, o.is_no_answer, o.is_other, o.score) for o in question.options
        )
        top_n = int(question.setting("top_n") or len(options))
        return cls(
            question.id,
            question.kind,
            question.is_demographic,
            options,
            tuple(row.id for row in question.rows),
            min(top_n, len(options)),
        )

    @property
    def additive(self) -> bool:
        """One answer per person and item, so the counts add up to n."""
        return self.kind in ADDITIVE_KINDS

    @property
    def score_range(self) -> float:
        scores = [o.score for o in self.options if o.score is not None and not o.is_no_answer]
        return (max(scores) - min(scores)) if scores else 0.0


def add(a: Sums, b: Sums) -> Sums:
    return Sums(a.count + b.count, a.weight + b.weight, a.weight_sq + b.weight_sq)


def total(sums: Sequence[Sums]) -> Sums:
    out = NO_SUMS
    for s in sums:
        out = add(out, s)
    return out


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _option_entry(
    option: OptionInfo, cell: Sums, base: Sums, valid: Sums, weighted: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": option.id,
        "na": option.is_no_answer,
        "count": cell.count,
        "pct": percent(cell.count, base.count),
        "vpct": None if option.is_no_answer else percent(cell.count, valid.count),
        "ci": wilson_percent(cell.count, base.count if option.is_no_answer else valid.count),
    }
    if weighted:
        basis = base if option.is_no_answer else valid
        n_eff = kish_n_eff(basis.weight, basis.weight_sq)
        share = cell.weight / basis.weight if basis.weight > 0 else 0.0
        entry |= {
            "wcount": _round(cell.weight),
            "wpct": percent(cell.weight, base.weight),
            "wvpct": None if option.is_no_answer else percent(cell.weight, valid.weight),
            "wci": wilson_percent(share * n_eff, n_eff),
        }
    return entry


def choice_distribution(
    question: QuestionInfo, cells: Mapping[int, Sums], base: Sums | None, weighted: bool
) -> dict[str, Any]:
    """The distribution of a choice item; ``base`` = its respondents (None: the sum)."""
    counted = [cells.get(o.id, NO_SUMS) for o in question.options]
    base = base if base is not None else total(counted)
    no_answer = total([cells.get(o.id, NO_SUMS) for o in question.options if o.is_no_answer])
    valid = Sums(
        base.count - no_answer.count,
        base.weight - no_answer.weight,
        base.weight_sq - no_answer.weight_sq,
    )
    dist: dict[str, Any] = {
        "n": base.count,
        "valid": valid.count,
        "options": [
            _option_entry(o, c, base, valid, weighted)
            for o, c in zip(question.options, counted, strict=True)
        ],
        "stats": None,
    }
    histogram = [
        (o.score, c.count, c.weight)
        for o, c in zip(question.options, counted, strict=True)
        if question.kind in SCORED_KINDS and o.score is not None and not o.is_no_answer
    ]
    if histogram:
        dist["stats"] = _stats(histogram, weighted=False)
    if weighted:
        dist |= {
            "wn": _round(base.weight),
            "wvalid": _round(valid.weight),
            "neff": _round(kish_n_eff(valid.weight, valid.weight_sq), 2),
            "wstats": _stats(histogram, weighted=True) if histogram else None,
        }
    return dist


def _stats(histogram: Sequence[tuple[float, int, float]], *, weighted: bool) -> Any:
    summary = summarise(histogram, weighted=weighted)
    return None if summary is None else summary.as_dict()


def number_distribution(cells: Mapping[float, Sums], weighted: bool) -> dict[str, Any]:
    histogram = sorted((value, s.count, s.weight) for value, s in cells.items())
    base = total(list(cells.values()))
    dist: dict[str, Any] = {
        "n": base.count,
        "valid": base.count,
        "options": [],
        "stats": _stats(histogram, weighted=False) if histogram else None,
        "histogram": [[v, c, _round(w)] for v, c, w in histogram],
    }
    if weighted:
        dist |= {
            "wn": _round(base.weight),
            "wvalid": _round(base.weight),
            "neff": _round(kish_n_eff(base.weight, base.weight_sq), 2),
            "wstats": _stats(histogram, weighted=True) if histogram else None,
        }
    return dist


def ranking_result(
    question: QuestionInfo, cells: Mapping[tuple[int, int], Sums], weighted: bool
) -> dict[str, Any]:
    """Per item: how often ranked, the count per rank, mean rank and Borda score.

    Borda: rank r of ``top_n`` earns ``top_n - r + 1`` points; ``borda_avg`` divides
    the points by the respondents of the question.
    """
    respondents = total([s for (_o, rank), s in cells.items() if rank == 1])
    items = []
    for option in question.options:
        by_rank = [cells.get((option.id, r), NO_SUMS) for r in range(1, question.top_n + 1)]
        ranked = total(by_rank)
        points = [question.top_n - r + 1 for r in range(1, question.top_n + 1)]
        rank_sum = sum(r * s.count for r, s in enumerate(by_rank, start=1))
        borda = sum(p * s.count for p, s in zip(points, by_rank, strict=True))
        item: dict[str, Any] = {
            "id": option.id,
            "ranked": ranked.count,
            "by_rank": [s.count for s in by_rank],
            "mean_rank": _round(rank_sum / ranked.count) if ranked.count else None,
            "borda": borda,
            "borda_avg": _round(borda / respondents.count) if respondents.count else None,
        }
        if weighted:
            w_rank_sum = sum(r * s.weight for r, s in enumerate(by_rank, start=1))
            w_borda = sum(p * s.weight for p, s in zip(points, by_rank, strict=True))
            item |= {
                "wranked": _round(ranked.weight),
                "wmean_rank": _round(w_rank_sum / ranked.weight) if ranked.weight else None,
                "wborda": _round(w_borda),
                "wborda_avg": _round(w_borda / respondents.weight) if respondents.weight else None,
            }
        items.append(item)
    out: dict[str, Any] = {"n": respondents.count, "top_n": question.top_n, "items": items}
    if weighted:
        out["wn"] = _round(respondents.weight)
    return out
