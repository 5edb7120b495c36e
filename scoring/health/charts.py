"""Layout maths for the health charts: the header's sparklines and the Health tab's risk trend.
Plain numbers in, SVG coordinates out, no ORM (as scoring/portfolio/charts.py): the templates
only place what is computed here, so the charts work without JavaScript and tests can check the
geometry directly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 3
# A sparkline spans at least this many index points, so a risk that moves 30 → 32 draws a
# nearly flat line instead of a cliff.
SPARK_MIN_SPAN = 20

TREND_WIDTH, TREND_HEIGHT = 640, 220
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 40, 16, 12, 28
TREND_TICKS = (0, 25, 50, 75, 100)
# Below this many days between the first and last point, a middle date label would collide.
TREND_MIDDLE_LABEL_DAYS = 14


def _coord(value: float) -> str:
    # Coordinates are never localised.
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: Decimal
    x: float
    y: float

    @property
    def cx(self) -> str:
        return _coord(self.x)

    @property
    def cy(self) -> str:
        return _coord(self.y)


class _Line:
    """What both line charts draw from their points."""

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.cx},{p.cy}" for p in self.points)

    @property
    def first(self) -> Point:
        return self.points[0]

    @property
    def last(self) -> Point:
        return self.points[-1]


@dataclass(frozen=True)
class Sparkline(_Line):
    width: int
    height: int
    points: tuple[Point, ...]
    low: Decimal
    high: Decimal

    @property
    def is_line(self) -> bool:
        return len(self.points) > 1


def _x_scale(days: list[datetime.date], left: float, width: float):
    first, last = days[0], days[-1]
    span = (last - first).days
    if span == 0:
        # One day: the point sits at the right end, where "now" is.
        return lambda day: left + width
    return lambda day: left + width * (day - first).days / span


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
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD
    x = _x_scale([day for day, _ in values], SPARK_PAD, inner_w)
    points = tuple(
        Point(
            day,
            value,
            x(day),
            SPARK_PAD + inner_h * (1 - (float(value) - floor) / (ceiling - floor)),
        )
        for day, value in values
    )
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, points, low, high)


@dataclass(frozen=True)
class Band:
    """A horizontal stripe of the trend chart: the medium or the high risk zone."""

    level: str
    y: str
    height: str


@dataclass
class TrendChart(_Line):
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    y_ticks: list[tuple[int, str]] = field(default_factory=list)
    x_labels: list[tuple[datetime.date, str, str]] = field(default_factory=list)

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def label_y(self) -> int:
        return self.height - 8


def _trend_y(value: float) -> float:
    inner = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    return TREND_TOP + inner * (1 - value / 100)


def risk_trend(
    series: list[tuple[datetime.date, int]], *, medium_from: int, high_from: int
) -> TrendChart | None:
    """The risk score (0–100, fixed axis so the zones keep their place) over the days of
    `series`, oldest first, with the medium and high zones shaded. None without points."""
    if not series:
        return None
    inner_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    x = _x_scale([day for day, _ in series], TREND_LEFT, inner_w)
    chart = TrendChart(
        TREND_WIDTH,
        TREND_HEIGHT,
        TREND_LEFT,
        TREND_WIDTH - TREND_RIGHT,
        TREND_TOP,
        TREND_HEIGHT - TREND_BOTTOM,
    )
    chart.points = [Point(day, Decimal(v), x(day), _trend_y(v)) for day, v in series]
    for level, lo, hi in (("medium", medium_from, high_from), ("high", high_from, 100)):
        top, bottom = _trend_y(hi), _trend_y(lo)
        chart.bands.append(Band(level, _coord(top), _coord(bottom - top)))
    chart.y_ticks = [(tick, _coord(_trend_y(tick))) for tick in TREND_TICKS]
    first, last = series[0][0], series[-1][0]
    span = (last - first).days
    if span == 0:
        labelled = [(last, "end")]
    elif span < TREND_MIDDLE_LABEL_DAYS:
        labelled = [(first, "start"), (last, "end")]
    else:
        middle = first + datetime.timedelta(days=span // 2)
        labelled = [(first, "start"), (middle, "middle"), (last, "end")]
    chart.x_labels = [(day, _coord(x(day)), anchor) for day, anchor in labelled]
    return chart
