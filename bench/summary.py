"""Targets of issue 15 and the Markdown summary printed at the end of a run."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from bench.scenarios.base import NOT_BUILT, skipped

Check = tuple[str, Callable[[float, float], bool], float]
GE, LE, LT = (">=", operator.ge), ("<=", operator.le), ("<", operator.lt)


def _t(op: tuple[str, Callable[[float, float], bool]], value: float) -> Check:
    return (op[0], op[1], value)


TARGETS: dict[str, Check] = {
    "goal_page.rps": _t(GE, 400),
    "goal_page.p95_ms": _t(LE, 60),
    "goal_page.queries": _t(LE, 15),
    "process_page.rps": _t(GE, 600),
    "survey_submit.rps": _t(GE, 300),
    "survey_submit.p99_ms": _t(LE, 250),
    "survey_submit.lost": _t(LE, 0),
    "survey_submit.dupes": _t(LE, 0),
    "survey_submit.vs_raw": _t(GE, 0.5),
    "survey_submit_short.lost": _t(LE, 0),
    "survey_submit_short.dupes": _t(LE, 0),
    "comment_post.rps": _t(GE, 200),
    "comment_post.lost": _t(LE, 0),
    "comment_post.dupes": _t(LE, 0),
    "aggregate_full.s": _t(LE, 2),
    "aggregate_full.vs_raw": _t(LE, 3),
    "aggregate_lag.s": _t(LE, 10),
    "results_page.rps": _t(GE, 200),
    "api_results.rps": _t(GE, 300),
    "export_xlsx_100k.s": _t(LE, 20),
    "export_xlsx_100k.rss_mb": _t(LE, 300),
    "export_xlsx_100k.vs_raw": _t(LE, 2),
    "export_csv_250k.s": _t(LE, 30),
    "export_csv_250k.rss_mb": _t(LE, 300),
    "export_csv_250k.vs_raw": _t(LE, 2),
    "export_sav_250k.s": _t(LE, 40),
    "export_sav_250k.rss_mb": _t(LE, 300),
    "export_sav_250k.vs_copy": _t(LE, 2),
    "download_60mb.rss_delta_mb": _t(LT, 20),
}


def verdict(key: str, value: Any) -> str:
    """ "met", "missed", "not built", "skipped", "failed" or "" (no target)."""
    if value == NOT_BUILT:
        return NOT_BUILT
    if skipped(value):
        return "skipped"
    if isinstance(value, str):
        return "failed"
    target = TARGETS.get(key)
    if target is None or value is None:
        return ""
    return "met" if target[1](float(value), target[2]) else "missed"


def _target_text(key: str) -> str:
    target = TARGETS.get(key)
    return f"{target[0]} {target[2]:g}" if target else ""


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


def _skipped_lines(metrics: dict[str, Any]) -> list[str]:
    """One line per reason, e.g. "Skipped (needs scale L): `export_csv_250k.s`, …"."""
    reasons: dict[str, list[str]] = {}
    for key, value in metrics.items():
        if skipped(value):
            reasons.setdefault(value.removeprefix("skipped: "), []).append(f"`{key}`")
    return [f"Skipped ({why}): " + ", ".join(keys) for why, keys in sorted(reasons.items())]


def markdown(result: dict[str, Any]) -> str:
    load = result["load"]
    lines = [
        f"## Benchmark {result['started_at']} (scale {result['scale']}, {result['mode']})",
        "",
        f"Commit {result['machine'].get('git_commit', '?')[:10]}"
        f"{' (dirty)' if result['machine'].get('git_dirty') else ''}, "
        f"{result['machine']['cpus']} CPUs ({result['machine']['cpu_model']}). "
        f"Load average (1/5/15 min) before {load['before']}, "
        f"highest 1-min during {load['during_max_1m']}, after {load['after']}.",
        "",
        "| metric | target | measured | |",
        "|---|---|---|---|",
    ]
    metrics = result["metrics"]
    built = {k: v for k, v in metrics.items() if v != NOT_BUILT and not skipped(v)}
    for key, value in built.items():
        lines.append(f"| `{key}` | {_target_text(key)} | {_fmt(value)} | {verdict(key, value)} |")
    missing = sorted(k for k, v in metrics.items() if v == NOT_BUILT)
    lines += ["", "Not built: " + (", ".join(f"`{k}`" for k in missing) or "none")]
    lines += [*_skipped_lines(metrics), ""]
    lines += [
        "| scenario | requests/s | p50 / p95 / p99 ms | errors | server / DB CPU ms per "
        "request | CPU used by others % | RSS peak MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, detail in result["details"].items():
        if "latency_ms" not in detail:
            continue
        latency = detail["latency_ms"]
        errors = sum(detail.get("errors", {}).values()) + detail.get("bad", 0)
        rss = ", ".join(f"{k} {v}" for k, v in (detail.get("rss_peak_mb") or {}).items())
        lines.append(
            f"| {name} | {_fmt(detail.get('rps'))} | {latency['p50']} / {latency['p95']} / "
            f"{latency['p99']} | {errors} | {detail.get('server_cpu_ms_per_request', '-')} / "
            f"{detail.get('db_cpu_ms_per_request', '-')} | "
            f"{detail.get('cpu', {}).get('others_pct', '-')} | {rss} |"
        )
    if result.get("failures"):
        lines += ["", "Failures:"] + [
            f"- {name}: {why}" for name, why in result["failures"].items()
        ]
    return "\n".join(lines)
