"""Server-rendered SVG charts of results: no script, no inline style.

Each builder returns the markup of one ``<svg>``; colours and fonts come from
classes in ``app/static/css/app.css`` (``chart-*``), so the strict CSP holds. The
charts are decorative for assistive technology (``aria-hidden``): every chart stands
next to a one-sentence summary and a data table with the same numbers.

- :func:`choice_bars`: horizontal bars (percent) with the 95 % interval as whiskers;
- :func:`diverging_bars`: Likert items as stacked bars around the neutral middle;
- :func:`timeline`: responses per day as a line.

Coordinates are in a fixed ``viewBox``; the CSS makes the picture as wide as its
column, so it shrinks on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480
LABEL_H = 20  # a label line above its bar
BAR_H = 16
GAP = 10
AXIS_H = 22


@dataclass(frozen=True)
class Bar:
    label: str
    pct: float | None  # None: hidden (suppressed)
    ci: tuple[float, float] | None = None
    value_text: str = ""


@dataclass(frozen=True)
class Stack:
    label: str
    shares: list[float]  # percent per scale point, lowest first (no "keine Angabe")


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(height: float, body: list[str], css: str) -> Markup:
    # Every text in ``body`` went through escape() in _text(); the rest are numbers.
    return Markup(  # noqa: S704
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
    )


# Right-to-left, left-to-right and Arabic letter marks. Babel puts them into Arabic
# dates ("06\u200f/11\u200f/2026") for right-to-left paragraphs; a chart is always
# laid out left to right (CSS ``.chart``), where they would scramble the date.
_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f\u061c")


def _text(x: float, y: float, text: str, css: str = "chart-label", anchor: str = "start") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" class="{css}" text-anchor="{anchor}">'
        f"{escape(text.translate(_BIDI_MARKS))}</text>"
    )


def _axis(top: float, left: float, span: float, ticks: list[tuple[float, str]]) -> list[str]:
    out = []
    for index, (position, label) in enumerate(ticks):
        x = left + position * span
        out.append(
            f'<line x1="{_num(x)}" y1="0" x2="{_num(x)}" y2="{_num(top)}" class="chart-grid"/>'
        )
        # The outer labels stay inside the picture.
        anchor = "start" if index == 0 else "end" if index == len(ticks) - 1 else "middle"
        out.append(_text(x, top + 15, label, "chart-tick", anchor))
    return out


def choice_bars(bars: list[Bar], hidden_text: str) -> Markup:
    """One bar per option, 0 to 100 %, with its Wilson interval as a whisker."""
    left, span = 8.0, WIDTH - 64.0
    body: list[str] = []
    y = 0.0
    for bar in bars:
        body.append(_text(left, y + 15, bar.label))
        top = y + LABEL_H
        if bar.pct is None:
            body.append(_text(left, top + 12, hidden_text, "chart-hidden"))
        else:
            width = max(bar.pct, 0.0) / 100 * span
            body.append(
                f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(width)}" '
                f'height="{BAR_H}" class="chart-bar"/>'
            )
            end = left + width
            if bar.ci is not None:
                lo, hi = (left + c / 100 * span for c in bar.ci)
                mid = top + BAR_H / 2
                body.append(
                    f'<path d="M{_num(lo)} {_num(mid)}H{_num(hi)}'
                    f"M{_num(lo)} {_num(top + 3)}V{_num(top + BAR_H - 3)}"
                    f'M{_num(hi)} {_num(top + 3)}V{_num(top + BAR_H - 3)}" class="chart-whisker"/>'
                )
                end = max(end, hi)
            body.append(_text(end + 6, top + 12, bar.value_text, "chart-value"))
        y = top + BAR_H + GAP
    ticks = [(p / 100, f"{p} %") for p in (0, 25, 50, 75, 100)]
    body = _axis(y, left, span, ticks) + body
    return _svg(y + AXIS_H, body, "chart--bars")


def point_classes(points: int) -> list[str]:
    """CSS classes of the scale points, from most negative to most positive."""
    middle = (points - 1) / 2
    out = []
    for i in range(points):
        offset = i - middle
        if offset == 0:
            out.append("chart-likert-neutral")
        else:
            level = min(int(abs(offset) + 0.5), 3)
            side = "neg" if offset < 0 else "pos"
            out.append(f"chart-likert-{side}{level}")
    return out


def diverging_bars(stacks: list[Stack]) -> Markup:
    """Stacked bars centred on the neutral middle of the scale (-100 to 100 %)."""
    left, span = 8.0, WIDTH - 16.0
    centre, scale = left + span / 2, span / 200
    body: list[str] = []
    label_h = LABEL_H if any(stack.label for stack in stacks) else 0
    y = 0.0
    for stack in stacks:
        if label_h:
            body.append(_text(left, y + 15, stack.label))
        top = y + label_h
        classes = point_classes(len(stack.shares))
        half = len(stack.shares) / 2
        below = sum(stack.shares[: int(half)])
        if len(stack.shares) % 2:
            below += stack.shares[int(half)] / 2
        x = centre - below * scale
        for share, css in zip(stack.shares, classes, strict=True):
            width = share * scale
            if width > 0:
                body.append(
                    f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" '
                    f'height="{BAR_H}" class="{css}"/>'
                )
            x += width
        y = top + BAR_H + GAP
    ticks = [(p, f"{abs(int(200 * p - 100))} %") for p in (0, 0.25, 0.5, 0.75, 1)]
    body = _axis(y, left, span, ticks) + body
    return _svg(y + AXIS_H, body, "chart--likert")


def timeline(days: list[tuple[str, int]], first_label: str, last_label: str) -> Markup:
    """Responses per day as a line; the y axis starts at zero."""
    height, left, bottom = 170.0, 36.0, 140.0
    span = WIDTH - left - 10
    peak = max((n for _d, n in days), default=0) or 1
    step = span / max(len(days) - 1, 1)
    points = " ".join(
        f"{_num(left + i * step)},{_num(bottom - n / peak * (bottom - 10))}"
        for i, (_day, n) in enumerate(days)
    )
    body = [
        f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(left + span)}" '
        f'y2="{_num(bottom)}" class="chart-grid"/>',
        f'<line x1="{_num(left)}" y1="10" x2="{_num(left + span)}" y2="10" class="chart-grid"/>',
        _text(left - 6, 14, str(peak), "chart-tick", "end"),
        _text(left - 6, bottom + 4, "0", "chart-tick", "end"),
        _text(left, bottom + 20, first_label, "chart-tick", "start"),
        _text(left + span, bottom + 20, last_label, "chart-tick", "end"),
    ]
    if len(days) == 1:
        x, y = left, bottom - days[0][1] / peak * (bottom - 10)
        body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" class="chart-point"/>')
    elif days:
        body.append(f'<polyline points="{points}" class="chart-line"/>')
    return _svg(height, body, "chart--timeline")
