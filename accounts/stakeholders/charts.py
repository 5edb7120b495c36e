"""Layout maths for the org chart and the power grid: plain data in, coordinates out, no ORM.

The templates draw the SVG from these numbers, so the pictures work without JavaScript and tests
can check the geometry directly.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from math import ceil

# --- Org chart -----------------------------------------------------------------------------------

BOX_WIDTH = 168
BOX_HEIGHT = 58
H_GAP = 20
V_GAP = 44
MARGIN = 12


@dataclass(frozen=True)
class TreeItem:
    id: int
    parent_id: int | None


@dataclass(frozen=True)
class PlacedBox:
    id: int
    depth: int
    x: float
    y: float
    width: float = BOX_WIDTH
    height: float = BOX_HEIGHT

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Link:
    parent_id: int
    child_id: int
    path: str  # an SVG path: down from the manager, across, down to the report


@dataclass
class TreeLayout:
    boxes: dict[int, PlacedBox] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)
    width: float = 0
    height: float = 0


def tree_layout(items: Iterable[TreeItem]) -> TreeLayout:
    """Lay out a forest top-down: leaves take consecutive slots from left to right, a manager sits
    centred above their reports, and each root's tree follows the previous one.

    Everyone whose manager is unknown (or outside `items`) is a root, so several roots are fine.
    Items are visited in the order given; a loop in the data (which the services refuse) is broken
    where it is met rather than followed forever.
    """
    items = list(items)
    known = {item.id for item in items}
    children: dict[int | None, list[int]] = defaultdict(list)
    for item in items:
        parent = item.parent_id if item.parent_id in known and item.parent_id != item.id else None
        children[parent].append(item.id)

    layout = TreeLayout()
    placed: set[int] = set()
    next_slot = 0
    slot = BOX_WIDTH + H_GAP

    def place(node: int, depth: int) -> float:
        nonlocal next_slot
        placed.add(node)
        kids = [kid for kid in children.get(node, []) if kid not in placed]
        centers = [place(kid, depth + 1) for kid in kids]
        if centers:
            center = (centers[0] + centers[-1]) / 2
        else:
            center = MARGIN + next_slot * slot + BOX_WIDTH / 2
            next_slot += 1
        layout.boxes[node] = PlacedBox(
            id=node,
            depth=depth,
            x=center - BOX_WIDTH / 2,
            y=MARGIN + depth * (BOX_HEIGHT + V_GAP),
        )
        for kid in kids:
            layout.links.append(Link(node, kid, ""))
        return center

    for root in children.get(None, []):
        layout.roots.append(root)
        place(root, 0)
    # Whatever is left sits on a loop with no way in from a root: start from its first member.
    for item in items:
        if item.id not in placed:
            layout.roots.append(item.id)
            place(item.id, 0)

    boxes = layout.boxes
    layout.links = [_link(boxes[link.parent_id], boxes[link.child_id]) for link in layout.links]
    if layout.boxes:
        layout.width = max(box.x + box.width for box in layout.boxes.values()) + MARGIN
        layout.height = max(box.bottom for box in layout.boxes.values()) + MARGIN
    return layout


def _link(parent: PlacedBox, child: PlacedBox) -> Link:
    middle = parent.bottom + V_GAP / 2
    path = f"M{parent.center_x:g} {parent.bottom:g} V{middle:g} H{child.center_x:g} V{child.y:g}"
    return Link(parent.id, child.id, path)


# --- Power grid ----------------------------------------------------------------------------------

SCALE = (1, 2, 3, 4, 5)
HIGH_FROM = 4  # 4 and 5 count as high influence / involvement
CELL_WIDTH = 150
LINE_HEIGHT = 18
CELL_PADDING = 8
MIN_ROW_HEIGHT = 72
AXIS_LEFT = 56  # room for the influence axis and its numbers
AXIS_BOTTOM = 72  # room for the involvement axis, its numbers and the lower quadrant names
TOP = 30  # room for the upper quadrant names
MARKER_RADIUS = 6


class Quadrant:
    MANAGE_CLOSELY = "manage_closely"
    KEEP_SATISFIED = "keep_satisfied"
    KEEP_INFORMED = "keep_informed"
    MONITOR = "monitor"


def quadrant(influence: int, involvement: int) -> str:
    high_influence = influence >= HIGH_FROM
    high_involvement = involvement >= HIGH_FROM
    if high_influence and high_involvement:
        return Quadrant.MANAGE_CLOSELY
    if high_influence:
        return Quadrant.KEEP_SATISFIED
    if high_involvement:
        return Quadrant.KEEP_INFORMED
    return Quadrant.MONITOR


@dataclass(frozen=True)
class GridPerson:
    id: int
    influence: int
    involvement: int


@dataclass(frozen=True)
class Cell:
    influence: int
    involvement: int
    x: float
    y: float
    width: float
    height: float
    quadrant: str


@dataclass(frozen=True)
class PlacedMarker:
    id: int
    influence: int
    involvement: int
    x: float  # the marker's centre
    y: float
    label_x: float
    label_width: float  # the label's box: label_x … label_x + label_width, y ± LINE_HEIGHT / 2

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Marker and label together: (left, top, right, bottom)."""
        return (
            self.x - MARKER_RADIUS,
            self.y - LINE_HEIGHT / 2,
            self.label_x + self.label_width,
            self.y + LINE_HEIGHT / 2,
        )


@dataclass
class GridLayout:
    cells: list[Cell]
    markers: dict[int, PlacedMarker]
    rows: dict[int, tuple[float, float]]  # influence → (top, height)
    columns: dict[int, float]  # involvement → left
    plot_left: float
    plot_top: float
    plot_width: float
    plot_height: float
    width: float
    height: float
    divider_x: float  # between low and high involvement
    divider_y: float  # between high and low influence


def _clamp(value: int) -> int:
    return min(max(int(value), SCALE[0]), SCALE[-1])


def grid_layout(people: Iterable[GridPerson]) -> GridLayout:
    """Place people on the 5 by 5 grid: influence (up) by involvement (right).

    People who share a cell are listed one under the other inside it, each on a line of its own,
    and a row of cells grows to hold its fullest cell, so no two labels ever overlap.
    """
    by_cell: dict[tuple[int, int], list[GridPerson]] = defaultdict(list)
    for person in people:
        by_cell[(_clamp(person.influence), _clamp(person.involvement))].append(person)

    rows: dict[int, tuple[float, float]] = {}
    top = TOP
    for influence in reversed(SCALE):
        fullest = max((len(by_cell[(influence, inv)]) for inv in SCALE), default=0)
        height = max(MIN_ROW_HEIGHT, 2 * CELL_PADDING + ceil(fullest) * LINE_HEIGHT)
        rows[influence] = (top, height)
        top += height
    columns = {inv: AXIS_LEFT + (inv - 1) * CELL_WIDTH for inv in SCALE}

    cells = [
        Cell(
            influence=influence,
            involvement=involvement,
            x=columns[involvement],
            y=rows[influence][0],
            width=CELL_WIDTH,
            height=rows[influence][1],
            quadrant=quadrant(influence, involvement),
        )
        for influence in reversed(SCALE)
        for involvement in SCALE
    ]

    markers = {}
    for (influence, involvement), members in by_cell.items():
        cell_top = rows[influence][0]
        left = columns[involvement]
        for index, person in enumerate(members):
            x = left + CELL_PADDING + MARKER_RADIUS
            y = cell_top + CELL_PADDING + index * LINE_HEIGHT + LINE_HEIGHT / 2
            label_x = x + MARKER_RADIUS + 4
            markers[person.id] = PlacedMarker(
                id=person.id,
                influence=influence,
                involvement=involvement,
                x=x,
                y=y,
                label_x=label_x,
                label_width=left + CELL_WIDTH - CELL_PADDING / 2 - label_x,
            )

    plot_height = top - TOP
    plot_width = len(SCALE) * CELL_WIDTH
    return GridLayout(
        cells=cells,
        markers=markers,
        rows=rows,
        columns=columns,
        plot_left=AXIS_LEFT,
        plot_top=TOP,
        plot_width=plot_width,
        plot_height=plot_height,
        width=AXIS_LEFT + plot_width + MARGIN,
        height=top + AXIS_BOTTOM,
        divider_x=columns[HIGH_FROM],
        divider_y=rows[HIGH_FROM][0] + rows[HIGH_FROM][1],
    )


def label_fits(text: str, width: float, char_width: float = 6.6) -> str:
    """Shorten a label to the room it has: a rough average glyph width for 11px text, twice that
    for Chinese characters."""
    room = width / char_width
    used = 0.0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > room:
            return text[: max(index - 1, 1)].rstrip() + "…"
    return text
