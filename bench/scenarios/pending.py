"""Scenarios whose features do not exist yet: each reports its keys as "not built".

Fill one in when its feature lands (results, exports, API issues): measure, add the
same-run baseline named in the docstring, and return the numbers under the same keys.
"""

from __future__ import annotations

from bench.scenarios.base import Context, Metrics, not_built


def aggregate_lag(ctx: Context) -> Metrics:
    """Seconds the results lag behind a stream of 50 submissions/s (target <= 10 s)."""
    return not_built("aggregate_lag.s")
