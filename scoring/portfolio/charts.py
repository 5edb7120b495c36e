"""Layout maths for the portfolio charts: plain numbers in, SVG coordinates out, no ORM.

The templates only place what is computed here, so the charts work without JavaScript and tests
can check the geometry directly.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from math import sqrt

from scoring.models import Quadrant

# --- The matrix ----------------------------------------------------------------------------------

MATRIX_PLOT = 520  # the plot is square: both indices run 0–100
MATRIX_LEFT, MATRIX_TOP, MATRIX_RIGHT, MATRIX_BOTTOM = 64, 16, 16, 56
RADIUS_MIN, RADIUS_MAX = 3.5, 18.0
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bubble:
    pk: int
    name: str
    category: str
    category_label: str
    attractiveness: Decimal
    advantage: Decimal
    revenue: Decimal
    x: float
    y: float
    r: float

    # Pre-formatted for the template: at 300 bubbles, a dozen template filters per bubble were
    # most of the page's time. Coordinates are never localised.
    @property
    def cx(self) -> str:
        return f"{self.x:.1f}"

    @property
    def cy(self) -> str:
        return f"{self.y:.1f}"

    @property
    def radius(self) -> str:
        return f"{self.r:.1f}"

    @property
    def attractiveness_text(self) -> str:
        return f"{self.attractiveness:.1f}"

    @property
    def advantage_text(self) -> str:
        return f"{self.advantage:.1f}"


@dataclass(frozen=True)
class Region:
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


@dataclass
class MatrixChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    threshold_x: float
    threshold_y: float
    regions: list[Region] = field(default_factory=list)
    bubbles: list[Bubble] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)

    @property
    def x_title(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, self.height - 12

    @property
    def y_title(self) -> tuple[float, float]:
        return 18, (self.top + self.bottom) / 2


def _x(index, left: float, size: float) -> float:
    return left + float(index) / 100 * size


def _y(index, top: float, size: float) -> float:
    return top + (1 - float(index) / 100) * size


def bubble_radius(revenue: Decimal, largest: Decimal) -> float:
    """Area proportional to revenue (so the radius follows its square root), never below a
    minimum so an account that bought nothing this year still shows."""
    if largest <= 0 or revenue <= 0:
        return RADIUS_MIN
    return RADIUS_MIN + (RADIUS_MAX - RADIUS_MIN) * sqrt(float(revenue) / float(largest))


def matrix_chart(accounts, thresholds, counts: dict[str, int] | None = None) -> MatrixChart:
    """`accounts`: objects with pk, name, category, attractiveness, advantage, revenue, largest
    revenue first (the largest are drawn first, so smaller bubbles stay on top and clickable)."""
    size = MATRIX_PLOT
    left, top = MATRIX_LEFT, MATRIX_TOP
    right, bottom = left + size, top + size
    threshold_x = _x(thresholds.advantage, left, size)
    threshold_y = _y(thresholds.attractiveness, top, size)
    counts = counts or {}
    labels = dict(Quadrant.choices)
    inset = 10
    regions = [
        # (quadrant, box, label corner): attractiveness up, advantage to the right.
        (Quadrant.KEY, (threshold_x, top, right, threshold_y), (right - inset, top + 20, "end")),
        (
            Quadrant.DEVELOP,
            (left, top, threshold_x, threshold_y),
            (left + inset, top + 20, "start"),
        ),
        (
            Quadrant.MAINTAIN,
            (threshold_x, threshold_y, right, bottom),
            (right - inset, bottom - inset, "end"),
        ),
        (
            Quadrant.OPPORTUNISTIC,
            (left, threshold_y, threshold_x, bottom),
            (left + inset, bottom - inset, "start"),
        ),
    ]
    chart = MatrixChart(
        width=right + MATRIX_RIGHT,
        height=bottom + MATRIX_BOTTOM,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        threshold_x=threshold_x,
        threshold_y=threshold_y,
        x_ticks=[(tick, _x(tick, left, size)) for tick in TICKS],
        y_ticks=[(tick, _y(tick, top, size)) for tick in TICKS],
    )
    for key, (x1, y1, x2, y2), (label_x, label_y, anchor) in regions:
        chart.regions.append(
            Region(
                key=key,
                label=str(labels[key]),
                x=x1,
                y=y1,
                width=max(x2 - x1, 0),
                height=max(y2 - y1, 0),
                label_x=label_x,
                label_y=label_y,
                anchor=anchor,
                count=counts.get(key, 0),
            )
        )
    accounts = list(accounts)
    largest = max((a.revenue for a in accounts), default=Decimal(0))
    for account in accounts:
        chart.bubbles.append(
            Bubble(
                pk=account.pk,
                name=account.name,
                category=account.category,
                category_label=str(account.get_category_display()),
                attractiveness=account.attractiveness,
                advantage=account.advantage,
                revenue=account.revenue,
                x=_x(account.advantage, left, size),
                y=_y(account.attractiveness, top, size),
                r=bubble_radius(account.revenue, largest),
            )
        )
    return chart


# --- The 80/20 view ------------------------------------------------------------------------------

PARETO_WIDTH, PARETO_HEIGHT = 560, 360
PARETO_LEFT, PARETO_TOP, PARETO_RIGHT, PARETO_BOTTOM = 64, 16, 24, 56


@dataclass(frozen=True)
class Series:
    measure: str
    points: str  # an SVG polyline
    marker_x: float
    marker_y: float
    share: float  # percent of the total from the top 20 % of accounts
    label_y: (
        float  # the second series' label sits below its marker, so coinciding curves stay legible
    )


@dataclass
class ParetoChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    y_min: int
    y_max: int
    diagonal: tuple[float, float, float, float]
    marker_x: float
    series: list[Series] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)
    hundred_y: float = 0

    @property
    def x_title(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, self.height - 12

    @property
    def y_title(self) -> tuple[float, float]:
        return 18, (self.top + self.bottom) / 2


def _share(part: Decimal, total: Decimal) -> float:
    return float(part) * 100 / float(total)


def pareto_chart(curves) -> ParetoChart:
    """`curves`: ParetoCurve objects. A curve whose total is not positive has no shares and is
    left out. Margin can be negative for some accounts, so its running share may rise above 100 %
    and come back down: the y axis grows to show it rather than cutting it off."""
    drawable = [c for c in curves if c.accounts and c.total > 0]
    shares = [_share(p.cumulative, c.total) for c in drawable for p in c.points]
    y_max = max(100, _round_up(max(shares, default=100)))
    y_min = min(0, -_round_up(-min(shares, default=0)))
    left, top = PARETO_LEFT, PARETO_TOP
    width = PARETO_WIDTH - left - PARETO_RIGHT
    height = PARETO_HEIGHT - top - PARETO_BOTTOM
    right, bottom = left + width, top + height

    def px(share: float) -> float:
        return left + share / 100 * width

    def py(share: float) -> float:
        return top + (y_max - share) / (y_max - y_min) * height

    y_ticks = list(range(y_min, y_max + 1, 20 if y_max - y_min <= 200 else 50))
    chart = ParetoChart(
        width=PARETO_WIDTH,
        height=PARETO_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        y_min=y_min,
        y_max=y_max,
        diagonal=(px(0), py(0), px(100), py(100)),
        marker_x=px(20),
        x_ticks=[(tick, px(tick)) for tick in range(0, 101, 20)],
        y_ticks=[(tick, py(tick)) for tick in y_ticks],
        hundred_y=py(100),
    )
    for number, curve in enumerate(drawable):
        coords = [(px(0), py(0))]
        coords += [
            (px(p.position * 100 / curve.accounts), py(_share(p.cumulative, curve.total)))
            for p in curve.points
        ]
        top_share = float(curve.top_share) * 100
        chart.series.append(
            Series(
                measure=curve.measure,
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
                marker_x=px(curve.top_count * 100 / curve.accounts),
                marker_y=py(top_share),
                share=top_share,
                label_y=py(top_share) + (18 if number else -8),
            )
        )
    return chart


def _round_up(value: float, step: int = 20) -> int:
    return int(-(-value // step) * step)
