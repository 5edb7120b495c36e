"""Writing one sheet of the dashboard's workbook: a heading above a table whose cells are typed
by their column (or one by one, `Typed`), the columns as wide as their text, the sheet's title
kept to Excel's rules. Text is written as typed text cells (`text_cell`), never as a formula."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.exports import text_cell

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


def write_table(book, title: str, heading: list[str], columns: list[Column], rows) -> None:
    sheet = book.create_sheet(sheet_title(title, book.sheetnames))
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


def sheet_title(title: str, taken: list[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    cleaned = "".join(" " if char in SHEET_TITLE_FORBIDDEN else char for char in title).strip()
    cleaned = cleaned[:SHEET_TITLE_LENGTH] or "Sheet"
    candidate, number = cleaned, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate
