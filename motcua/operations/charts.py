"""Charts drawn on the server as SVG: numbers in, markup out, no JavaScript and no build step.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``, with
labelled axes and the values written on it; the page puts a data table beside every chart, which is
what screen readers and people who want the exact figures read. Series differ by colour *and* by
marker and dash (WCAG 1.4.1: never colour alone), and every colour has at least 3:1 contrast on
white (WCAG 1.4.11). Only presentation attributes are used — the site's content security policy
forbids inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 56, 60
LINE_RIGHT = 76  # room for the latest values written after the lines' ends
INK, MUTED, GRID = "#1b1b1f", "#4a4a55", "#d6d6de"
MAX_X_LABELS = 12  # more buckets than this: every n-th label
MAX_VALUE_LABELS = 24  # more bars than this: the values are in the table only

# (colour, marker, dash pattern, fill pattern for bars)
STYLES = (
    ("#1f6f3f", "circle", "", ""),
    ("#a4161a", "square", "7 4", "hatch"),
    ("#0b4f9c", "triangle", "2 4", "dots"),
    ("#8a5a00", "diamond", "10 4 2 4", ""),
    ("#5b2a86", "circle", "4 2", ""),
)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label (None: no value for that label)."""

    name: str
    values: Sequence[float | int | None]


def plain_number(value: float | int) -> str:
    """Default value format: no decimals for whole numbers, two otherwise."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def axis_top(value: float, *, whole: bool = False) -> float:
    """The top of a value axis with four equal steps of 1, 2, 2.5 or 5 × 10ⁿ (whole numbers only
    for counts): 36 → 40 (0, 10, 20, 30, 40), 7 → 8, 2400 → 4000."""
    if value <= 0:
        return 4.0 if whole else 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    multipliers = (1, 2, 5, 10) if whole and power < 10 else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multipliers if raw <= m * power + 1e-9)
    if whole:
        step = max(1, step)
    return 4 * step


def _attrs(**attrs: object) -> str:
    return " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"' for key, value in attrs.items()
    )


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    attrs = {"font_size": 13, "fill": INK, **attrs}
    return f'<text x="{x:.1f}" y="{y:.1f}" {_attrs(**attrs)}>{escape(content)}</text>'


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="inherit" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text in it is escaped


def _patterns(chart_id: str) -> str:
    ident = escape(chart_id)
    return (
        "<defs>"
        f'<pattern id="{ident}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{STYLES[1][0]}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#ffffff" stroke-width="2"/></pattern>'
        f'<pattern id="{ident}-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{STYLES[2][0]}"/>'
        '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/></pattern>'
        "</defs>"
    )


def _fill(chart_id: str, style: int) -> str:
    colour, _marker, _dash, pattern = STYLES[style % len(STYLES)]
    return f"url(#{chart_id}-{pattern})" if pattern else colour


def _marker(kind: str, x: float, y: float, colour: str, tip: str = "") -> str:
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    common = f'fill="{colour}" stroke="#ffffff" stroke-width="1.5"'
    if kind == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" {common}>{inner}</rect>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 6:.1f} {x + 5.5:.1f},{y + 4:.1f} {x - 5.5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" {common}>{inner}</polygon>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return f'<polygon points="{points}" {common}>{inner}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" {common}>{inner}</circle>'


def _legend(chart_id: str, series: Sequence[Series], *, bars: bool) -> list[str]:
    parts, x = [], float(LEFT)
    for index, one in enumerate(series):
        colour, marker, dash, _pattern = STYLES[index % len(STYLES)]
        if bars:
            parts.append(
                f'<rect x="{x:.1f}" y="14" width="14" height="14" fill="{_fill(chart_id, index)}" '
                f'stroke="{colour}"/>'
            )
        else:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="21" x2="{x + 22:.1f}" y2="21" stroke="{colour}" '
                f'stroke-width="2.5"{dashed}/>'
            )
            parts.append(_marker(marker, x + 11, 21, colour))
        label_x = x + (20 if bars else 28)
        parts.append(_text(label_x, 26, one.name, font_size=14))
        x = label_x + 8 + 7.8 * len(one.name) + 18
    return parts


def _y_axis(top_value: float, *, y_label: str, fmt: Callable[[float], str], right: int = RIGHT) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = HEIGHT - BOTTOM - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 8, y + 4, fmt(value), text_anchor="end", fill=MUTED))
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="{INK}" stroke-width="1.5"/>'
    )
    parts.append(
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - right}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    middle = TOP + plot_h / 2
    parts.append(
        _text(
            16, middle, y_label, text_anchor="middle", transform=f"rotate(-90 16 {middle:.1f})", font_size=13
        )
    )
    return parts


def _x_axis(
    labels: Sequence[str], centres: Sequence[float], *, x_label: str, right: int = RIGHT
) -> list[str]:
    parts = []
    # Every n-th label, so that labels never touch: at most MAX_X_LABELS, and each one's width
    # (about 7.5 units a character) within the room n buckets give it.
    band = (centres[1] - centres[0]) if len(centres) > 1 else float(WIDTH)
    longest = max((len(label) for label in labels), default=0) * 7.5 + 8
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS), math.ceil(longest / band))
    for index, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if index % every == 0:
            parts.append(
                f'<line x1="{x:.1f}" y1="{HEIGHT - BOTTOM}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM + 5}" '
                f'stroke="{INK}"/>'
            )
            parts.append(_text(x, HEIGHT - BOTTOM + 21, label, text_anchor="middle", fill=MUTED))
    parts.append(
        _text(LEFT + (WIDTH - LEFT - right) / 2, HEIGHT - 12, x_label, text_anchor="middle", font_size=13)
    )
    return parts


def _empty(text: str) -> str:
    return _text(
        (LEFT + WIDTH - RIGHT) / 2,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        text,
        text_anchor="middle",
        font_size=15,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_label: str,
    empty_text: str = "—",
    value_format: Callable[[float], str] = plain_number,
    whole: bool = True,
) -> SafeString:
    """Bars, one per label, with the series stacked from the bottom; the total is written above
    each bar and every segment names its series and value (its ``<title>``)."""
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
    top_value = axis_top(max(totals, default=0), whole=whole)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(labels))
    width = min(band * 0.62, 56)
    centres = [LEFT + band * (i + 0.5) for i in range(len(labels))]
    body = [_patterns(chart_id), *_legend(chart_id, series, bars=True)]
    body += _y_axis(top_value, y_label=y_label, fmt=value_format)
    if not labels or not any(totals):
        body.append(_empty(empty_text))
    for index, centre in enumerate(centres):
        base = float(HEIGHT - BOTTOM)
        for number, one in enumerate(series):
            value = float(one.values[index] or 0)
            if value <= 0:
                continue
            height = plot_h * value / top_value
            base -= height
            tip = f"{labels[index]} — {one.name}: {value_format(value)}"
            body.append(
                f'<rect x="{centre - width / 2:.1f}" y="{base:.1f}" '
                f'width="{width:.1f}" height="{height:.1f}" '
                f'fill="{_fill(chart_id, number)}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(tip)}</title></rect>"
            )
        if totals[index] and len(labels) <= MAX_VALUE_LABELS:
            body.append(
                _text(centre, base - 6, value_format(totals[index]), text_anchor="middle", font_size=11)
            )
    body += _x_axis(labels, centres, x_label=x_label)
    return _frame(chart_id, title, desc, body)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_label: str,
    y_max: float | None = None,
    empty_text: str = "—",
    value_format: Callable[[float], str] = plain_number,
) -> SafeString:
    """One line per series over the labels; a missing value breaks the line. Each marker names its
    series and value, and each series' latest value is written at its end."""
    values = [float(v) for s in series for v in s.values if v is not None]
    top_value = y_max if y_max is not None else axis_top(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - LINE_RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / max(1, len(labels))
    centres = [LEFT + band * (i + 0.5) for i in range(len(labels))]
    body = [
        *_legend(chart_id, series, bars=False),
        *_y_axis(top_value, y_label=y_label, fmt=value_format, right=LINE_RIGHT),
    ]
    if not values:
        body.append(_empty(empty_text))

    def y_of(value: float) -> float:
        return HEIGHT - BOTTOM - plot_h * min(value, top_value) / top_value

    ends: list[tuple[float, float, str, str]] = []
    for number, one in enumerate(series):
        colour, marker, dash, _pattern = STYLES[number % len(STYLES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for x, value in zip(centres, one.values, strict=True):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x, y_of(float(value))))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                    f' stroke-linejoin="round"{dashed}/>'
                )
        last = None
        for index, value in enumerate(one.values):
            if value is None:
                continue
            tip = f"{labels[index]} — {one.name}: {value_format(float(value))}"
            body.append(_marker(marker, centres[index], y_of(float(value)), colour, tip))
            last = (centres[index], y_of(float(value)), value_format(float(value)), colour)
        if last is not None:
            ends.append(last)
    # The latest values beside the lines' last markers, nudged apart so that close lines keep
    # readable labels.
    placed: list[float] = []
    for x, y, text, colour in sorted(ends, key=lambda end: end[1]):
        label_y = y + 4
        while any(abs(label_y - other) < 14 for other in placed):
            label_y += 14
        placed.append(label_y)
        body.append(_text(x + 9, label_y, text, fill=colour, font_size=13, font_weight=700))
    body += _x_axis(labels, centres, x_label=x_label, right=LINE_RIGHT)
    return _frame(chart_id, title, desc, body)
