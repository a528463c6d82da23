"""Server-made SVG charts: no JavaScript, no style attributes (the CSP forbids inline styles).

Colours come from CSS classes (static/css/scheme.css); sizes are SVG presentation
attributes. Labels are escaped, so employee or dimension names cannot inject markup.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 36
MARGIN_BOTTOM = 28
MARGIN_TOP = 12


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value, and the text shown when hovering (title)."""

    label: str
    value: float
    title: str = ""


def _nice_max(value: float) -> float:
    """A round upper bound for the axis (1, 2, 5, 10, 20, 50...) at least `value`."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart_svg(
    bars: Sequence[Bar], title: str, max_value: float | None = None, every_nth_label: int = 1
) -> Markup:
    """A vertical bar chart as inline SVG markup, with a title for screen readers."""
    top = max_value if max_value is not None else _nice_max(max((b.value for b in bars), default=0))
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        _axis(top, plot_h),
    ]
    for index, bar in enumerate(bars):
        height = 0 if top <= 0 else plot_h * min(bar.value, top) / top
        x = MARGIN_LEFT + index * slot + slot * 0.15
        y = MARGIN_TOP + plot_h - height
        hover = escape(bar.title or f"{bar.label}: {bar.value:g}")
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}"><title>{hover}</title></rect>'
        )
        if index % every_nth_label == 0:
            parts.append(
                f'<text class="label" x="{x + slot * 0.35:.1f}" y="{HEIGHT - 10}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


def _axis(top: float, plot_h: float) -> str:
    """The baseline, a top grid line and their values."""
    base = MARGIN_TOP + plot_h
    return (
        f'<line class="axis" x1="{MARGIN_LEFT}" y1="{base}" x2="{WIDTH - 8}" y2="{base}"/>'
        f'<line class="grid" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{WIDTH - 8}" '
        f'y2="{MARGIN_TOP}"/>'
        f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + 4}" '
        f'text-anchor="end">{top:g}</text>'
        f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{base}" text-anchor="end">0</text>'
    )
