"""Where the accounts stand: the matrix, the tier pyramid, relationship stages, churn-risk bands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.formatting import compact_money, money_formatter
from accounts.models import Category
from scoring.dashboard import drill
from scoring.geometry import (
    Frame,
    RowBar,
    RowChart,
    Rows,
    Scale,
    coord,
    length,
    nice_ceiling,
    padded,
    quarters,
)
from scoring.models import Quadrant
from scoring.portfolio import charts as portfolio_charts

# --- The matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixBubble:
    pk: int
    category: str
    cx: str
    cy: str
    r: str
    href: str
    title: str


@dataclass(frozen=True)
class MatrixRegion:
    key: str
    label: str
    count: int
    url: str
    x: str
    y: str
    width: str
    height: str
    label_x: str
    label_y: str
    anchor: str


@dataclass
class Matrix:
    chart: portfolio_charts.MatrixChart
    regions: list[MatrixRegion]
    bubbles: list[MatrixBubble]
    unscored: int
    scored: int
    categories: list[tuple[str, str]] = field(default_factory=list)  # the bubbles' colours


def matrix(data, chosen: dict) -> Matrix:
    keys = set(Quadrant.values)
    counts = {key: figures.accounts for key, figures in data.quadrants.items() if key in keys}
    chart = portfolio_charts.matrix_chart(data.bubbles, data.thresholds, counts)
    regions = [
        MatrixRegion(
            region.key,
            region.label,
            region.count,
            drill.drill_url(chosen, quadrant=region.key),
            coord(region.x),
            coord(region.y),
            coord(region.width),
            coord(region.height),
            coord(region.label_x),
            coord(region.label_y),
            region.anchor,
        )
        for region in chart.regions
    ]
    marker = 987654321
    prefix, suffix = reverse("accounts:detail", args=[marker]).split(str(marker))
    as_money = money_formatter()
    words = {
        "a": _("attractiveness"),
        "b": _("advantage"),
        "r": _("revenue, last 12 months"),
    }
    bubbles = [
        MatrixBubble(
            bubble.pk,
            bubble.category,
            bubble.cx,
            bubble.cy,
            bubble.radius,
            f"{prefix}{bubble.pk}{suffix}",
            f"{bubble.name} ({bubble.category_label}) — {words['a']} "
            f"{bubble.attractiveness_text}, {words['b']} {bubble.advantage_text}, "
            f"{words['r']} {as_money(bubble.revenue)}",
        )
        for bubble in chart.bubbles
    ]
    scored = sum(counts.values())
    categories = [(value, str(label)) for value, label in Category.choices]
    return Matrix(chart, regions, bubbles, data.total.accounts - scored, scored, categories)


# --- Tier pyramid --------------------------------------------------------------------------------

TIER_ROWS = Rows(width=520, label=118, bar=236, row=34, gap=6)
TIER_MIN_BAR = 6


@dataclass(frozen=True)
class TierBar(RowBar):
    key: str  # the tier's pk, or "null" for accounts without a tier
    count: int
    revenue_text: str
    x: str


@dataclass
class TierChart(RowChart):
    figure_x: str = ""


def tier_pyramid(rows, chosen: dict) -> TierChart:
    """`rows`: TierRow, best tier first, so the narrow top of the pyramid is the best tier: bars
    centred on the bar room."""
    layout = TIER_ROWS
    largest = max((row.count for row in rows), default=0)
    center = layout.bar_x + layout.bar / 2
    chart = TierChart(
        **layout.chart(len(rows)),
        figure_x=coord(layout.label + 16 + layout.bar),
    )
    for index, row in enumerate(rows):
        width = layout.length(row.count, largest, minimum=TIER_MIN_BAR)
        key = "null" if row.pk is None else str(row.pk)
        chart.bars.append(
            TierBar(
                label=row.label if row.pk is not None else _("No tier"),
                url=drill.drill_url(chosen, tier=key),
                **layout.place(index, width),
                key=key,
                count=row.count,
                revenue_text=compact_money(row.revenue),
                x=coord(center - width / 2),
            )
        )
    return chart


# --- Relationship stages -------------------------------------------------------------------------

STAGE_ROWS = Rows(width=540, label=132, bar=250, row=26, gap=8)


@dataclass(frozen=True)
class StageBar(RowBar):
    stage: str
    count: int
    count_x: str
    moved_up: int
    moved_down: int
    up_url: str
    down_url: str


@dataclass
class StageChart(RowChart):
    up_x: str = ""
    down_x: str = ""

    @property
    def moved_up(self) -> int:
        return sum(bar.moved_up for bar in self.bars)

    @property
    def moved_down(self) -> int:
        return sum(bar.moved_down for bar in self.bars)


def stage_bars(rows, chosen: dict) -> StageChart:
    layout = STAGE_ROWS
    largest = max((row.count for row in rows), default=0)
    bar_x = layout.bar_x
    chart = StageChart(
        **layout.chart(len(rows)),
        up_x=coord(bar_x + layout.bar + 84),
        down_x=coord(bar_x + layout.bar + 136),
    )
    for index, row in enumerate(rows):
        width = layout.length(row.count, largest, minimum=3)
        chart.bars.append(
            StageBar(
                label=str(row.label),
                url=drill.drill_url(chosen, stage=row.stage),
                **layout.place(index, width),
                stage=row.stage,
                count=row.count,
                count_x=coord(bar_x + width + 6),
                moved_up=row.moved_up,
                moved_down=row.moved_down,
                up_url=drill.drill_url(chosen, stage=row.stage, moved="up"),
                down_url=drill.drill_url(chosen, stage=row.stage, moved="down"),
            )
        )
    return chart


# --- Churn-risk distribution ---------------------------------------------------------------------

BAND_WIDTH, BAND_HEIGHT = 540, 250
BAND_LEFT, BAND_TOP, BAND_RIGHT, BAND_BOTTOM = 44, 18, 10, 40


@dataclass(frozen=True)
class Segment:
    level: str
    count: int
    y: str
    height: str


@dataclass(frozen=True)
class BandBar:
    band: int
    label: str
    count: int
    url: str
    x: str
    width: str
    center: str
    count_y: str
    segments: tuple[Segment, ...]


@dataclass
class BandChart:
    width: int
    height: int
    left: str
    right: str
    bottom: str
    label_y: str
    bars: list[BandBar] = field(default_factory=list)
    y_ticks: list[tuple[str, str]] = field(default_factory=list)


def risk_bands(rows, chosen: dict) -> BandChart:
    """Ten bars, one per 10 points of churn risk, each stacked low → medium → high."""
    frame = Frame(**padded(BAND_WIDTH, BAND_HEIGHT, BAND_LEFT, BAND_TOP, BAND_RIGHT, BAND_BOTTOM))
    bottom, plot_h = frame.bottom, frame.plot_height
    top_value = nice_ceiling(max((row.count for row in rows), default=0), integer=True)
    y_of = Scale(0, top_value, bottom, frame.top)
    slot = frame.plot_width / max(len(rows), 1)
    chart = BandChart(
        width=BAND_WIDTH,
        height=BAND_HEIGHT,
        left=coord(frame.left),
        right=coord(frame.right),
        bottom=coord(bottom),
        label_y=coord(bottom + 16),
        y_ticks=[
            (intcomma(int(value)), coord(y_of(value)))
            for value in quarters(0, top_value)
            if float(value).is_integer()
        ],
    )
    for index, row in enumerate(rows):
        x = frame.left + index * slot + slot * 0.15
        segments, y = [], bottom
        for level, count in (("low", row.low), ("medium", row.medium), ("high", row.high)):
            height = length(count, top_value, plot_h)
            y -= height
            if count:
                segments.append(Segment(level, count, coord(y), coord(height)))
        chart.bars.append(
            BandBar(
                band=row.band,
                label=f"{row.lowest}–{row.highest}",
                count=row.count,
                url=drill.drill_url(chosen, band=row.band),
                x=coord(x),
                width=coord(slot * 0.7),
                center=coord(x + slot * 0.35),
                count_y=coord(y - 5),
                segments=tuple(segments),
            )
        )
    return chart
