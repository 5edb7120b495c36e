"""Read side of segment scoring: the ranking table of every segment against the published
segment criteria set (DESIGN.md §5), and the bar chart of its totals.

A segment's score for a criterion is looked up by the criterion's code, newest set version
first: when an admin publishes a new segment set, the scores of criteria whose code did not
change still count until someone re-scores them (they are marked as carried over)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.http import Http404

from scoring import engine
from scoring.criteria.queries import published_set
from scoring.geometry import Scale
from scoring.models import CriteriaSet, Criterion, Segment, SegmentScore, SetKind


@dataclass(frozen=True)
class Cell:
    criterion: Criterion
    value: int | None  # as scored, on the criterion's scale
    weighted: int | None  # weight × value: what the total adds (−3 for competition 3)
    carried_over: bool = False  # scored under an older version of the set


@dataclass
class SegmentRow:
    segment: Segment
    cells: list[Cell]
    total: int | None = None
    rank: int | None = None
    at_or_above_average: bool = False

    @property
    def scored_count(self) -> int:
        return sum(1 for cell in self.cells if cell.value is not None)

    @property
    def is_complete(self) -> bool:
        return self.scored_count == len(self.cells)


@dataclass(frozen=True)
class Bar:
    row: SegmentRow
    x: float
    y: float
    width: float
    label_y: float
    value_x: float
    value_anchor: str


@dataclass
class BarChart:
    width: float
    height: float
    label_width: float
    zero_x: float
    average_x: float | None
    plot_top: float
    plot_bottom: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def bar_height(self) -> float:
        return BAR_HEIGHT


@dataclass
class SegmentTable:
    criteria_set: CriteriaSet | None
    criteria: list[Criterion]
    rows: list[SegmentRow]  # ranked rows first (best first), then segments not scored yet
    average: Decimal | None
    chart: BarChart | None

    @property
    def ranked(self) -> list[SegmentRow]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def unscored(self) -> list[SegmentRow]:
        return [row for row in self.rows if row.rank is None]


def get_segment_or_404(pk) -> Segment:
    try:
        return Segment.objects.get(pk=pk)
    except (Segment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scores_by_code(segment_ids, codes) -> dict[tuple[int, str], tuple[int | None, int]]:
    """(segment id, criterion code) → (value, set version), the newest version's score winning:
    one query for all segments."""
    rows = (
        SegmentScore.objects.filter(
            segment_id__in=list(segment_ids),
            criterion__code__in=list(codes),
            criterion__criteria_set__kind=SetKind.SEGMENT,
        )
        .order_by("-criterion__criteria_set__version")
        .values_list("segment_id", "criterion__code", "value", "criterion__criteria_set__version")
    )
    found = {}
    for segment_id, code, value, version in rows:
        found.setdefault((segment_id, code), (value, version))
    return found


def _cells(segment, criteria, criteria_set, found) -> list[Cell]:
    cells = []
    for criterion in criteria:
        value, version = found.get((segment.pk, criterion.code), (None, None))
        # A score carried over from an older version may lie outside a changed scale.
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            value = None
        cells.append(
            Cell(
                criterion=criterion,
                value=value,
                weighted=None if value is None else criterion.weight * value,
                carried_over=value is not None and version != criteria_set.version,
            )
        )
    return cells


def segment_values(segment: Segment, criteria_set: CriteriaSet) -> dict[str, int | None]:
    """The segment's current score per criterion code of the set (missing = not scored)."""
    criteria = list(criteria_set.criteria.all())
    found = scores_by_code([segment.pk], [c.code for c in criteria])
    return {
        cell.criterion.code: cell.value for cell in _cells(segment, criteria, criteria_set, found)
    }


def segment_ranking() -> SegmentTable:
    """Every segment scored and ranked by scoring.engine (four queries whatever the number of
    segments). Segments with no score at all are listed apart, not ranked at 0: they would
    drag the average down."""
    criteria_set = published_set(SetKind.SEGMENT)
    segments = list(Segment.objects.order_by("name"))
    if criteria_set is None:
        return SegmentTable(None, [], [SegmentRow(s, []) for s in segments], None, None)
    criteria = list(criteria_set.criteria.all())
    found = scores_by_code([s.pk for s in segments], [c.code for c in criteria])
    rows = {s.pk: SegmentRow(s, _cells(s, criteria, criteria_set, found)) for s in segments}
    specs = [c.spec for c in criteria]
    totals = {
        pk: engine.weighted_total(specs, {c.criterion.code: c.value for c in row.cells})
        for pk, row in rows.items()
        if row.scored_count
    }
    ranked, average = engine.rank_segments(totals)
    ordered = []
    for item in ranked:
        row = rows.pop(item.key)
        row.total, row.rank, row.at_or_above_average = (
            item.total,
            item.rank,
            item.at_or_above_average,
        )
        ordered.append(row)
    ordered += sorted(rows.values(), key=lambda row: row.segment.label)
    shown_average = None if average is None else _decimal(average)
    return SegmentTable(
        criteria_set, criteria, ordered, shown_average, bar_chart(ordered[: len(ranked)], average)
    )


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# --- Bar chart ----------------------------------------------------------------------------------

CHART_WIDTH = 640.0
LABEL_WIDTH = 150.0
VALUE_ROOM = 44.0  # room for the total written after the bar
BAR_HEIGHT = 22.0
BAR_GAP = 10.0
TOP = 24.0  # room for the average's label
BOTTOM = 8.0


def bar_chart(rows: list[SegmentRow], average: Fraction | None) -> BarChart | None:
    """Horizontal bars of the ranked totals from a zero line, with the average as a line. The
    scale covers zero, so segments whose total is negative draw to the left."""
    if not rows:
        return None
    low = min(0, min(row.total for row in rows))
    high = max(0, max(row.total for row in rows))
    left = LABEL_WIDTH + (VALUE_ROOM if low < 0 else 0)
    scale = Scale(low, high if high > low else low + 1, left, CHART_WIDTH - VALUE_ROOM)

    def x_of(value) -> float:
        return round(scale(value), 1)

    zero_x = x_of(0)
    bars = []
    for position, row in enumerate(rows):
        y = TOP + position * (BAR_HEIGHT + BAR_GAP)
        end = x_of(row.total)
        negative = row.total < 0
        bars.append(
            Bar(
                row=row,
                x=min(zero_x, end),
                y=y,
                width=max(abs(end - zero_x), 1.0),
                label_y=y + BAR_HEIGHT / 2,
                value_x=end - 4 if negative else end + 4,
                value_anchor="end" if negative else "start",
            )
        )
    bottom = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    return BarChart(
        width=CHART_WIDTH,
        height=bottom + BOTTOM,
        label_width=LABEL_WIDTH,
        zero_x=zero_x,
        average_x=None if average is None else x_of(average),
        plot_top=TOP - 6,
        plot_bottom=bottom + 4,
        bars=bars,
    )
