"""Layout of the portfolio dashboard: plain numbers in, SVG coordinates and links out, no ORM.

Every figure links to the accounts behind it (drill.drill_url with the dashboard's filters), so the
charts work as plain <a href> elements without JavaScript. Coordinates and the few repeated texts
are formatted here once: at 300 matrix bubbles, template filters per element were most of a
page's time (see Bubble in scoring/portfolio/charts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from babel import Locale
from babel.numbers import format_compact_currency, parse_pattern
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Category
from kam.templatetags.kam_format import _babel_locale, money, percent
from scoring.dashboard import drill, facts
from scoring.models import Quadrant, RiskLevel
from scoring.portfolio import charts as portfolio_charts
from scoring.portfolio.queries import TOP_PERCENT

# The same words as the list behind each figure.
EXCEPTION_LABELS = dict(drill.EXCEPTION_CHOICES)
EXCEPTION_BADGES = drill.BADGES


def _n(value: float) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return f"{value:.1f}"


def money_formatter():
    """kam_format.money for many values: the locale and pattern parsed once (at 300 bubbles,
    parsing them for each value was most of the charts' time)."""
    locale = Locale.parse(_babel_locale())
    pattern = parse_pattern("¤#,##0;-¤#,##0")
    currency = settings.KAM_CURRENCY

    def format_money(value) -> str:
        if value is None:
            return "—"
        return pattern.apply(Decimal(value), locale, currency=currency, currency_digits=False)

    return format_money


def compact_money(value) -> str:
    """¥1.2M / ¥123.5万: short enough for an axis or a bar end."""
    return format_compact_currency(
        Decimal(value or 0), settings.KAM_CURRENCY, locale=_babel_locale(), fraction_digits=1
    )


def nice_ceiling(value: float, *, integer: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis maximum)."""
    if value <= 0:
        return 5 if integer else 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    if value < 1:
        magnitude = 0.1
        while magnitude > value:
            magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value and (not integer or float(ceiling).is_integer()):
            return max(ceiling, 5) if integer else ceiling
    return 10 * magnitude


def _scale(value, largest, size: float) -> float:
    return float(value) / float(largest) * size if largest and float(largest) > 0 else 0.0


# --- KPI tiles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    value: object  # raw, for data-value
    value_text: str
    previous_text: str | None  # None: nothing to compare with
    change_text: str
    trend: str  # up, down, flat, none
    tone: str  # good, bad, neutral
    url: str
    detail: str = ""
    compare_text: str = ""

    @property
    def raw(self) -> str:
        return "" if self.value is None else str(self.value)


def _change(now, before, *, more_is_good: bool, unit: str) -> tuple[str, str, str]:
    """(text, trend, tone) of the move from `before` to `now`."""
    if now is None or before is None:
        return "", "none", "neutral"
    delta = Decimal(now) - Decimal(before)
    if delta == 0:
        return "±0", "flat", "neutral"
    sign = "+" if delta > 0 else "−"
    size = abs(delta)
    if unit == "points":
        text = _("%(sign)s%(number)s pts") % {"sign": sign, "number": floatformat(size, -1)}
    elif unit == "percent":
        text = f"{sign}{floatformat(size, -1)}%"
    else:
        text = f"{sign}{intcomma(int(size))}"
    good = (delta > 0) == more_is_good
    return text, "up" if delta > 0 else "down", "good" if good else "bad"


def _pct(value) -> str:
    return "—" if value is None else percent(Decimal(value) / 100)


def kpi_tiles(data, chosen: dict) -> list[Kpi]:
    total = data.total
    snapshot = data.compare_day is not None
    compare_text = (
        _("vs %(day)s") % {"day": date_format(data.compare_day, "SHORT_DATE_FORMAT")}
        if snapshot
        else _("no earlier snapshot")
    )

    def prev(value):
        return value if snapshot else None

    def tile(name, label, value, value_text, before, before_text, unit, more_is_good, url, **kw):
        text, trend, tone = _change(value, before, more_is_good=more_is_good, unit=unit)
        return Kpi(
            name=name,
            label=label,
            value=value,
            value_text=value_text,
            previous_text=None if before is None else before_text,
            change_text=text,
            trend=trend,
            tone=tone,
            url=url,
            compare_text=kw.pop("compare_text", compare_text),
            **kw,
        )

    def link(**slice_values):
        return drill.drill_url(chosen, **slice_values)

    key_share = total.key_share
    tiles = [
        tile(
            "key_accounts",
            _("Key accounts"),
            total.key_accounts,
            intcomma(total.key_accounts),
            prev(total.prev_key_accounts),
            intcomma(total.prev_key_accounts),
            "count",
            True,
            link(category="key"),
            detail=_("%(share)s of revenue") % {"share": _pct(key_share)},
        ),
        tile(
            "revenue",
            _("Revenue, last 12 months"),
            total.revenue,
            compact_money(total.revenue),
            total.revenue_prev,
            compact_money(total.revenue_prev),
            "count",
            True,
            link(sort="revenue"),
            detail=money(total.revenue),
            compare_text=_("vs the 12 months before"),
        ),
        tile(
            "plan_coverage",
            _("Key accounts with an active plan"),
            total.plan_coverage,
            _pct(total.plan_coverage),
            prev(total.prev_plan_coverage),
            _pct(total.prev_plan_coverage),
            "points",
            True,
            link(exception=facts.NO_PLAN),
            detail=_("%(with)s of %(all)s key accounts")
            % {"with": intcomma(total.key_with_plan), "all": intcomma(total.key_accounts)},
        ),
        tile(
            "visit_compliance",
            _("Key accounts visited within cadence"),
            total.visit_compliance,
            _pct(total.visit_compliance),
            prev(total.prev_visit_compliance),
            _pct(total.prev_visit_compliance),
            "points",
            True,
            link(exception=facts.NOT_VISITED),
            detail=_("%(with)s of %(all)s key accounts")
            % {"with": intcomma(total.key_in_cadence), "all": intcomma(total.key_accounts)},
        ),
        tile(
            "satisfaction",
            _("Average satisfaction index"),
            total.satisfaction,
            "—" if total.satisfaction is None else floatformat(total.satisfaction, 1),
            prev(total.prev_satisfaction),
            "—" if total.prev_satisfaction is None else floatformat(total.prev_satisfaction, 1),
            "points",
            True,
            link(sort="satisfaction"),
            detail=_("%(count)s accounts surveyed") % {"count": intcomma(total.satisfaction_count)},
        ),
        tile(
            "high_risk",
            _("Accounts at high churn risk"),
            total.high_risk,
            intcomma(total.high_risk),
            prev(total.prev_high_risk),
            intcomma(total.prev_high_risk),
            "count",
            False,
            link(level="high"),
            detail=_("%(revenue)s revenue at risk")
            % {"revenue": compact_money(total.high_risk_revenue)},
        ),
        tile(
            "complaints",
            _("Open complaints past due"),
            total.complaints_past_due,
            intcomma(total.complaints_past_due),
            prev(total.prev_complaints_past_due),
            intcomma(total.prev_complaints_past_due),
            "count",
            False,
            link(past_due=1),
        ),
    ]
    # The revenue tile's change is a percentage of the 12 months before.
    change = total.revenue_change
    if change is None:  # nothing sold in the 12 months before: no percentage to state
        replaced = {"change_text": "", "trend": "none", "tone": "neutral"}
    else:
        _text, trend, tone = _change(total.revenue, total.revenue_prev, more_is_good=True, unit="")
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        replaced = {
            "change_text": f"{sign}{floatformat(abs(change), 1)}%",
            "trend": trend,
            "tone": tone,
        }
    tiles[1] = Kpi(**{**tiles[1].__dict__, **replaced})
    return tiles


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
            _n(region.x),
            _n(region.y),
            _n(region.width),
            _n(region.height),
            _n(region.label_x),
            _n(region.label_y),
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
    return Matrix(chart, regions, bubbles, data.total.accounts - scored, scored)


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
        label_x=_n(TIER_LABEL),
        figure_x=_n(TIER_LABEL + 16 + TIER_BAR),
    )
    for index, row in enumerate(rows):
        width = _scale(row.count, largest, TIER_BAR)
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
                x=_n(center - width / 2),
                y=_n(y),
                width=_n(width),
                height=_n(TIER_ROW),
                text_y=_n(y + TIER_ROW / 2),
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
        bar_x=_n(bar_x),
        label_x=_n(STAGE_LABEL),
        up_x=_n(bar_x + STAGE_BAR + 84),
        down_x=_n(bar_x + STAGE_BAR + 136),
    )
    for index, row in enumerate(rows):
        width = _scale(row.count, largest, STAGE_BAR)
        if row.count:
            width = max(width, 3)
        y = STAGE_GAP + index * (STAGE_ROW + STAGE_GAP)
        chart.bars.append(
            StageBar(
                stage=row.stage,
                label=str(row.label),
                count=row.count,
                url=drill.drill_url(chosen, stage=row.stage),
                y=_n(y),
                width=_n(width),
                height=_n(STAGE_ROW),
                text_y=_n(y + STAGE_ROW / 2),
                count_x=_n(bar_x + width + 6),
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
        left=_n(BAND_LEFT),
        right=_n(BAND_LEFT + plot_w),
        bottom=_n(bottom),
        label_y=_n(bottom + 16),
        y_ticks=[
            (intcomma(int(top_value * k / 4)), _n(bottom - plot_h * k / 4))
            for k in range(5)
            if float(top_value * k / 4).is_integer()
        ],
    )
    for index, row in enumerate(rows):
        x = BAND_LEFT + index * slot + slot * 0.15
        segments, y = [], bottom
        for level, count in (("low", row.low), ("medium", row.medium), ("high", row.high)):
            height = _scale(count, top_value, plot_h)
            y -= height
            if count:
                segments.append(Segment(level, count, _n(y), _n(height)))
        chart.bars.append(
            BandBar(
                band=row.band,
                label=f"{row.lowest}–{row.highest}",
                count=row.count,
                url=drill.drill_url(chosen, band=row.band),
                x=_n(x),
                width=_n(slot * 0.7),
                center=_n(x + slot * 0.35),
                count_y=_n(y - 5),
                segments=tuple(segments),
            )
        )
    return chart


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
        bar_x=_n(bar_x),
        label_x=_n(PIPE_LABEL),
    )
    for index, row in enumerate(rows):
        width = _scale(max(row.value, 0), largest, PIPE_BAR)
        weighted = _scale(max(min(row.weighted, row.value), 0), largest, PIPE_BAR)
        y = PIPE_GAP + index * (PIPE_ROW + PIPE_GAP)
        chart.bars.append(
            PipelineBar(
                stage=row.stage,
                label=str(row.label),
                opportunities=row.opportunities,
                value_text=compact_money(row.value),
                weighted_text=compact_money(row.weighted),
                url=drill.drill_url(chosen, pipeline=row.stage),
                y=_n(y),
                width=_n(width),
                weighted_y=_n(y + PIPE_ROW * 0.3),
                weighted_width=_n(weighted),
                text_y=_n(y + PIPE_ROW / 2),
                figure_x=_n(bar_x + max(width, 0) + 6),
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
        left=_n(MONTH_LEFT),
        right=_n(MONTH_LEFT + plot_w),
        zero_y=_n(zero),
        label_y=_n(MONTH_TOP + plot_h + 16),
        year_y=_n(MONTH_TOP + plot_h + 32),
        margin_points="",
        y_ticks=[
            (compact_money(low + span * k / 4), _n(y_of(low + span * k / 4))) for k in range(5)
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
                x=_n(x),
                y=_n(top),
                width=_n(slot * 0.72),
                height=_n(max(bottom - top, 0)),
                center=_n(center),
                margin_y=_n(margin_y),
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
        left=_n(SAT_LEFT),
        right=_n(SAT_LEFT + plot_w),
        label_y=_n(SAT_TOP + plot_h + 18),
        y_ticks=[(str(tick), _n(y_of(tick))) for tick in (0, 25, 50, 75, 100)],
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
                x=_n(x),
                y=_n(y),
                text_y=_n(y - 10),
            )
        )
    if len(line) > 1:
        chart.lines.append(" ".join(line))
    return chart


# --- Tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionTotal:
    kind: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class ManagerLine:
    owner_id: int | None
    name: str
    figures: object
    url: str | None


def exception_totals(total, chosen: dict) -> list[ExceptionTotal]:
    return [
        ExceptionTotal(
            kind,
            str(EXCEPTION_LABELS[kind]),
            getattr(total, kind),
            drill.drill_url(chosen, exception=kind),
        )
        for kind in facts.EXCEPTIONS
    ]


@dataclass(frozen=True)
class ExceptionLine:
    row: object  # queries.ExceptionRow
    badges: tuple[tuple[str, str], ...]  # (kind, words)
    quadrant_label: str
    category_label: str


def exception_lines(rows) -> list[ExceptionLine]:
    quadrants = dict(Quadrant.choices)
    return [
        ExceptionLine(
            row,
            tuple((kind, str(EXCEPTION_BADGES[kind])) for kind in row.kinds),
            str(quadrants.get(row.quadrant, "")),
            str(Category(row.category).label),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RiskLine:
    row: object  # queries.RiskRow
    level_label: str
    reasons: list


def risk_lines(rows) -> list[RiskLine]:
    return [RiskLine(row, str(RiskLevel(row.level).label), row.reasons) for row in rows]


def manager_lines(rows, chosen: dict, *, links: bool) -> list[ManagerLine]:
    return [
        ManagerLine(
            row.owner_id,
            row.name if row.owner_id is not None else _("No account manager"),
            row.figures,
            drill.drill_url(chosen, owner=row.owner_id) if links and row.owner_id else None,
        )
        for row in rows
    ]


# --- The page ------------------------------------------------------------------------------------


def dashboard_charts(data, portfolio) -> dict:
    """The template context for the dashboard's tiles, charts and table links."""
    chosen = portfolio.chosen
    sees_all = "owner" in portfolio.filters
    pareto = portfolio_charts.pareto_chart([data.pareto])
    top_share = data.pareto.top_share
    return {
        "sees_all": sees_all,
        "kpis": kpi_tiles(data, chosen),
        "matrix": matrix(data, chosen),
        "tiers": tier_pyramid(data.tiers, chosen),
        "stages": stage_bars(data.stages, chosen),
        "pareto": pareto,
        "pareto_url": drill.drill_url(chosen, top=TOP_PERCENT),
        "pareto_zone": (
            _n(pareto.left),
            _n(pareto.top),
            _n(pareto.marker_x - pareto.left),
            _n(pareto.bottom - pareto.top),
        ),
        "top_percent": TOP_PERCENT,
        "top_share": top_share,
        "bands": risk_bands(data.bands, chosen),
        "pipeline": pipeline_bars(data.pipeline, chosen),
        "months": monthly_bars(data.months, chosen),
        "satisfaction": satisfaction_line(data.satisfaction, chosen),
        "exception_totals": exception_totals(data.total, chosen),
        "exceptions_url": drill.drill_url(chosen, exception="any"),
        "exception_rows": exception_lines(data.exceptions),
        "top_risk": risk_lines(data.top_risk),
        "managers": manager_lines(data.managers, chosen, links=sees_all),
        "top_risk_url": drill.drill_url(chosen, sort="risk"),
        "quarter_word": pgettext("chart", "Quarter"),
    }
