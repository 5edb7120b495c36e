"""Figures over stages and time: development pipeline, monthly revenue, satisfaction trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.formatting import compact_money, money_formatter
from scoring.dashboard import drill
from scoring.geometry import (
    PERCENT_TICKS,
    Frame,
    RowBar,
    RowChart,
    Rows,
    Scale,
    coord,
    nice_ceiling,
    padded,
    polyline,
    quarters,
)

# --- Development pipeline ------------------------------------------------------------------------

PIPE_ROWS = Rows(width=600, label=150, bar=230, row=30, gap=10)


@dataclass(frozen=True)
class PipelineBar(RowBar):
    stage: str
    opportunities: int
    value_text: str
    weighted_text: str
    weighted_y: str
    weighted_width: str
    figure_x: str


def pipeline_bars(rows, chosen: dict) -> RowChart:
    """Each stage's value, with the weighted value as a thinner bar inside it."""
    layout = PIPE_ROWS
    largest = max((row.value for row in rows), default=Decimal(0))
    bar_x = layout.bar_x
    chart = RowChart(**layout.chart(len(rows)))
    for index, row in enumerate(rows):
        width = layout.length(max(row.value, 0), largest)
        weighted = layout.length(max(min(row.weighted, row.value), 0), largest)
        y = layout.y(index)
        chart.bars.append(
            PipelineBar(
                label=str(row.label),
                url=drill.drill_url(chosen, pipeline=row.stage),
                **layout.place(index, width),
                stage=row.stage,
                opportunities=row.opportunities,
                value_text=compact_money(row.value),
                weighted_text=compact_money(row.weighted),
                weighted_y=coord(y + layout.row * 0.3),
                weighted_width=coord(weighted),
                figure_x=coord(bar_x + max(width, 0) + 6),
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
    """Revenue bars per month with the gross margin as a line; the axis covers negative months."""
    frame = Frame(
        **padded(MONTH_WIDTH, MONTH_HEIGHT, MONTH_LEFT, MONTH_TOP, MONTH_RIGHT, MONTH_BOTTOM)
    )
    values = [float(v) for row in rows for v in (row.revenue, row.margin)]
    high = nice_ceiling(max(values, default=0))
    low = -nice_ceiling(-min(values, default=0)) if min(values, default=0) < 0 else 0.0
    y_of = Scale(low, high, frame.bottom, frame.top)  # high is at least 1, low at most 0
    zero = y_of(0)
    slot = frame.plot_width / max(len(rows), 1)
    chart = MonthChart(
        width=MONTH_WIDTH,
        height=MONTH_HEIGHT,
        left=coord(frame.left),
        right=coord(frame.right),
        zero_y=coord(zero),
        label_y=coord(frame.bottom + 16),
        year_y=coord(frame.bottom + 32),
        margin_points="",
        y_ticks=[(compact_money(value), coord(y_of(value))) for value in quarters(low, high)],
    )
    points = []
    last = len(rows) - 1
    as_money = money_formatter()
    for index, row in enumerate(rows):
        x = frame.left + index * slot + slot * 0.14
        top = y_of(max(row.revenue, 0))
        bottom = y_of(min(row.revenue, 0))
        center = x + slot * 0.36
        margin_y = y_of(row.margin)
        points.append((center, margin_y))
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
                x=coord(x),
                y=coord(top),
                width=coord(slot * 0.72),
                height=coord(max(bottom - top, 0)),
                center=coord(center),
                margin_y=coord(margin_y),
                tick=tick,
            )
        )
    chart.margin_points = polyline(points)
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
    """The average satisfaction index per quarter, 0–100; a quarter without surveys breaks it."""
    frame = Frame(**padded(SAT_WIDTH, SAT_HEIGHT, SAT_LEFT, SAT_TOP, SAT_RIGHT, SAT_BOTTOM))
    y_of = Scale(0, 100, frame.bottom, frame.top)
    slot = frame.plot_width / max(len(rows), 1)
    chart = SatisfactionChart(
        width=SAT_WIDTH,
        height=SAT_HEIGHT,
        left=coord(frame.left),
        right=coord(frame.right),
        label_y=coord(frame.bottom + 18),
        y_ticks=[(str(tick), coord(y_of(tick))) for tick in PERCENT_TICKS],
    )
    line: list[tuple[float, float]] = []
    for index, row in enumerate(rows):
        x = frame.left + index * slot + slot / 2
        y = y_of(row.average) if row.average is not None else y_of(0)
        if row.average is None:
            if len(line) > 1:
                chart.lines.append(polyline(line))
            line = []
        else:
            line.append((x, y))
        chart.points.append(
            SatisfactionPoint(
                key=row.start.isoformat(),
                label=row.label,
                average=row.average,
                text="" if row.average is None else floatformat(row.average, 1),
                surveys=row.surveys,
                url=drill.drill_url(chosen, quarter=row.start.isoformat()),
                x=coord(x),
                y=coord(y),
                text_y=coord(y - 10),
            )
        )
    if len(line) > 1:
        chart.lines.append(polyline(line))
    return chart
