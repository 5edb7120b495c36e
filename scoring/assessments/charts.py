"""Geometry of the Scores tab's pictures: numbers in, SVG coordinates out, no ORM. The template
only places what is computed here, so the pictures need no JavaScript and tests can check them.

The mini matrix puts our relative advantage across (right = stronger) and customer
attractiveness up, as the portfolio matrix does: key accounts sit top right.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scoring import engine
from scoring.geometry import Frame, Region, Scale, around, quadrants

PLOT_LEFT = 30
PLOT_TOP = 8
PLOT_SIZE = 168
PLOT = Frame(**around(PLOT_SIZE, PLOT_SIZE, PLOT_LEFT, PLOT_TOP, 8, 30))
HUNDRED = Decimal(100)
# Both indices run 0–100: advantage to the right, attractiveness up.
ADVANTAGE = Scale(0, 100, PLOT.left, PLOT.right)
ATTRACTIVENESS = Scale(0, 100, PLOT.bottom, PLOT.top)


@dataclass(frozen=True)
class Cell(Region):
    is_current: bool = False


@dataclass(frozen=True)
class MiniMatrix:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_right: int
    plot_bottom: int
    plot_size: int
    threshold_x: float
    threshold_y: float
    cells: tuple[Cell, ...]
    dot_x: float | None
    dot_y: float | None
    x_title_x: float
    x_title_y: float
    y_title_x: float
    y_title_y: float


def mini_matrix(
    attractiveness: Decimal | None,
    advantage: Decimal | None,
    attractiveness_threshold: Decimal,
    advantage_threshold: Decimal,
    quadrant: str | None,
    labels: Mapping[str, str],
) -> MiniMatrix:
    """The four quadrants split at the thresholds, and the account's dot (none when unplaced)."""
    split_x, split_y = ADVANTAGE(advantage_threshold), ATTRACTIVENESS(attractiveness_threshold)
    corners = quadrants(PLOT, split_x, split_y, inset=5, baseline=12)
    cells = [
        Cell(key, labels.get(key, key), *corners[corner], is_current=key == quadrant)
        for key, corner in (
            (engine.DEVELOP, ("left", "top")),
            (engine.KEY, ("right", "top")),
            (engine.OPPORTUNISTIC, ("left", "bottom")),
            (engine.MAINTAIN, ("right", "bottom")),
        )
    ]
    placed = attractiveness is not None and advantage is not None
    return MiniMatrix(
        width=PLOT.width,
        height=PLOT.height,
        plot_left=PLOT.left,
        plot_top=PLOT.top,
        plot_right=PLOT.right,
        plot_bottom=PLOT.bottom,
        plot_size=PLOT_SIZE,
        threshold_x=split_x,
        threshold_y=split_y,
        cells=tuple(cells),
        dot_x=ADVANTAGE(advantage) if placed else None,
        dot_y=ATTRACTIVENESS(attractiveness) if placed else None,
        x_title_x=PLOT.x_title[0],
        x_title_y=PLOT.bottom + 22,
        y_title_x=PLOT.left - 10,
        y_title_y=PLOT.y_title[1],
    )


@dataclass(frozen=True)
class Bar:
    """A contribution bar in percent of the row's width: the track is what the criterion could
    earn, the fill what it earned, both against the dimension's largest possible points, so
    heavier criteria have longer tracks."""

    track: Decimal
    fill: Decimal


def contribution_bar(
    points: Decimal | None, max_points: Decimal | None, largest: Decimal | None
) -> Bar | None:
    if points is None or max_points is None or not largest:
        return None
    largest = Decimal(largest)
    return Bar(
        track=Decimal(max_points) * HUNDRED / largest, fill=Decimal(points) * HUNDRED / largest
    )
