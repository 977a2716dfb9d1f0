"""Consensus and divisive comments: the Pol.is idea over declared stakeholder groups.

Staff-only. For a comment c and a group g with ``a`` supports and ``d`` objections
from members of g:

- agreement ``p(g) = (a + 1) / (a + d + 2)`` (Laplace: no votes gives 0.5, and a
  few votes move it less than many);
- group-aware consensus ``C = product of p(g)`` over the *active* groups (groups
  with at least one vote in the process); a group that did not vote on c counts
  0.5, so C is high only if every group agrees (Pol.is "group-informed consensus");
- divisiveness ``D = max p(g) - min p(g)`` over the groups with at least
  ``MIN_VOTES`` votes on c (0 if fewer than two such groups).

Flags: *supported by every group* when every active group cast at least
``MIN_VOTES`` votes on c and each has ``p(g) >= SUPPORT_LEVEL``; *divisive* when
``D >= DIVIDE_GAP`` with one group at ``p >= SUPPORT_LEVEL`` and another at
``p <= 1 - SUPPORT_LEVEL``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MIN_VOTES = 3
SUPPORT_LEVEL = 0.6
DIVIDE_GAP = 0.4

Votes = Mapping[int, Mapping[str, tuple[int, int]]]  # comment → group → (supports, objections)


def agreement(supports: int, objections: int) -> float:
    return (supports + 1) / (supports + objections + 2)


def _comment(groups: Mapping[str, tuple[int, int]], active: list[str]) -> dict[str, Any]:
    by_group = {
        g: {"agree": a, "disagree": d, "p": round(agreement(a, d), 4)}
        for g, (a, d) in groups.items()
    }
    shares = {g: agreement(*groups.get(g, (0, 0))) for g in active}
    voted = [g for g in active if sum(groups.get(g, (0, 0))) >= MIN_VOTES]
    spread = [shares[g] for g in voted]
    divisiveness = max(spread) - min(spread) if len(spread) >= 2 else 0.0
    supported = bool(active) and len(voted) == len(active)
    supported = supported and all(shares[g] >= SUPPORT_LEVEL for g in active)
    divisive = (
        divisiveness >= DIVIDE_GAP
        and max(spread) >= SUPPORT_LEVEL
        and min(spread) <= 1 - SUPPORT_LEVEL
    )
    return {
        "groups": by_group,
        "consensus": round(math.prod(shares.values()), 6) if shares else 0.0,
        "divisiveness": round(divisiveness, 4),
        "supported_by_all": supported,
        "divisive": divisive,
    }


def consensus(votes: Votes, goal_of: Mapping[int, int]) -> dict[str, Any]:
    """Scores per comment and the two lists staff look at, best first."""
    active = sorted({g for groups in votes.values() for g, (a, d) in groups.items() if a + d})
    comments = {
        str(comment): {"goal_id": goal_of.get(comment)} | _comment(groups, active)
        for comment, groups in votes.items()
    }
    supported = sorted(
        (c for c, s in comments.items() if s["supported_by_all"]),
        key=lambda c: (-comments[c]["consensus"], int(c)),
    )
    divisive = sorted(
        (c for c, s in comments.items() if s["divisive"]),
        key=lambda c: (-comments[c]["divisiveness"], int(c)),
    )
    return {
        "active_groups": active,
        "parameters": {
            "min_votes": MIN_VOTES,
            "support_level": SUPPORT_LEVEL,
            "divide_gap": DIVIDE_GAP,
        },
        "comments": comments,
        "supported_by_all": [int(c) for c in supported],
        "divisive": [int(c) for c in divisive],
    }
