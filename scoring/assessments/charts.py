"""Geometry of the Scores tab's pictures: numbers in, SVG coordinates out, no ORM. The template
only places what is computed here, so the pictures need no JavaScript and tests can check them.

The mini matrix puts our relative advantage across (right = stronger) and customer
attractiveness up, as the portfolio matrix does: key accounts sit top right.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scoring import engine

PLOT_LEFT = 30
PLOT_TOP = 8
PLOT_SIZE = 168
WIDTH = PLOT_LEFT + PLOT_SIZE + 8
HEIGHT = PLOT_TOP + PLOT_SIZE + 30
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Cell:
    quadrant: str
    label: str
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    label_x: Decimal
    label_y: Decimal
    anchor: str
    is_current: bool


@dataclass(frozen=True)
class MiniMatrix:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_right: int
    plot_bottom: int
    plot_size: int
    threshold_x: Decimal
    threshold_y: Decimal
    cells: tuple[Cell, ...]
    dot_x: Decimal | None
    dot_y: Decimal | None
    x_title_x: Decimal
    x_title_y: Decimal
    y_title_x: Decimal
    y_title_y: Decimal


def _x(advantage: Decimal) -> Decimal:
    return PLOT_LEFT + PLOT_SIZE * Decimal(advantage) / HUNDRED


def _y(attractiveness: Decimal) -> Decimal:
    return PLOT_TOP + PLOT_SIZE * (HUNDRED - Decimal(attractiveness)) / HUNDRED


def mini_matrix(
    attractiveness: Decimal | None,
    advantage: Decimal | None,
    attractiveness_threshold: Decimal,
    advantage_threshold: Decimal,
    quadrant: str | None,
    labels: Mapping[str, str],
) -> MiniMatrix:
    """The four quadrants split at the thresholds, and the account's dot (none when unplaced)."""
    left, top = Decimal(PLOT_LEFT), Decimal(PLOT_TOP)
    right, bottom = left + PLOT_SIZE, top + PLOT_SIZE
    split_x, split_y = _x(advantage_threshold), _y(attractiveness_threshold)
    pad = Decimal(5)
    # (quadrant, x0, y0, x1, y1, label anchored to the plot's outer corner)
    boxes = (
        (engine.DEVELOP, left, top, split_x, split_y, "start"),
        (engine.KEY, split_x, top, right, split_y, "end"),
        (engine.OPPORTUNISTIC, left, split_y, split_x, bottom, "start"),
        (engine.MAINTAIN, split_x, split_y, right, bottom, "end"),
    )
    cells = []
    for key, x0, y0, x1, y1, anchor in boxes:
        label_top = y0 == top
        cells.append(
            Cell(
                quadrant=key,
                label=labels.get(key, key),
                x=x0,
                y=y0,
                width=x1 - x0,
                height=y1 - y0,
                label_x=(x0 + pad) if anchor == "start" else (x1 - pad),
                label_y=(y0 + 12) if label_top else (y1 - pad),
                anchor=anchor,
                is_current=key == quadrant,
            )
        )
    placed = attractiveness is not None and advantage is not None
    return MiniMatrix(
        width=WIDTH,
        height=HEIGHT,
        plot_left=PLOT_LEFT,
        plot_top=PLOT_TOP,
        plot_right=PLOT_LEFT + PLOT_SIZE,
        plot_bottom=PLOT_TOP + PLOT_SIZE,
        plot_size=PLOT_SIZE,
        threshold_x=split_x,
        threshold_y=split_y,
        cells=tuple(cells),
        dot_x=_x(advantage) if placed else None,
        dot_y=_y(attractiveness) if placed else None,
        x_title_x=left + Decimal(PLOT_SIZE) / 2,
        x_title_y=bottom + 22,
        y_title_x=left - 10,
        y_title_y=top + Decimal(PLOT_SIZE) / 2,
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
