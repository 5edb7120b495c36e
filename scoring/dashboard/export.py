"""The dashboard as an Excel workbook: one sheet per table and per chart, each headed by what the
figures are (scope, filters, comparison period) so a sheet forwarded on its own still says so.

Everything written comes from the `Dashboard` the view computed for this user and these filters,
so a manager's workbook holds only their own accounts, as their page does. Text is written as
typed text cells (`text_cell`, shared with the account list's exports), so an account named
"=HYPERLINK(…)" stays text in any spreadsheet, with no guarding quote.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.exports import text_cell
from accounts.models import Category, RelationshipStage
from scoring.dashboard import facts, queries
from scoring.dashboard.filters import COMPARE_CHOICES, DashboardFilter
from scoring.models import Quadrant, RiskLevel

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cell kinds and how each is shown; a percentage is stored as its number (12.5 is 12.5 %).
TEXT, COUNT, MONEY, PERCENT, DECIMAL, DATE, MONTH = (
    "text",
    "count",
    "money",
    "percent",
    "decimal",
    "date",
    "month",
)
NUMBER_FORMATS = {
    COUNT: "#,##0",
    MONEY: "#,##0.00",
    PERCENT: '0.0"%"',
    DECIMAL: "0.0",
    DATE: "yyyy-mm-dd",
    MONTH: "yyyy-mm",
}
SHEET_TITLE_LENGTH = 31
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"
WIDEST_COLUMN = 60
NARROWEST_COLUMN = 8


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Typed:
    """A cell whose kind differs from its column's (the Summary mixes counts, money and %)."""

    value: object
    kind: str


def file_name(data: queries.Dashboard) -> str:
    return f"kam-portfolio-{data.today.isoformat()}.xlsx"


def workbook(data: queries.Dashboard, portfolio: DashboardFilter) -> bytes:
    book = Workbook()
    book.remove(book.active)
    heading = _heading(data, portfolio)
    for title, columns, rows in _sheets(data):
        _write_table(book, title, heading, columns, rows)
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
            [facts.EXCEPTION_LABELS[kind], Typed(getattr(total, kind), COUNT)]
            for kind in facts.EXCEPTIONS
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
            "; ".join(str(facts.EXCEPTION_LABELS[kind]) for kind in row.kinds),
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


# --- Writing one table ---------------------------------------------------------------------------


def _write_table(book, title: str, heading: list[str], columns: list[Column], rows) -> None:
    sheet = book.create_sheet(_sheet_title(title, book.sheetnames))
    text_cell(sheet.cell(row=1, column=1, value=title)).font = Font(bold=True, size=14)
    for row_number, line in enumerate(heading, start=2):
        text_cell(sheet.cell(row=row_number, column=1, value=str(line)))
    header_row = len(heading) + 3  # a blank row between the heading and the table

    widths = []
    for index, column in enumerate(columns, start=1):
        text_cell(sheet.cell(row=header_row, column=index, value=str(column.header))).font = Font(
            bold=True
        )
        widths.append(_width(column.header))

    row_number = header_row
    for row_number, values in enumerate(rows, start=header_row + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=False)):
            kind = column.kind
            if isinstance(value, Typed):
                value, kind = value.value, value.kind
            cell = sheet.cell(row=row_number, column=index + 1, value=_cell_value(value, kind))
            if isinstance(cell.value, str):
                text_cell(cell)
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            widths[index] = max(widths[index], _width(cell.value, kind))

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{row_number}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _cell_value(value, kind: str):
    if value is None:
        return None
    if kind == TEXT or isinstance(value, str):  # a text in a date column: "the 12 months before"
        return str(value)
    return value


def _width(value, kind: str = TEXT) -> float:
    if value is None:
        return NARROWEST_COLUMN
    if isinstance(value, str):
        text = value
    elif kind in (DATE, MONTH):
        text = "0000-00-00"
    elif kind in (MONEY, COUNT):
        text = f"{value:,.2f}"
    else:
        text = str(value)
    # East Asian wide characters take two columns.
    length = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return min(WIDEST_COLUMN, max(NARROWEST_COLUMN, length + 2))


def _sheet_title(title: str, taken: list[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    cleaned = "".join(" " if char in SHEET_TITLE_FORBIDDEN else char for char in title).strip()
    cleaned = cleaned[:SHEET_TITLE_LENGTH] or "Sheet"
    candidate, number = cleaned, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate
