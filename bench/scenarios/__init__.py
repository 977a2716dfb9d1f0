"""The scenarios of a run, in the order they run (``make bench`` and ``bench-quick`` alike).

Order matters: the floor comes first (others are compared with it), GET pages before
the writes, comments after surveys (each comment queues a process recount on the
worker; the queue is drained afterwards), exports last.
"""

from __future__ import annotations

from bench.scenarios import download, exports, open_data, pages, results, writes
from bench.scenarios.base import Context, Metrics, Scenario

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("floor", pages.floor, ("floor.rps", "floor.p95_ms")),
    Scenario(
        "goal_page",
        pages.goal_page,
        ("goal_page.rps", "goal_page.p95_ms", "goal_page.queries", "goal_page.vs_floor"),
    ),
    Scenario(
        "goal_page_participant",
        pages.goal_page_participant,
        (
            "goal_page_participant.rps",
            "goal_page_participant.p95_ms",
            "goal_page_participant.vs_floor",
        ),
    ),
    Scenario(
        "process_page",
        pages.process_page,
        ("process_page.rps", "process_page.p95_ms", "process_page.vs_floor"),
    ),
    Scenario("results_page", results.results_page, ("results_page.rps", "results_page.vs_floor")),
    Scenario("api_results", open_data.api_results, ("api_results.rps", "api_results.vs_floor")),
    Scenario(
        "survey_submit",
        writes.survey_submit,
        (
            "survey_submit.rps",
            "survey_submit.p99_ms",
            "survey_submit.lost",
            "survey_submit.dupes",
            "survey_submit.raw_rps",
            "survey_submit.vs_raw",
        ),
    ),
    Scenario(
        "survey_submit_short",
        writes.survey_submit_short,
        (
            "survey_submit_short.rps",
            "survey_submit_short.p99_ms",
            "survey_submit_short.lost",
            "survey_submit_short.dupes",
        ),
    ),
    Scenario(
        "comment_post",
        writes.comment_post,
        (
            "comment_post.rps",
            "comment_post.p95_ms",
            "comment_post.lost",
            "comment_post.dupes",
            "comment_post.raw_rps",
            "comment_post.vs_raw",
        ),
    ),
    Scenario(
        "aggregate_full", results.aggregate_full, ("aggregate_full.s", "aggregate_full.vs_raw")
    ),
    Scenario("aggregate_lag", results.aggregate_lag, ("aggregate_lag.s",)),
    Scenario(
        "export_abwaegung",
        exports.abwaegung_export,
        tuple(
            f"export_abwaegung_{fmt}.{key}"
            for fmt in ("xlsx", "csv")
            for key in ("s", "rss_mb", "rows")
        ),
    ),
    Scenario(
        "export_xlsx_100k",
        exports.export_xlsx_100k,
        ("export_xlsx_100k.s", "export_xlsx_100k.rss_mb", "export_xlsx_100k.vs_raw"),
    ),
    Scenario(
        "export_csv_250k",
        exports.export_csv_250k,
        ("export_csv_250k.s", "export_csv_250k.rss_mb", "export_csv_250k.vs_raw"),
    ),
    Scenario(
        "export_sav_250k",
        exports.export_sav_250k,
        exports.SAV_KEYS,
    ),
    Scenario("download_60mb", download.download_60mb, ("download_60mb.rss_delta_mb",)),
)

__all__ = ["SCENARIOS", "Context", "Metrics", "Scenario"]
