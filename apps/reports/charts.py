"""Small charts drawn by the server as SVG shapes (no script, no style attribute: the CSP
allows neither): bars per day of the month, and the purpose shares as one stacked bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT, TOP = 600, 140, 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    tone: int = 0


def bars_by_day(month: date, values: dict[date, float], *, label_format=str) -> dict:
    """One bar per day of ``month`` (0 where there is no value), scaled to the largest."""
    days = []
    day = month
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)
    largest = max([v for v in values.values() if v] or [1])
    step = WIDTH / len(days)
    bars = []
    for i, day in enumerate(days):
        value = values.get(day) or 0
        height = (HEIGHT - TOP) * value / largest
        bars.append(
            Bar(
                x=round(i * step + 1, 2),
                y=round(HEIGHT - height, 2),
                width=round(step - 2, 2),
                height=round(height, 2),
                label=str(day.day),
                value=label_format(value),
            )
        )
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "largest": label_format(largest)}


def stacked_shares(shares: list[tuple[str, float | None]]) -> dict:
    """The purpose shares as one horizontal bar of 100%."""
    bars, x = [], 0.0
    for tone, (label, share) in enumerate(shares):
        width = WIDTH * (share or 0) / 100
        bars.append(
            Bar(x=round(x, 2), y=0, width=round(width, 2), height=28, label=label, value=share, tone=tone)
        )
        x += width
    return {"width": WIDTH, "height": 28, "bars": bars}
