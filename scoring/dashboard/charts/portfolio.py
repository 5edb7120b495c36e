"""Where the accounts stand: the matrix, the tier pyramid, relationship stages, churn-risk bands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.formatting import compact_money, money_formatter
from accounts.models import Category
from scoring.dashboard import drill
from scoring.dashboard.charts.formatting import nice_ceiling, scale, svg_number
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
            svg_number(region.x),
            svg_number(region.y),
            svg_number(region.width),
            svg_number(region.height),
            svg_number(region.label_x),
            svg_number(region.label_y),
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

TIER_WIDTH, TIER_LABEL, TIER_BAR, TIER_ROW, TIER_GAP = 520, 118, 236, 34, 6
TIER_MIN_BAR = 6


@dataclass(frozen=True)
class TierBar:
    key: str  # the tier's pk, or "null" for accounts without a tier
    label: str
    count: int
    revenue_text: str
    url: str
    x: str
    y: str
    width: str
    height: str
    text_y: str


@dataclass
class TierChart:
    width: int
    height: int
    label_x: str
    figure_x: str
    bars: list[TierBar] = field(default_factory=list)


def tier_pyramid(rows, chosen: dict) -> TierChart:
    """`rows`: TierRow, best tier first, so the narrow top of the pyramid is the best tier."""
    largest = max((row.count for row in rows), default=0)
    center = TIER_LABEL + 8 + TIER_BAR / 2
    chart = TierChart(
        width=TIER_WIDTH,
        height=max(len(rows), 1) * (TIER_ROW + TIER_GAP) + TIER_GAP,
        label_x=svg_number(TIER_LABEL),
        figure_x=svg_number(TIER_LABEL + 16 + TIER_BAR),
    )
    for index, row in enumerate(rows):
        width = scale(row.count, largest, TIER_BAR)
        if row.count:
            width = max(width, TIER_MIN_BAR)
        y = TIER_GAP + index * (TIER_ROW + TIER_GAP)
        key = "null" if row.pk is None else str(row.pk)
        chart.bars.append(
            TierBar(
                key=key,
                label=row.label if row.pk is not None else _("No tier"),
                count=row.count,
                revenue_text=compact_money(row.revenue),
                url=drill.drill_url(chosen, tier=key),
                x=svg_number(center - width / 2),
                y=svg_number(y),
                width=svg_number(width),
                height=svg_number(TIER_ROW),
                text_y=svg_number(y + TIER_ROW / 2),
            )
        )
    return chart


# --- Relationship stages -------------------------------------------------------------------------

STAGE_WIDTH, STAGE_LABEL, STAGE_BAR, STAGE_ROW, STAGE_GAP = 540, 132, 250, 26, 8


@dataclass(frozen=True)
class StageBar:
    stage: str
    label: str
    count: int
    url: str
    y: str
    width: str
    height: str
    text_y: str
    count_x: str
    moved_up: int
    moved_down: int
    up_url: str
    down_url: str


@dataclass
class StageChart:
    width: int
    height: int
    bar_x: str
    label_x: str
    up_x: str
    down_x: str
    bars: list[StageBar] = field(default_factory=list)

    @property
    def moved_up(self) -> int:
        return sum(bar.moved_up for bar in self.bars)

    @property
    def moved_down(self) -> int:
        return sum(bar.moved_down for bar in self.bars)


def stage_bars(rows, chosen: dict) -> StageChart:
    largest = max((row.count for row in rows), default=0)
    bar_x = STAGE_LABEL + 8
    chart = StageChart(
        width=STAGE_WIDTH,
        height=max(len(rows), 1) * (STAGE_ROW + STAGE_GAP) + STAGE_GAP,
        bar_x=svg_number(bar_x),
        label_x=svg_number(STAGE_LABEL),
        up_x=svg_number(bar_x + STAGE_BAR + 84),
        down_x=svg_number(bar_x + STAGE_BAR + 136),
    )
    for index, row in enumerate(rows):
        width = scale(row.count, largest, STAGE_BAR)
        if row.count:
            width = max(width, 3)
        y = STAGE_GAP + index * (STAGE_ROW + STAGE_GAP)
        chart.bars.append(
            StageBar(
                stage=row.stage,
                label=str(row.label),
                count=row.count,
                url=drill.drill_url(chosen, stage=row.stage),
                y=svg_number(y),
                width=svg_number(width),
                height=svg_number(STAGE_ROW),
                text_y=svg_number(y + STAGE_ROW / 2),
                count_x=svg_number(bar_x + width + 6),
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
    plot_w = BAND_WIDTH - BAND_LEFT - BAND_RIGHT
    plot_h = BAND_HEIGHT - BAND_TOP - BAND_BOTTOM
    bottom = BAND_TOP + plot_h
    top_value = nice_ceiling(max((row.count for row in rows), default=0), integer=True)
    slot = plot_w / max(len(rows), 1)
    chart = BandChart(
        width=BAND_WIDTH,
        height=BAND_HEIGHT,
        left=svg_number(BAND_LEFT),
        right=svg_number(BAND_LEFT + plot_w),
        bottom=svg_number(bottom),
        label_y=svg_number(bottom + 16),
        y_ticks=[
            (intcomma(int(top_value * k / 4)), svg_number(bottom - plot_h * k / 4))
            for k in range(5)
            if float(top_value * k / 4).is_integer()
        ],
    )
    for index, row in enumerate(rows):
        x = BAND_LEFT + index * slot + slot * 0.15
        segments, y = [], bottom
        for level, count in (("low", row.low), ("medium", row.medium), ("high", row.high)):
            height = scale(count, top_value, plot_h)
            y -= height
            if count:
                segments.append(Segment(level, count, svg_number(y), svg_number(height)))
        chart.bars.append(
            BandBar(
                band=row.band,
                label=f"{row.lowest}–{row.highest}",
                count=row.count,
                url=drill.drill_url(chosen, band=row.band),
                x=svg_number(x),
                width=svg_number(slot * 0.7),
                center=svg_number(x + slot * 0.35),
                count_y=svg_number(y - 5),
                segments=tuple(segments),
            )
        )
    return chart
