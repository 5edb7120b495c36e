"""Layout of the health charts: the header's sparklines and the Health tab's risk trend. Plain
numbers in, SVG coordinates out, no ORM; the geometry is scoring/geometry.py's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from scoring.geometry import (
    PERCENT_TICKS,
    Band,
    Line,
    Scale,
    TrendChart,
    TrendPoint,
    coord,
    padded,
    percent_axis,
    time_scale,
)

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 3
# A sparkline spans at least this many index points, so a risk that moves 30 → 32 draws a
# nearly flat line instead of a cliff.
SPARK_MIN_SPAN = 20

TREND_WIDTH, TREND_HEIGHT = 640, 220
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 40, 16, 12, 28
# Below this many days between the first and last point, a middle date label would collide.
TREND_MIDDLE_LABEL_DAYS = 14


@dataclass(frozen=True)
class Sparkline(Line):
    width: int
    height: int
    points: tuple[TrendPoint, ...]
    low: Decimal
    high: Decimal

    @property
    def is_line(self) -> bool:
        return len(self.points) > 1


def sparkline(series: list[tuple[datetime.date, Decimal | int | None]]) -> Sparkline | None:
    """(day, value) pairs oldest first; days without a value are skipped. None without values."""
    values = [(day, Decimal(value)) for day, value in series if value is not None]
    if not values:
        return None
    low = min(v for _, v in values)
    high = max(v for _, v in values)
    floor, ceiling = float(low), float(high)
    if ceiling - floor < SPARK_MIN_SPAN:
        middle = (floor + ceiling) / 2
        floor, ceiling = middle - SPARK_MIN_SPAN / 2, middle + SPARK_MIN_SPAN / 2
    pad, right, bottom = SPARK_PAD, SPARK_WIDTH - SPARK_PAD, SPARK_HEIGHT - SPARK_PAD
    # One day: the point sits at the right end, where "now" is.
    x = time_scale([day for day, _ in values], pad, right, single=right)
    y = Scale(floor, ceiling, bottom, pad)
    points = tuple(TrendPoint(x(day), y(value), day, value) for day, value in values)
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, points, low, high)


def risk_trend(
    series: list[tuple[datetime.date, int]], *, medium_from: int, high_from: int
) -> TrendChart | None:
    """The risk score (0–100, fixed axis so the zones keep their place) over the days of
    `series`, oldest first, with the medium and high zones shaded. None without points."""
    if not series:
        return None
    chart = TrendChart(
        **padded(TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, TREND_TOP, TREND_RIGHT, TREND_BOTTOM),
        date_gap=TREND_BOTTOM - 8,
    )
    x = time_scale([day for day, _ in series], chart.left, chart.right, single=chart.right)
    y = percent_axis(chart)
    chart.points = [TrendPoint(x(day), y(v), day, Decimal(v)) for day, v in series]
    for level, lo, hi in (("medium", medium_from, high_from), ("high", high_from, 100)):
        top, bottom = y(hi), y(lo)
        chart.bands.append(Band(level, coord(top), coord(bottom - top)))
    chart.y_ticks = [(tick, coord(y(tick))) for tick in PERCENT_TICKS]
    first, last = series[0][0], series[-1][0]
    span = (last - first).days
    if span == 0:
        labelled = [(last, "end")]
    elif span < TREND_MIDDLE_LABEL_DAYS:
        labelled = [(first, "start"), (last, "end")]
    else:
        middle = first + datetime.timedelta(days=span // 2)
        labelled = [(first, "start"), (middle, "middle"), (last, "end")]
    chart.x_labels = [(day, coord(x(day)), anchor) for day, anchor in labelled]
    return chart
