"""Figures over stages and time: development pipeline, monthly revenue, satisfaction trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.formatting import compact_money, money_formatter
from scoring.dashboard import drill
from scoring.dashboard.charts.formatting import nice_ceiling, scale, svg_number

# --- Development pipeline ------------------------------------------------------------------------

PIPE_WIDTH, PIPE_LABEL, PIPE_BAR, PIPE_ROW, PIPE_GAP = 600, 150, 230, 30, 10


@dataclass(frozen=True)
class PipelineBar:
    stage: str
    label: str
    opportunities: int
    value_text: str
    weighted_text: str
    url: str
    y: str
    width: str
    weighted_y: str
    weighted_width: str
    text_y: str
    figure_x: str


@dataclass
class PipelineChart:
    width: int
    height: int
    bar_x: str
    label_x: str
    bars: list[PipelineBar] = field(default_factory=list)


def pipeline_bars(rows, chosen: dict) -> PipelineChart:
    largest = max((row.value for row in rows), default=Decimal(0))
    bar_x = PIPE_LABEL + 8
    chart = PipelineChart(
        width=PIPE_WIDTH,
        height=max(len(rows), 1) * (PIPE_ROW + PIPE_GAP) + PIPE_GAP,
        bar_x=svg_number(bar_x),
        label_x=svg_number(PIPE_LABEL),
    )
    for index, row in enumerate(rows):
        width = scale(max(row.value, 0), largest, PIPE_BAR)
        weighted = scale(max(min(row.weighted, row.value), 0), largest, PIPE_BAR)
        y = PIPE_GAP + index * (PIPE_ROW + PIPE_GAP)
        chart.bars.append(
            PipelineBar(
                stage=row.stage,
                label=str(row.label),
                opportunities=row.opportunities,
                value_text=compact_money(row.value),
                weighted_text=compact_money(row.weighted),
                url=drill.drill_url(chosen, pipeline=row.stage),
                y=svg_number(y),
                width=svg_number(width),
                weighted_y=svg_number(y + PIPE_ROW * 0.3),
                weighted_width=svg_number(weighted),
                text_y=svg_number(y + PIPE_ROW / 2),
                figure_x=svg_number(bar_x + max(width, 0) + 6),
            )
        )
    return chart


# --- Monthly revenue -----------------------------------------------------------------------------

MONTH_WIDTH, MONTH_HEIGHT = 1160, 280
MONTH_LEFT, MONTH_TOP, MONTH_RIGHT, MONTH_BOTTOM = 76, 16, 12, 46


@dataclass(frozen=True)
class MonthBar:
    key: str  # YYYY-MM
    title: str
    revenue: Decimal
    margin: Decimal
    url: str
    x: str
    y: str
    width: str
    height: str
    center: str
    margin_y: str
    tick: str  # the label under the bar ("" on most bars)


@dataclass
class MonthChart:
    width: int
    height: int
    left: str
    right: str
    zero_y: str
    label_y: str
    year_y: str
    margin_points: str
    bars: list[MonthBar] = field(default_factory=list)
    years: list[tuple[str, str]] = field(default_factory=list)
    y_ticks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_revenue(self) -> bool:
        return any(bar.revenue or bar.margin for bar in self.bars)


def monthly_bars(rows, chosen: dict) -> MonthChart:
    plot_w = MONTH_WIDTH - MONTH_LEFT - MONTH_RIGHT
    plot_h = MONTH_HEIGHT - MONTH_TOP - MONTH_BOTTOM
    values = [float(v) for row in rows for v in (row.revenue, row.margin)]
    high = nice_ceiling(max(values, default=0))
    low = -nice_ceiling(-min(values, default=0)) if min(values, default=0) < 0 else 0.0
    span = high - low or 1.0

    def y_of(value) -> float:
        return MONTH_TOP + (high - float(value)) / span * plot_h

    zero = y_of(0)
    slot = plot_w / max(len(rows), 1)
    chart = MonthChart(
        width=MONTH_WIDTH,
        height=MONTH_HEIGHT,
        left=svg_number(MONTH_LEFT),
        right=svg_number(MONTH_LEFT + plot_w),
        zero_y=svg_number(zero),
        label_y=svg_number(MONTH_TOP + plot_h + 16),
        year_y=svg_number(MONTH_TOP + plot_h + 32),
        margin_points="",
        y_ticks=[
            (compact_money(low + span * k / 4), svg_number(y_of(low + span * k / 4)))
            for k in range(5)
        ],
    )
    points = []
    last = len(rows) - 1
    as_money = money_formatter()
    for index, row in enumerate(rows):
        x = MONTH_LEFT + index * slot + slot * 0.14
        top = y_of(max(row.revenue, 0))
        bottom = y_of(min(row.revenue, 0))
        center = x + slot * 0.36
        margin_y = y_of(row.margin)
        points.append(f"{center:.1f},{margin_y:.1f}")
        # A label every third month, counted back from this month so the latest is labelled.
        tick = date_format(row.month, "M") if (last - index) % 3 == 0 else ""
        chart.bars.append(
            MonthBar(
                key=f"{row.month:%Y-%m}",
                title=_("%(month)s: revenue %(revenue)s, gross margin %(margin)s")
                % {
                    "month": date_format(row.month, "YEAR_MONTH_FORMAT"),
                    "revenue": as_money(row.revenue),
                    "margin": as_money(row.margin),
                },
                revenue=row.revenue,
                margin=row.margin,
                url=drill.drill_url(chosen, month=f"{row.month:%Y-%m}"),
                x=svg_number(x),
                y=svg_number(top),
                width=svg_number(slot * 0.72),
                height=svg_number(max(bottom - top, 0)),
                center=svg_number(center),
                margin_y=svg_number(margin_y),
                tick=tick,
            )
        )
    chart.margin_points = " ".join(points)
    chart.years = [
        (str(row.month.year), chart.bars[index].center)
        for index, row in enumerate(rows)
        # The first bar names its year too, unless a January follows too closely for both.
        if row.month.month == 1 or (index == 0 and row.month.month <= 10)
    ]
    return chart


# --- Satisfaction trend --------------------------------------------------------------------------

SAT_WIDTH, SAT_HEIGHT = 540, 250
SAT_LEFT, SAT_TOP, SAT_RIGHT, SAT_BOTTOM = 40, 18, 20, 40


@dataclass(frozen=True)
class SatisfactionPoint:
    key: str  # the quarter's first day
    label: str
    average: Decimal | None
    text: str
    surveys: int
    url: str
    x: str
    y: str
    text_y: str


@dataclass
class SatisfactionChart:
    width: int
    height: int
    left: str
    right: str
    label_y: str
    lines: list[str] = field(default_factory=list)  # polylines; a quarter without surveys breaks
    points: list[SatisfactionPoint] = field(default_factory=list)
    y_ticks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(point.average is not None for point in self.points)


def satisfaction_line(rows, chosen: dict) -> SatisfactionChart:
    plot_w = SAT_WIDTH - SAT_LEFT - SAT_RIGHT
    plot_h = SAT_HEIGHT - SAT_TOP - SAT_BOTTOM

    def y_of(value) -> float:
        return SAT_TOP + (100 - float(value)) / 100 * plot_h

    slot = plot_w / max(len(rows), 1)
    chart = SatisfactionChart(
        width=SAT_WIDTH,
        height=SAT_HEIGHT,
        left=svg_number(SAT_LEFT),
        right=svg_number(SAT_LEFT + plot_w),
        label_y=svg_number(SAT_TOP + plot_h + 18),
        y_ticks=[(str(tick), svg_number(y_of(tick))) for tick in (0, 25, 50, 75, 100)],
    )
    line: list[str] = []
    for index, row in enumerate(rows):
        x = SAT_LEFT + index * slot + slot / 2
        y = y_of(row.average) if row.average is not None else y_of(0)
        if row.average is None:
            if len(line) > 1:
                chart.lines.append(" ".join(line))
            line = []
        else:
            line.append(f"{x:.1f},{y:.1f}")
        chart.points.append(
            SatisfactionPoint(
                key=row.start.isoformat(),
                label=row.label,
                average=row.average,
                text="" if row.average is None else floatformat(row.average, 1),
                surveys=row.surveys,
                url=drill.drill_url(chosen, quarter=row.start.isoformat()),
                x=svg_number(x),
                y=svg_number(y),
                text_y=svg_number(y - 10),
            )
        )
    if len(line) > 1:
        chart.lines.append(" ".join(line))
    return chart
