"""Layout of the portfolio charts: plain numbers in, SVG coordinates out, no ORM.

The templates only place what is computed here (on scoring/geometry.py's scales), so the charts
work without JavaScript and tests can check the geometry directly.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from math import sqrt

from scoring.geometry import (
    Fixed,
    Frame,
    Point,
    Region,
    Scale,
    around,
    padded,
    polyline,
    quadrants,
    round_up,
)
from scoring.models import Quadrant

# --- The matrix ----------------------------------------------------------------------------------

MATRIX_PLOT = 520  # the plot is square: both indices run 0–100
MATRIX_LEFT, MATRIX_TOP, MATRIX_RIGHT, MATRIX_BOTTOM = 64, 16, 16, 56
RADIUS_MIN, RADIUS_MAX = 3.5, 18.0
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bubble(Point):
    pk: int
    name: str
    category: str
    category_label: str
    attractiveness: Decimal
    advantage: Decimal
    revenue: Decimal
    r: float

    # Formatted in Python for the template: at 300 bubbles, a dozen template filters per bubble
    # were most of the page's time.
    radius = Fixed("r")
    attractiveness_text = Fixed("attractiveness")
    advantage_text = Fixed("advantage")


@dataclass
class MatrixChart(Frame):
    threshold_x: float
    threshold_y: float
    regions: list[Region] = field(default_factory=list)
    bubbles: list[Bubble] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)


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
    frame = around(size, size, MATRIX_LEFT, MATRIX_TOP, MATRIX_RIGHT, MATRIX_BOTTOM)
    # Both indices run 0–100: advantage to the right, attractiveness up.
    x = Scale(0, 100, frame["left"], frame["right"])
    y = Scale(0, 100, frame["bottom"], frame["top"])
    threshold_x = x(thresholds.advantage)
    threshold_y = y(thresholds.attractiveness)
    counts = counts or {}
    labels = dict(Quadrant.choices)
    chart = MatrixChart(
        **frame,
        threshold_x=threshold_x,
        threshold_y=threshold_y,
        x_ticks=x.ticks(TICKS),
        y_ticks=y.ticks(TICKS),
    )
    corners = quadrants(chart, threshold_x, threshold_y, inset=10, baseline=20)
    chart.regions = [
        Region(key, str(labels[key]), *corners[corner], count=counts.get(key, 0))
        for key, corner in (
            # Attractiveness up, advantage to the right.
            (Quadrant.KEY, ("right", "top")),
            (Quadrant.DEVELOP, ("left", "top")),
            (Quadrant.MAINTAIN, ("right", "bottom")),
            (Quadrant.OPPORTUNISTIC, ("left", "bottom")),
        )
    ]
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
                x=x(account.advantage),
                y=y(account.attractiveness),
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
class ParetoChart(Frame):
    y_min: int
    y_max: int
    diagonal: tuple[float, float, float, float]
    marker_x: float
    series: list[Series] = field(default_factory=list)
    x_ticks: list[tuple[int, float]] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)
    hundred_y: float = 0


def _share(part: Decimal, total: Decimal) -> float:
    return float(part) * 100 / float(total)


def pareto_chart(curves) -> ParetoChart:
    """`curves`: ParetoCurve objects. A curve whose total is not positive has no shares and is
    left out. Margin can be negative for some accounts, so its running share may rise above 100 %
    and come back down: the y axis grows to show it rather than cutting it off."""
    drawable = [c for c in curves if c.accounts and c.total > 0]
    shares = [_share(p.cumulative, c.total) for c in drawable for p in c.points]
    y_max = max(100, round_up(max(shares, default=100), 20))
    y_min = min(0, -round_up(-min(shares, default=0), 20))
    frame = padded(
        PARETO_WIDTH, PARETO_HEIGHT, PARETO_LEFT, PARETO_TOP, PARETO_RIGHT, PARETO_BOTTOM
    )
    px = Scale(0, 100, frame["left"], frame["right"])
    py = Scale(y_min, y_max, frame["bottom"], frame["top"])
    y_ticks = range(y_min, y_max + 1, 20 if y_max - y_min <= 200 else 50)
    chart = ParetoChart(
        **frame,
        y_min=y_min,
        y_max=y_max,
        diagonal=(px(0), py(0), px(100), py(100)),
        marker_x=px(20),
        x_ticks=px.ticks(range(0, 101, 20)),
        y_ticks=py.ticks(y_ticks),
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
                points=polyline(coords),
                marker_x=px(curve.top_count * 100 / curve.accounts),
                marker_y=py(top_share),
                share=top_share,
                label_y=py(top_share) + (18 if number else -8),
            )
        )
    return chart
