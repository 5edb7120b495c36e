"""Layout of the survey charts: plain numbers in, SVG coordinates out, no ORM.

The importance–performance chart and the satisfaction trend are drawn by the templates from what
is computed here (on scoring/geometry.py's scales), so they work without JavaScript and tests can
check the geometry directly."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from scoring import engine
from scoring.geometry import (
    PERCENT_TICKS,
    Fixed,
    Frame,
    Point,
    Region,
    Scale,
    TrendChart,
    TrendPoint,
    around,
    coord,
    padded,
    percent_axis,
    quadrants,
    time_scale,
)

# --- Importance × performance ---------------------------------------------------------------

IP_PLOT = 440  # square plot: both axes run 1–5, with half a step of margin round the scale
IP_LEFT, IP_TOP, IP_RIGHT, IP_BOTTOM = 60, 16, 24, 56
# Half a step beyond 1 and 5, so dots at the ends are not cut by the frame and the quadrant names
# in the corners stay clear of them.
IP_LOW, IP_HIGH = engine.SURVEY_MIN - 0.5, engine.SURVEY_MAX + 0.5
IP_TICKS = tuple(range(engine.SURVEY_MIN, engine.SURVEY_MAX + 1))
DOT_RADIUS = 5.5
DOT_CLEARANCE = 7  # the dot and its white ring: no label may cover it
LABEL_GAP = 10  # from the dot's centre to where a label beside it starts
LABEL_ROW = 14  # the step between the rows a label may move to
LABEL_PAD = 2  # round each label's box, so neighbours never touch
LEADER_FROM = 14  # a label further than this from its dot is tied to it by a leader line
NEAR = 120  # how far round its dot a label is looked for before the whole plot is searched

QUADRANT_LABELS = {
    engine.CONCENTRATE: _("Concentrate here"),
    engine.KEEP_UP: _("Keep up the good work"),
    engine.LOW_PRIORITY: _("Low priority"),
    engine.OVERKILL: _("Possible overkill"),
}


def quadrant_label(quadrant: str) -> str:
    return QUADRANT_LABELS[quadrant]


@dataclass(frozen=True)
class IPDot(Point):
    key: str  # the indicator's code
    label: str
    importance: int
    performance: int
    gap: int
    quadrant: str
    label_x: float
    label_y: float
    anchor: str
    leader: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2

    lx = Fixed("label_x")
    ly = Fixed("label_y")

    @property
    def box(self) -> tuple[float, float, float, float]:
        return label_box(self.label_x, self.label_y, self.anchor, label_width(self.label))

    @property
    def leader_points(self) -> tuple[str, str, str, str] | None:
        return None if self.leader is None else tuple(coord(v) for v in self.leader)

    @property
    def quadrant_label(self) -> str:
        return quadrant_label(self.quadrant)


@dataclass
class IPChart(Frame):
    mid_x: float
    mid_y: float
    regions: list[Region] = field(default_factory=list)
    dots: list[IPDot] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)

    @property
    def x_tick_y(self) -> float:
        return self.bottom + 16

    @property
    def y_tick_x(self) -> float:
        return self.left - 8


def label_width(text: str) -> float:
    """Rough width at 11px: Chinese characters are about twice as wide as Latin ones."""
    return sum(11 if ord(ch) > 0x2E80 else 6.2 for ch in str(text))


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_box(label_x, label_y, anchor, width) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) an 11px label covers, `label_y` being its baseline."""
    start = {"start": label_x, "end": label_x - width}.get(anchor, label_x - width / 2)
    return (start - LABEL_PAD, label_y - 10, start + width + LABEL_PAD, label_y + 3)


def _distance(x, y, box) -> float:
    """From the point to the nearest point of the box (0 inside it)."""
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return (dx * dx + dy * dy) ** 0.5


def _candidates(x, y, width, bounds, reach):
    """Every place for a label round the dot at (x, y), nearest first: beside it, above and below
    it, then on the rows further up and down, and further out. Ties keep the order right, left,
    above, below, so the layout is the same for the same answers."""
    left, top, right, bottom = bounds
    rows = int(reach // LABEL_ROW) + 1
    found = []
    for row in range(-rows, rows + 1):
        baseline = y + 4 + row * LABEL_ROW
        for shift in range(0, int(reach), LABEL_ROW):
            found.append((x + LABEL_GAP + shift, baseline, "start"))
            found.append((x - LABEL_GAP - shift, baseline, "end"))
        found.append((x, baseline, "middle"))
    ranked = []
    for order, (label_x, label_y, anchor) in enumerate(found):
        box = label_box(label_x, label_y, anchor, width)
        if box[0] >= left and box[2] <= right and box[1] >= top and box[3] <= bottom:
            ranked.append((round(_distance(x, y, box), 3), order, label_x, label_y, anchor, box))
    ranked.sort()
    return ranked


def _leader(x, y, box) -> tuple[float, float, float, float] | None:
    """A line from the dot's edge to the nearest point of its label, when the label is not
    beside the dot."""
    distance = _distance(x, y, box)
    if distance <= LEADER_FROM:
        return None
    end_x, end_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return (
        x + (end_x - x) * DOT_RADIUS / distance,
        y + (end_y - y) * DOT_RADIUS / distance,
        end_x,
        end_y,
    )


def place_labels(dots, taken, bounds):
    """Each label of `dots` ((x, y, width) each) at the nearest place where its box stays inside
    `bounds` and clear of every box in `taken` (the dots, the quadrant names, the labels placed
    before it); far from its dot, with a leader line. Returns (label_x, label_y, anchor, leader)
    per dot, in order. The labels nearest the crowd's edge go first."""
    taken = list(taken)
    placed = {}
    order = sorted(range(len(dots)), key=lambda i: (dots[i][1], dots[i][0], i))
    for index in order:
        x, y, width = dots[index]
        chosen = None
        # Near the dot first (cheap); the whole plot only when the neighbourhood is full.
        for reach in (NEAR, max(bounds[2] - bounds[0], bounds[3] - bounds[1])):
            for *_rank, label_x, label_y, anchor, box in _candidates(x, y, width, bounds, reach):
                if not any(_overlaps(box, other) for other in taken):
                    chosen = (label_x, label_y, anchor, box)
                    break
            if chosen is not None:
                break
        if chosen is None:  # no free place at all: beside the dot, as before
            anchor = "start" if x < (bounds[0] + bounds[2]) / 2 else "end"
            label_x = x + LABEL_GAP if anchor == "start" else x - LABEL_GAP
            chosen = (label_x, y + 4, anchor, label_box(label_x, y + 4, anchor, width))
        label_x, label_y, anchor, box = chosen
        taken.append(box)
        placed[index] = (label_x, label_y, anchor, _leader(x, y, box))
    return [placed[index] for index in range(len(dots))]


def importance_performance_chart(answers) -> IPChart:
    """`answers`: objects with `key`, `label`, `importance`, `performance` (1–5). Importance runs
    along x, performance up y; the crosshair sits at the scale's midpoint (3), which is where
    engine.importance_performance_quadrant divides "high" from "low"."""
    frame = around(IP_PLOT, IP_PLOT, IP_LEFT, IP_TOP, IP_RIGHT, IP_BOTTOM)
    left, top, right, bottom = (frame[side] for side in ("left", "top", "right", "bottom"))
    px = Scale(IP_LOW, IP_HIGH, left, right)
    py = Scale(IP_LOW, IP_HIGH, bottom, top)
    mid_x, mid_y = px(engine.SURVEY_MIDPOINT), py(engine.SURVEY_MIDPOINT)
    chart = IPChart(
        **frame,
        mid_x=mid_x,
        mid_y=mid_y,
        x_ticks=px.ticks(IP_TICKS),
        y_ticks=py.ticks(IP_TICKS),
    )
    corners = quadrants(chart, mid_x, mid_y, inset=8, baseline=16)
    chart.regions = [
        Region(key, QUADRANT_LABELS[key], *corners[corner])
        for key, corner in (
            # Important (right) and performing poorly (bottom): where effort pays.
            (engine.CONCENTRATE, ("right", "bottom")),
            (engine.KEEP_UP, ("right", "top")),
            (engine.LOW_PRIORITY, ("left", "bottom")),
            (engine.OVERKILL, ("left", "top")),
        )
    ]
    # Each dot where its answer puts it (indicators with the same answers share the point);
    # then each label where it covers no dot, no quadrant name and no other label.
    placed = [
        (
            answer,
            answer.importance,
            answer.performance,
            px(answer.importance),
            py(answer.performance),
        )
        for answer in answers
    ]
    taken = [
        (x - DOT_CLEARANCE, y - DOT_CLEARANCE, x + DOT_CLEARANCE, y + DOT_CLEARANCE)
        for _a, _i, _p, x, y in placed
    ]
    for region in chart.regions:
        width = label_width(region.label) * 1.1  # drawn in bold
        start = region.label_x - width if region.anchor == "end" else region.label_x
        taken.append((start, region.label_y - 12, start + width, region.label_y + 2))
    labels = place_labels(
        [(x, y, label_width(answer.label)) for answer, _i, _p, x, y in placed],
        taken,
        (left, top, right, bottom),
    )
    for (answer, importance, performance, x, y), (label_x, label_y, anchor, leader) in zip(
        placed, labels, strict=True
    ):
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
                leader=leader,
            )
        )
    return chart


# --- Satisfaction index over time -----------------------------------------------------------

TREND_WIDTH, TREND_HEIGHT = 640, 200
TREND_LEFT, TREND_TOP, TREND_RIGHT, TREND_BOTTOM = 44, 14, 24, 36
MAX_DATE_LABELS = 6


def trend_chart(surveys) -> TrendChart:
    """`surveys`: objects with pk, answered_on, satisfaction_index, oldest first. Time runs along
    x in proportion to the days between surveys (two surveys a week apart sit close); a single
    survey sits in the middle. Dates are written under the first, the last and a few between."""
    chart = TrendChart(
        **padded(TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, TREND_TOP, TREND_RIGHT, TREND_BOTTOM)
    )
    y = percent_axis(chart)
    chart.y_ticks = [(tick, coord(y(tick))) for tick in PERCENT_TICKS]
    surveys = list(surveys)
    if not surveys:
        return chart
    count = len(surveys)
    middle = (chart.left + chart.right) / 2
    x = time_scale([s.answered_on for s in surveys], chart.left, chart.right, single=middle)
    if count > 1 and surveys[0].answered_on == surveys[-1].answered_on:
        # All on one day: spread evenly in their order.
        by_position = Scale(0, count - 1, chart.left, chart.right)
        xs = [by_position(position) for position in range(count)]
    else:
        xs = [x(survey.answered_on) for survey in surveys]
    every = max(1, -(-count // MAX_DATE_LABELS))
    for position, (survey, point_x) in enumerate(zip(surveys, xs, strict=True)):
        day = survey.answered_on
        chart.points.append(
            TrendPoint(
                x=point_x,
                y=y(survey.satisfaction_index),
                day=day,
                value=survey.satisfaction_index,
                pk=survey.pk,
            )
        )
        is_end = position in (0, count - 1)
        # Skip labels next to the last one so they don't collide with it.
        if is_end or (position % every == 0 and count - 1 - position >= every):
            anchor = "middle"
            if count > 1 and position == 0:
                anchor = "start"
            elif count > 1 and position == count - 1:
                anchor = "end"  # the end labels lean inwards so they stay inside the chart
            chart.x_labels.append((day, coord(point_x), anchor))
    return chart
