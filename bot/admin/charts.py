"""Bar and line charts as inline SVG, drawn on the server.

The dashboard must work with no network access (no CDN, no JavaScript
bundle), so charts are plain SVG strings: they print, they scale with the
page, screen readers get a <title> and <desc>, and every mark carries a
<title> tooltip with its exact value. Only presentation attributes are used
(no style="..."), so the page's Content-Security-Policy can forbid inline
styles other than the one stylesheet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.admin.formatting import number, shorten, text

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
WIDTH = 720
Format = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Axis:
    """A y axis from 0 to `top` with gridlines every `step`."""

    top: float
    step: float

    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [self.step * i for i in range(count + 1)]


def nice_axis(largest: float, *, whole: bool = True, ticks: int = 4) -> Axis:
    """Round the axis up to 1, 2 or 5 times a power of ten, so gridlines read easily."""
    if largest <= 0:
        return Axis(float(ticks) if whole else 1.0, 1.0 if whole else 0.25)
    raw = largest / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, round(step))
    return Axis(step * math.ceil(largest / step - 1e-9), step)


def _svg_open(chart_id: str, title: str, summary: str, height: int, width: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{text(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{text(chart_id)}-title {text(chart_id)}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{text(chart_id)}-title">{text(title)}</title>'
        f'<desc id="{text(chart_id)}-desc">{text(summary)}</desc>'
    )


def _legend(series: Sequence[Series], x: float, y: float) -> str:
    parts = []
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" fill="{colour}"/>'
            f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="#333">{text(item.name)}</text>'
        )
        x += 26 + 7 * len(item.name)
    return "".join(parts)


def _grid(axis: Axis, left: float, right: float, top: float, bottom: float, fmt: Format) -> str:
    parts = []
    for tick in axis.ticks():
        y = bottom - (bottom - top) * tick / axis.top
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
            f"{text(fmt(tick))}</text>"
        )
    return "".join(parts)


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float) -> str:
    every = max(1, math.ceil(len(labels) / 12))
    return "".join(
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="#555">{text(label)}</text>'
        for index, (label, x) in enumerate(zip(labels, xs, strict=True))
        if index % every == 0 or index == len(labels) - 1
    )


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Format = number,
    whole: bool = True,
    axis: Axis | None = None,
    height: int = 260,
    width: int = WIDTH,
) -> str:
    """One line per series over the same x labels; None values leave a gap."""
    left, right, top, bottom = 60.0, width - 34.0, 34.0, height - 30.0
    values = [v for s in series for v in s.values if v is not None]
    axis = axis or nice_axis(max(values, default=0), whole=whole)
    step = (right - left) / max(1, len(labels) - 1)
    xs = [left + step * i if len(labels) > 1 else (left + right) / 2 for i in range(len(labels))]

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / axis.top

    summary = f"{len(labels)} points per series: " + ", ".join(s.name for s in series)
    parts = [
        _svg_open(chart_id, title, summary, height, width),
        _grid(axis, left, right, top, bottom, fmt),
    ]
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        path, pen_down = [], False
        for x, value in zip(xs, item.values, strict=True):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y_of(value):.1f}")
            pen_down = True
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.2" stroke-linejoin="round"/>'
            )
        for label, x, value in zip(labels, xs, item.values, strict=True):
            if value is not None:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y_of(value):.1f}" r="3.2" fill="{colour}">'
                    f"<title>{text(label)}: {text(fmt(value))} {text(item.name)}</title></circle>"
                )
    parts.append(_x_labels(labels, xs, bottom + 18))
    parts.append(_legend(series, left, 16))
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Format = number,
    whole: bool = True,
    axis: Axis | None = None,
    height: int = 260,
    width: int = WIDTH,
) -> str:
    """Vertical bars, grouped by label when there are several series."""
    left, right, top, bottom = 56.0, width - 16.0, 34.0, height - 30.0
    values = [v for s in series for v in s.values if v is not None]
    axis = axis or nice_axis(max(values, default=0), whole=whole)
    slot = (right - left) / max(1, len(labels))
    bar = min(36.0, slot * 0.8 / max(1, len(series)))
    centres = [left + slot * (i + 0.5) for i in range(len(labels))]
    summary = f"{len(labels)} groups: " + ", ".join(s.name for s in series)
    parts = [
        _svg_open(chart_id, title, summary, height, width),
        _grid(axis, left, right, top, bottom, fmt),
    ]
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        offset = (index - len(series) / 2) * bar
        for label, centre, value in zip(labels, centres, item.values, strict=True):
            if value is None:
                continue
            h = (bottom - top) * value / axis.top
            parts.append(
                f'<rect x="{centre + offset:.1f}" y="{bottom - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" rx="2" fill="{colour}">'
                f"<title>{text(label)}: {text(fmt(value))} {text(item.name)}</title></rect>"
            )
    parts.append(_x_labels(labels, centres, bottom + 18))
    if len(series) > 1:
        parts.append(_legend(series, left, 16))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: Format = number,
    colour: str = PALETTE[0],
    highlight: Callable[[str, float], bool] | None = None,
    width: int = 480,
) -> str:
    """Horizontal bars for named things (topics, people); longest first as given.

    `highlight` picks bars to draw in the warning colour (e.g. overloaded people).
    """
    row, label_width, left_pad = 24, min(190.0, width * 0.3), 8.0
    height = 16 + row * len(items)
    largest = max((value for _, value in items), default=0) or 1
    span = width - label_width - 50
    summary = "; ".join(f"{label}: {fmt(value)}" for label, value in items[:10])
    parts = [_svg_open(chart_id, title, summary, height, width)]
    for index, (label, value) in enumerate(items):
        y = 8 + row * index
        length = max(1.0, span * value / largest)
        fill = PALETTE[5] if highlight and highlight(label, value) else colour
        parts.append(
            f'<text x="{label_width - left_pad}" y="{y + 15}" text-anchor="end" fill="#333">'
            f"{text(shorten(label, 24))}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" rx="2" '
            f'fill="{fill}"><title>{text(label)}: {text(fmt(value))}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" fill="#333">'
            f"{text(fmt(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
