"""Spending over time as an SVG drawn on the server: no JavaScript library, no inline styles (CSP).

Only SVG presentation attributes (``fill``, ``stroke``, ``x``, ``height``...) are used; colours come from CSS classes
in ``static/css/portal.css`` where possible.
"""

from dataclasses import dataclass
from decimal import Decimal

from portal.formatting import format_yuan

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 90, 16, 16, 36


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    points: str
    ticks: list[tuple[int, str]]  # (y, label)
    baseline: int
    left: int
    right: int
    summary: str


def spending_chart(series: list[tuple]) -> Chart | None:
    """Bars for each month's spending and a line for the spending to date; ``series`` from ``spending_by_month``."""
    if not series:
        return None
    top = max([max(spent, running) for _month, spent, running in series] + [Decimal("1")])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w // len(series)
    bar_w = min(48, max(4, int(step * 0.6)))

    def y_of(value: Decimal) -> int:
        return TOP + plot_h - int(plot_h * max(value, Decimal(0)) / top)

    bars, points = [], []
    for i, (month, spent, running) in enumerate(series):
        x = LEFT + i * step + (step - bar_w) // 2
        y = y_of(spent)
        label = f"{month:%Y-%m}"
        bars.append(
            Bar(
                x=x,
                y=y,
                width=bar_w,
                height=TOP + plot_h - y,
                label=label,
                title=f"{label}: {format_yuan(spent)} / {format_yuan(running)}",
            )
        )
        points.append(f"{x + bar_w // 2},{y_of(running)}")
    ticks = [(y_of(top * k / 4), format_yuan(top * k / 4)) for k in range(5)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        points=" ".join(points),
        ticks=ticks,
        baseline=TOP + plot_h,
        left=LEFT,
        right=WIDTH - RIGHT,
        summary=format_yuan(series[-1][2]),
    )
