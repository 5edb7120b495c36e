"""Geometry under every SVG chart: plot areas, linear and time scales, nice axis ends and ticks,
bar rows, polylines, and the one way a coordinate is written. Plain numbers in, SVG coordinates
out: no ORM and no other scoring module (it sits at the bottom of scoring beside engine.py), so a
chart module only says what goes where and the tests can check the geometry directly.

Money and percentages for axis and bar labels come from accounts/formatting.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

# --- Writing coordinates -------------------------------------------------------------------------


def coord(value) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return f"{value:.1f}"


def polyline(points: Iterable[tuple[float, float]]) -> str:
    """The `points` attribute of an SVG polyline."""
    return " ".join(f"{coord(x)},{coord(y)}" for x, y in points)


class Fixed:
    """A number attribute written with one decimal, never localised: `cx = Fixed("x")` on a
    dataclass gives the template `cx`. Formatted once per use in Python, which at 300 bubbles is
    much cheaper than a template filter per value."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, owner=None):
        return self if instance is None else coord(getattr(instance, self.name))


# --- Plot areas ----------------------------------------------------------------------------------


@dataclass
class Frame:
    """A chart of `width` × `height` whose plot runs from (left, top) to (right, bottom)."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_title(self) -> tuple[float, float]:
        """Where the x axis's title goes: centred under the plot."""
        return (self.left + self.right) / 2, self.height - 12

    @property
    def y_title(self) -> tuple[float, float]:
        """Where the y axis's title goes (rotated): centred left of the plot."""
        return 18, (self.top + self.bottom) / 2


def padded(width, height, left, top, right, bottom) -> dict:
    """A Frame's fields for a chart of `width` × `height` with these paddings round the plot."""
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "right": width - right,
        "bottom": height - bottom,
    }


def around(plot_width, plot_height, left, top, right, bottom) -> dict:
    """A Frame's fields for a plot of `plot_width` × `plot_height` with these paddings."""
    return padded(left + plot_width + right, top + plot_height + bottom, left, top, right, bottom)


# --- Scales --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Maps `low`..`high` linearly onto `start`..`end` (for a y axis, start is the bottom)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value) -> float:
        return self.start + (float(value) - self.low) / (self.high - self.low) * (
            self.end - self.start
        )

    def ticks(self, values: Iterable) -> list[tuple]:
        """(value, position) for each tick value."""
        return [(value, self(value)) for value in values]


def length(value, largest, size: float) -> float:
    """`value` as a length out of `size`, which `largest` fills (0 when nothing is largest)."""
    return float(value) / float(largest) * size if largest and float(largest) > 0 else 0.0


def time_scale(
    days: list[datetime.date], start: float, end: float, *, single: float
) -> Callable[[datetime.date], float]:
    """Days in proportion to the time between them, the first at `start`, the last at `end`;
    when all days are the same, each sits at `single`."""
    first, last = days[0], days[-1]
    span = (last - first).days
    if span == 0:
        return lambda day: single
    return lambda day: start + (day - first).days / span * (end - start)


# --- Axis ends and ticks -------------------------------------------------------------------------


def nice_ceiling(value: float, *, integer: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis maximum)."""
    if value <= 0:
        return 5 if integer else 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    if value < 1:
        magnitude = 0.1
        while magnitude > value:
            magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value and (not integer or float(ceiling).is_integer()):
            return max(ceiling, 5) if integer else ceiling
    return 10 * magnitude


def round_up(value: float, step: int) -> int:
    """`value` rounded up to a multiple of `step`."""
    return int(-(-value // step) * step)


def quarters(low: float, high: float) -> list[float]:
    """Five evenly spaced tick values from `low` to `high`."""
    return [low + (high - low) * k / 4 for k in range(5)]


PERCENT_TICKS = (0, 25, 50, 75, 100)


# --- Rows of horizontal bars ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """Horizontal bars one a row in a chart `width` wide: names right-aligned at `label`, bars
    from `label + 8`, at most `bar` long, rows `row` high with `gap` between them."""

    width: int
    label: int
    bar: int
    row: int
    gap: int

    @property
    def bar_x(self) -> int:
        return self.label + 8

    def y(self, index: int) -> int:
        return self.gap + index * (self.row + self.gap)

    def height(self, count: int) -> int:
        """The chart's height for `count` rows (one empty row when there are none)."""
        return max(count, 1) * (self.row + self.gap) + self.gap

    def chart(self, count: int) -> dict:
        """RowChart's fields for `count` rows."""
        return {
            "width": self.width,
            "height": self.height(count),
            "label_x": coord(self.label),
            "bar_x": coord(self.bar_x),
        }

    def length(self, value, largest, *, minimum: float = 0) -> float:
        """The bar of `value` when `largest` fills the row; a non-zero value at least `minimum`."""
        size = length(value, largest, self.bar)
        return max(size, minimum) if value else size

    def place(self, index: int, width: float) -> dict:
        """The written coordinates of row `index`'s bar `width` long: RowBar's y, width, height
        and text_y."""
        y = self.y(index)
        return {
            "y": coord(y),
            "width": coord(width),
            "height": coord(self.row),
            "text_y": coord(y + self.row / 2),
        }


@dataclass(frozen=True)
class RowBar:
    """One row of a RowChart: its name, the page its bar links to, and its coordinates written
    (`text_y` is the row's middle, where its name and figures stand)."""

    label: str
    url: str
    y: str
    width: str
    height: str
    text_y: str


@dataclass
class RowChart:
    """A chart of bar rows, coordinates written (the template only places them)."""

    width: int
    height: int
    label_x: str
    bar_x: str
    bars: list = field(default_factory=list)


# --- Points and regions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """Something drawn at (x, y): a dot, a bubble, a point of a line."""

    x: float
    y: float

    cx = Fixed("x")
    cy = Fixed("y")


@dataclass(frozen=True)
class Region:
    """A box of a plot with its name written inside, such as a quadrant of a matrix."""

    key: str
    label: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str
    count: int = 0


def quadrants(frame: Frame, split_x: float, split_y: float, *, inset: float, baseline: float):
    """The four boxes of the frame's plot split at (split_x, split_y), each named in the plot's
    outer corner, `inset` from its sides (a top name's baseline `baseline` below the top). Returns
    {(column, row): (x, y, width, height, label_x, label_y, anchor)}, column "left" or "right",
    row "top" or "bottom"."""
    found = {}
    for column, x0, x1 in (("left", frame.left, split_x), ("right", split_x, frame.right)):
        for row, y0, y1 in (("top", frame.top, split_y), ("bottom", split_y, frame.bottom)):
            label_x, anchor = (x0 + inset, "start") if column == "left" else (x1 - inset, "end")
            label_y = y0 + baseline if row == "top" else y1 - inset
            box = (x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))
            found[column, row] = (*box, label_x, label_y, anchor)
    return found


# --- Lines over time -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint(Point):
    day: datetime.date
    value: Decimal
    pk: int | None = None  # the record behind the point, for a link


@dataclass(frozen=True)
class Band:
    """A horizontal stripe of a trend chart, such as the medium or the high risk zone."""

    level: str
    y: str
    height: str


class Line:
    """What a line chart draws from its `points`, oldest first."""

    points: list[TrendPoint] | tuple[TrendPoint, ...]

    @property
    def polyline(self) -> str:
        return polyline((p.x, p.y) for p in self.points)

    @property
    def first(self) -> TrendPoint:
        return self.points[0]

    @property
    def last(self) -> TrendPoint:
        return self.points[-1]


@dataclass
class TrendChart(Line, Frame):
    """A value over time on a 0–100 axis: points, gridlines, dated labels, shaded bands."""

    points: list[TrendPoint] = field(default_factory=list)
    y_ticks: list[tuple[int, str]] = field(default_factory=list)
    x_labels: list[tuple[datetime.date, str, str]] = field(default_factory=list)  # day, x, anchor
    bands: list[Band] = field(default_factory=list)
    date_gap: float = 18  # from the plot's bottom to the dates' baseline

    @property
    def tick_x(self) -> float:
        return self.left - 6

    @property
    def date_y(self) -> float:
        return self.bottom + self.date_gap


def percent_axis(frame: Frame) -> Scale:
    """0–100 up the frame's plot."""
    return Scale(0, 100, frame.bottom, frame.top)
