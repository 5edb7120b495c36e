"""Layout maths for the survey charts: plain numbers in, SVG coordinates out, no ORM.

The importance–performance chart and the satisfaction trend are drawn by the templates from what
is computed here, so they work without JavaScript and tests can check the geometry directly."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from math import cos, pi, sin

from django.utils.translation import gettext_lazy as _

from scoring import engine

# --- Importance × performance ---------------------------------------------------------------

IP_PLOT = 440  # square plot: both axes run 1–5, with half a step of margin round the scale
IP_LEFT, IP_TOP, IP_RIGHT, IP_BOTTOM = 60, 16, 24, 56
# Half a step beyond 1 and 5, so dots at the ends are not cut by the frame and the quadrant names
# in the corners stay clear of them.
IP_LOW, IP_HIGH = engine.SURVEY_MIN - 0.5, engine.SURVEY_MAX + 0.5
LABEL_HEIGHT = 12
IP_TICKS = tuple(range(engine.SURVEY_MIN, engine.SURVEY_MAX + 1))
# Dots sharing a point are spread on a small circle around it, so each stays visible and
# hoverable; the radius is a fraction of one step of the scale.
SPREAD = 0.22

QUADRANT_LABELS = {
    engine.CONCENTRATE: _("Concentrate here"),
    engine.KEEP_UP: _("Keep up the good work"),
    engine.LOW_PRIORITY: _("Low priority"),
    engine.OVERKILL: _("Possible overkill"),
}


def quadrant_label(quadrant: str) -> str:
    return QUADRANT_LABELS[quadrant]


@dataclass(frozen=True)
class IPDot:
    key: str  # the indicator's code
    label: str
    importance: int
    performance: int
    gap: int
    quadrant: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str

    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"

    @property
    def lx(self) -> str:
        return f"{self.label_x:.1f}"

    @property
    def ly(self) -> str:
        return f"{self.label_y:.1f}"

    @property
    def quadrant_label(self) -> str:
        return quadrant_label(self.quadrant)


@dataclass(frozen=True)
class IPRegion:
    key: str
    label: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str


@dataclass
class IPChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    mid_x: float
    mid_y: float
    regions: list[IPRegion] = field(default_factory=list)
    dots: list[IPDot] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_tick_y(self) -> float:
        return self.bottom + 16

    @property
    def y_tick_x(self) -> float:
        return self.left - 8

    @property
    def x_title(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, self.height - 12

    @property
    def y_title(self) -> tuple[float, float]:
        return 18, (self.top + self.bottom) / 2


def _scale(value: float, size: float) -> float:
    return (value - IP_LOW) / (IP_HIGH - IP_LOW) * size


def label_width(text: str) -> float:
    """Rough width at 11px: Chinese characters are about twice as wide as Latin ones."""
    return sum(11 if ord(ch) > 0x2E80 else 6.2 for ch in str(text))


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(x, y, width, taken, bounds):
    """The first of right, left, above, below of the dot where the label's box stays inside the
    plot and off the labels already placed (and off the dots); right when none is free."""
    gap = 8
    candidates = [
        (x + gap, y + 4, "start", (x + gap, y - 8, x + gap + width, y + 4)),
        (x - gap, y + 4, "end", (x - gap - width, y - 8, x - gap, y + 4)),
        (x, y - gap - 2, "middle", (x - width / 2, y - gap - 12, x + width / 2, y - gap)),
        (x, y + gap + 10, "middle", (x - width / 2, y + gap, x + width / 2, y + gap + 12)),
    ]
    left, top, right, bottom = bounds
    for label_x, label_y, anchor, box in candidates:
        inside = box[0] >= left and box[2] <= right and box[1] >= top and box[3] <= bottom
        if inside and not any(_overlaps(box, other) for other in taken):
            taken.append(box)
            return label_x, label_y, anchor
    label_x, label_y, anchor, box = candidates[0] if x < (left + right) / 2 else candidates[1]
    taken.append(box)
    return label_x, label_y, anchor


def _offsets(count: int) -> list[tuple[float, float]]:
    """Where `count` dots sharing one point go, in scale units: the point itself for one,
    evenly round a small circle for more (starting at the top, clockwise)."""
    if count == 1:
        return [(0.0, 0.0)]
    return [
        (SPREAD * sin(2 * pi * i / count), SPREAD * cos(2 * pi * i / count)) for i in range(count)
    ]


def importance_performance_chart(answers) -> IPChart:
    """`answers`: objects with `key`, `label`, `importance`, `performance` (1–5). Importance runs
    along x, performance up y; the crosshair sits at the scale's midpoint (3), which is where
    engine.importance_performance_quadrant divides "high" from "low"."""
    size = IP_PLOT
    left, top = IP_LEFT, IP_TOP
    right, bottom = left + size, top + size

    def px(value: float) -> float:
        return left + _scale(value, size)

    def py(value: float) -> float:
        return bottom - _scale(value, size)

    mid_x, mid_y = px(engine.SURVEY_MIDPOINT), py(engine.SURVEY_MIDPOINT)
    inset = 8
    chart = IPChart(
        width=right + IP_RIGHT,
        height=bottom + IP_BOTTOM,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        mid_x=mid_x,
        mid_y=mid_y,
        x_ticks=[(tick, px(tick)) for tick in IP_TICKS],
        y_ticks=[(tick, py(tick)) for tick in IP_TICKS],
        regions=[
            # Important (right) and performing poorly (bottom): where effort pays.
            IPRegion(
                engine.CONCENTRATE,
                QUADRANT_LABELS[engine.CONCENTRATE],
                mid_x,
                mid_y,
                right - mid_x,
                bottom - mid_y,
                right - inset,
                bottom - inset,
                "end",
            ),
            IPRegion(
                engine.KEEP_UP,
                QUADRANT_LABELS[engine.KEEP_UP],
                mid_x,
                top,
                right - mid_x,
                mid_y - top,
                right - inset,
                top + 16,
                "end",
            ),
            IPRegion(
                engine.LOW_PRIORITY,
                QUADRANT_LABELS[engine.LOW_PRIORITY],
                left,
                mid_y,
                mid_x - left,
                bottom - mid_y,
                left + inset,
                bottom - inset,
                "start",
            ),
            IPRegion(
                engine.OVERKILL,
                QUADRANT_LABELS[engine.OVERKILL],
                left,
                top,
                mid_x - left,
                mid_y - top,
                left + inset,
                top + 16,
                "start",
            ),
        ],
    )
    at_point = defaultdict(list)
    for answer in answers:
        at_point[(answer.importance, answer.performance)].append(answer)
    step = size / (IP_HIGH - IP_LOW)
    placed = []
    for (importance, performance), sharing in at_point.items():
        for answer, (dx, dy) in zip(sharing, _offsets(len(sharing)), strict=True):
            placed.append(
                (
                    answer,
                    importance,
                    performance,
                    px(importance) + dx * step,
                    py(performance) - dy * step,
                )
            )
    # Dots first, so no label covers a dot; then labels, each where it collides with nothing.
    taken = [(x - 6, y - 6, x + 6, y + 6) for _a, _i, _p, x, y in placed]
    for region in chart.regions:
        width = label_width(region.label) * 1.1  # drawn in bold
        start = region.label_x - width if region.anchor == "end" else region.label_x
        taken.append((start, region.label_y - 12, start + width, region.label_y + 2))
    for answer, importance, performance, x, y in placed:
        label_x, label_y, anchor = _place_label(
            x, y, label_width(answer.label), taken, (left, top, right, bottom)
        )
        chart.dots.append(
            IPDot(
                key=answer.key,
                label=answer.label,
                importance=importance,
                performance=performance,
                gap=engine.survey_gap(importance, performance),
                quadrant=engine.importance_performance_quadrant(importance, performance),
                x=x,
                y=y,
                label_x=label_x,
                label_y=label_y,
                anchor=anchor,
            )
        )
    return chart


# --- Satisfaction index over time -----------------------------------------------------------

TREND_WIDTH, TREND_HEIGHT = 640, 200
TREND_LEFT, TREND_TOP, TREND_RIGHT, TREND_BOTTOM = 44, 14, 24, 36
TREND_TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class TrendPoint:
    pk: int
    day: date
    index: Decimal
    x: float
    y: float
    show_date: bool  # dates are written under the first, the last and a few between
    anchor: str = "middle"  # the end labels lean inwards so they stay inside the chart

    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"


@dataclass
class TrendChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    points: list[TrendPoint] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def tick_x(self) -> float:
        return self.left - 6

    @property
    def date_y(self) -> float:
        return self.bottom + 18


MAX_DATE_LABELS = 6


def trend_chart(surveys) -> TrendChart:
    """`surveys`: objects with pk, answered_on, satisfaction_index, oldest first. Time runs along
    x in proportion to the days between surveys (two surveys a week apart sit close); a single
    survey sits in the middle."""
    left, top = TREND_LEFT, TREND_TOP
    right, bottom = TREND_WIDTH - TREND_RIGHT, TREND_HEIGHT - TREND_BOTTOM
    chart = TrendChart(
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        y_ticks=[(tick, bottom - tick / 100 * (bottom - top)) for tick in TREND_TICKS],
    )
    surveys = list(surveys)
    if not surveys:
        return chart
    first, last = surveys[0].answered_on, surveys[-1].answered_on
    span = (last - first).days
    count = len(surveys)
    every = max(1, -(-count // MAX_DATE_LABELS))
    for position, survey in enumerate(surveys):
        if span:
            x = left + (survey.answered_on - first).days / span * (right - left)
        else:
            x = (left + right) / 2 if count == 1 else left + position / (count - 1) * (right - left)
        y = bottom - float(survey.satisfaction_index) / 100 * (bottom - top)
        is_end = position in (0, count - 1)
        # Skip labels next to the last one so they don't collide with it.
        show = is_end or (position % every == 0 and count - 1 - position >= every)
        anchor = "middle"
        if count > 1 and position == 0:
            anchor = "start"
        elif count > 1 and position == count - 1:
            anchor = "end"
        chart.points.append(
            TrendPoint(survey.pk, survey.answered_on, survey.satisfaction_index, x, y, show, anchor)
        )
    return chart
