"""The dashboard as an Excel workbook: one sheet per table and per chart, each headed by what the
figures are (scope, filters, comparison period) so a sheet forwarded on its own still says so.

Everything written comes from the `Dashboard` the view computed for this user and these filters,
so a manager's workbook holds only their own accounts, as their page does. Text is written as
typed text cells (`text_cell`, shared with the account list's exports), so an account named
"=HYPERLINK(…)" stays text in any spreadsheet, with no guarding quote.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from accounts.models import Category, RelationshipStage
from scoring.dashboard import account_columns, queries
from scoring.dashboard.filters import COMPARE_CHOICES, DashboardFilter
from scoring.dashboard.sheet_writer import (
    COUNT,
    DATE,
    DECIMAL,
    MONEY,
    MONTH,
    PERCENT,
    Column,
    Typed,
    write_table,
)
from scoring.models import Quadrant, RiskLevel

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(data: queries.Dashboard) -> str:
    return f"kam-portfolio-{data.today.isoformat()}.xlsx"


def workbook(data: queries.Dashboard, portfolio: DashboardFilter) -> bytes:
    book = Workbook()
    book.remove(book.active)
    heading = _heading(data, portfolio)
    for title, columns, rows in _sheets(data):
        write_table(book, title, heading, columns, rows)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


# --- The sheets ----------------------------------------------------------------------------------


def _sheets(data: queries.Dashboard):
    """(title, columns, rows) for every sheet, in the order of the page."""
    yield pgettext("sheet of a workbook", "Summary"), *_summary(data)
    yield _("Most at risk"), *_most_at_risk(data)
    yield _("Exceptions"), *_exceptions(data)
    yield _("Account managers"), *_managers(data)
    yield _("Tiers"), *_tiers(data)
    yield _("Stages"), *_stages(data)
    yield _("Risk distribution"), *_risk_distribution(data)
    yield _("Pipeline"), *_pipeline(data)
    yield _("Revenue by month"), *_months(data)
    yield _("Satisfaction by quarter"), *_satisfaction(data)


def _summary(data):
    columns = [
        Column(_("Measure")),
        Column(pgettext("figure of a measure", "Value")),
        Column(_("Previous value")),
        Column(_("Change")),
        Column(_("Compared with"), DATE),
    ]
    total, day = data.total, data.compare_day
    before = _("the 12 months before")

    def kpi(name, kind, value, previous, compared_with=day):
        change = None if value is None or previous is None else value - previous
        return [
            name,
            Typed(value, kind),
            Typed(previous, kind),
            Typed(change, kind),
            compared_with,
        ]

    rows = [
        kpi(_("Key accounts by category"), COUNT, total.key_accounts, total.prev_key_accounts),
        kpi(_("Key accounts' share of revenue"), PERCENT, total.key_share, total.prev_key_share),
        kpi(_("Revenue, last 12 months"), MONEY, total.revenue, total.revenue_prev, before),
        kpi(
            _("Key accounts with an active plan"),
            PERCENT,
            total.plan_coverage,
            total.prev_plan_coverage,
        ),
        kpi(
            _("Key accounts visited within cadence"),
            PERCENT,
            total.visit_compliance,
            total.prev_visit_compliance,
        ),
        kpi(_("Average satisfaction index"), DECIMAL, total.satisfaction, total.prev_satisfaction),
        kpi(_("Accounts at high churn risk"), COUNT, total.high_risk, total.prev_high_risk),
        kpi(
            _("Revenue of accounts at high churn risk"),
            MONEY,
            total.high_risk_revenue,
            total.prev_high_risk_revenue,
        ),
        kpi(
            _("Open complaints past due"),
            COUNT,
            total.complaints_past_due,
            total.prev_complaints_past_due,
        ),
        [_("Accounts"), Typed(total.accounts, COUNT)],
        [_("Accounts with an exception"), Typed(total.exceptions, COUNT)],
        *(
            [account_columns.EXCEPTION_LABELS[kind], Typed(getattr(total, kind), COUNT)]
            for kind in account_columns.EXCEPTIONS
        ),
    ]
    return columns, rows


def _most_at_risk(data):
    columns = [
        Column(_("Account")),
        Column(_("Account manager")),
        Column(_("Risk score"), COUNT),
        Column(_("Risk level")),
        Column(_("Change since last week"), COUNT),
        Column(_("Revenue, last 12 months"), MONEY),
        Column(_("Top reasons")),
    ]
    rows = [
        [
            row.name,
            row.owner,
            row.score,
            _label(RiskLevel, row.level),
            row.change,
            row.revenue,
            " · ".join(str(reason.text) for reason in row.reasons),
        ]
        for row in data.top_risk
    ]
    return columns, rows


def _exceptions(data):
    columns = [
        Column(_("Account")),
        Column(_("Category")),
        Column(_("Account manager")),
        Column(_("Exceptions")),
        Column(_("Quadrant")),
    ]
    rows = [
        [
            row.name,
            _label(Category, row.category),
            row.owner,
            "; ".join(str(account_columns.EXCEPTION_LABELS[kind]) for kind in row.kinds),
            _label(Quadrant, row.quadrant),
        ]
        for row in data.exceptions
    ]
    return columns, rows


def _managers(data):
    columns = [
        Column(_("Account manager")),
        Column(_("Accounts"), COUNT),
        Column(_("Key accounts by category"), COUNT),
        Column(_("Revenue, last 12 months"), MONEY),
        Column(_("Plan coverage"), PERCENT),
        Column(_("Visit compliance"), PERCENT),
        Column(_("Average risk"), DECIMAL),
        Column(_("Complaints past due"), COUNT),
    ]
    rows = [
        [
            row.name if row.owner_id is not None else _("No account manager"),
            row.figures.accounts,
            row.figures.key_accounts,
            row.figures.revenue,
            row.figures.plan_coverage,
            row.figures.visit_compliance,
            row.figures.average_risk,
            row.figures.complaints_past_due,
        ]
        for row in data.managers
    ]
    return columns, rows


def _tiers(data):
    columns = [Column(_("Tier")), Column(_("Accounts"), COUNT), Column(_("Revenue"), MONEY)]
    rows = [
        [row.label if row.pk is not None else _("No tier"), row.count, row.revenue]
        for row in data.tiers
    ]
    return columns, rows


def _stages(data):
    columns = [
        Column(_("Relationship stage")),
        Column(_("Accounts"), COUNT),
        Column(_("Revenue"), MONEY),
        Column(_("Moved up this quarter"), COUNT),
        Column(_("Moved down this quarter"), COUNT),
    ]
    rows = [
        [_label(RelationshipStage, row.stage), row.count, row.revenue, row.moved_up, row.moved_down]
        for row in data.stages
    ]
    return columns, rows


def _risk_distribution(data):
    columns = [
        Column(_("Risk score")),
        Column(_("Accounts"), COUNT),
        Column(_("High"), COUNT),
        Column(_("Medium"), COUNT),
        Column(_("Low"), COUNT),
    ]
    rows = [
        [f"{row.lowest}–{row.highest}", row.count, row.high, row.medium, row.low]
        for row in data.bands
    ]
    return columns, rows


def _pipeline(data):
    columns = [
        Column(_("Development stage")),
        Column(pgettext("sales pipeline", "Opportunities"), COUNT),
        Column(_("Accounts"), COUNT),
        Column(_("Value"), MONEY),
        Column(_("Weighted value"), MONEY),
    ]
    rows = [
        [str(row.label), row.opportunities, row.accounts, row.value, row.weighted]
        for row in data.pipeline
    ]
    return columns, rows


def _months(data):
    columns = [
        Column(_("Month"), MONTH),
        Column(_("Revenue"), MONEY),
        Column(_("Gross margin"), MONEY),
    ]
    rows = [[row.month, row.revenue, row.margin] for row in data.months]
    return columns, rows


def _satisfaction(data):
    columns = [
        Column(_("Quarter")),
        Column(_("Quarter start"), DATE),
        Column(_("Average satisfaction index"), DECIMAL),
        Column(_("Surveys"), COUNT),
        Column(_("Accounts"), COUNT),
    ]
    rows = [
        [row.label, row.start, row.average, row.surveys, row.accounts] for row in data.satisfaction
    ]
    return columns, rows


def _label(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else ""


# --- What every sheet says above its table -------------------------------------------------------


def _heading(data: queries.Dashboard, portfolio: DashboardFilter) -> list[str]:
    """The lines under each sheet's title: when, as of when, whose accounts, which filters and
    which comparison period."""
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    calculated = (
        timezone.localtime(data.calculated_at).strftime("%Y-%m-%d %H:%M")
        if data.calculated_at
        else _("not calculated yet")
    )
    scope = _("All accounts") if "owner" in portfolio.filters else _("My portfolio")
    period = str(dict(COMPARE_CHOICES).get(data.compare, data.compare))
    compare_day = data.compare_day.isoformat() if data.compare_day else _("no figures kept")
    return [
        _("Generated %(when)s") % {"when": generated},
        _("Figures as of %(when)s") % {"when": calculated},
        scope,
        *(_filter_lines(portfolio) or [_("No filters")]),
        _("Compared with %(period)s (%(day)s)") % {"period": period, "day": compare_day},
    ]


def _filter_lines(portfolio: DashboardFilter) -> list[str]:
    """ "Region: East China", one per chosen filter, in the form's order and words."""
    chosen = portfolio.chosen
    lines = []
    for name, field in portfolio.form.fields.items():
        if name not in chosen:
            continue
        value = chosen[name]
        if hasattr(field, "label_from_instance"):
            shown = field.label_from_instance(value)
        else:
            shown = dict(field.choices).get(value, value)
        lines.append(_("%(filter)s: %(value)s") % {"filter": field.label or name, "value": shown})
    return lines
