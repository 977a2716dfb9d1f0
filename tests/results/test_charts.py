"""The SVG chart builders: geometry, escaping, and no inline style."""

from __future__ import annotations

import re

from app.results import charts


def _rects(svg: str) -> list[tuple[float, float, str]]:
    return [
        (float(x), float(w), css)
        for x, w, css in re.findall(
            r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="\d+" class="([\w-]+)"', svg
        )
    ]


def test_diverging_bars_centre_the_neutral_point() -> None:
    svg = str(charts.diverging_bars([charts.Stack("A", [10, 20, 40, 20, 10])]))
    rects = _rects(svg)
    assert [css for _x, _w, css in rects] == [
        "chart-likert-neg2",
        "chart-likert-neg1",
        "chart-likert-neutral",
        "chart-likert-pos1",
        "chart-likert-pos2",
    ]
    x, width, _css = rects[2]
    centre = 8 + (charts.WIDTH - 16) / 2
    assert abs(x + width / 2 - centre) < 0.1  # the neutral share straddles the middle
    assert "style=" not in svg and 'aria-hidden="true"' in svg


def test_even_scales_split_at_the_middle() -> None:
    rects = _rects(str(charts.diverging_bars([charts.Stack("", [25, 25, 25, 25])])))
    centre = 8 + (charts.WIDTH - 16) / 2
    assert abs(rects[2][0] - centre) < 0.1


def test_choice_bars_draw_whiskers_and_leave_hidden_bars_out() -> None:
    bars = [
        charts.Bar("Auto <b>", 40.0, (35.0, 45.0), "40 %"),
        charts.Bar("Rad", None, None, ""),
    ]
    svg = str(charts.choice_bars(bars, "hidden"))
    assert len(_rects(svg)) == 1
    assert 'class="chart-whisker"' in svg
    assert "Auto &lt;b&gt;" in svg and "<b>" not in svg  # labels are escaped
    assert ">hidden</text>" in svg


def test_timeline_draws_a_line_through_every_day() -> None:
    svg = str(charts.timeline([("2026-05-01", 3), ("2026-05-02", 9), ("2026-05-03", 0)], "a", "b"))
    points = re.search(r'<polyline points="([^"]+)"', svg)
    assert points is not None and len(points.group(1).split()) == 3
    single = str(charts.timeline([("2026-05-01", 3)], "a", "a"))
    assert "<circle" in single


def test_an_arabic_date_keeps_its_order_in_the_left_to_right_chart() -> None:
    # Babel's Arabic short date carries right-to-left marks, which in the chart's
    # left-to-right box showed "06/11/2026" as "062026/11/"
    svg = str(
        charts.timeline([("a", 1), ("b", 2)], "06\u200f/11\u200f/2026", "03\u200f/12\u200f/2026")
    )
    assert ">06/11/2026</text>" in svg and ">03/12/2026</text>" in svg
    assert "\u200f" not in svg
