"""Scenarios whose features do not exist yet: each reports its keys as "not built".

Fill one in when its feature lands (results, exports, API issues): measure, add the
same-run baseline named in the docstring, and return the numbers under the same keys.
"""

from __future__ import annotations

from bench.scenarios.base import Context, Metrics, not_built


def export_xlsx_100k(ctx: Context) -> Metrics:
    """Auswertung XLSX of 100,000 contributions (<= 20 s, <= 300 MB worker RSS), against
    raw XlsxWriter writing the same table (``vs_raw`` <= 2)."""
    return not_built("export_xlsx_100k.s", "export_xlsx_100k.rss_mb", "export_xlsx_100k.vs_raw")


def export_csv_250k(ctx: Context) -> Metrics:
    """Survey responses CSV, 250,000 x 20 (<= 30 s, <= 300 MB), against raw
    ``COPY ... TO STDOUT`` of the same pivot (``vs_raw`` <= 2). Needs scale L."""
    return not_built("export_csv_250k.s", "export_csv_250k.rss_mb", "export_csv_250k.vs_raw")


def export_sav_250k(ctx: Context) -> Metrics:
    """The same as SAV (<= 40 s, <= 300 MB), against pyreadstat writing the same frame."""
    return not_built("export_sav_250k.s", "export_sav_250k.rss_mb", "export_sav_250k.vs_raw")


def download_60mb(ctx: Context) -> Metrics:
    """Server RSS growth while a 60 MB export is downloaded (target < 20 MB)."""
    return not_built("download_60mb.rss_delta_mb")
