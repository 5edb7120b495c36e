"""Spreadsheet exports: a table described once (columns with a header and a kind, rows read from
the database) written as Excel (.xlsx) or CSV. The account list's three exports:
accounts.list_exports.

The accounts app is the lowest layer, so other apps (the portfolio dashboard) reuse `safe_text`.
Both writers read rows in chunks and never hold a whole table in memory: CSV is streamed to the
browser as it is read; the workbook is written row by row to a temporary file (openpyxl's
write-only mode) and sent from there.

Text from the data is never run as a formula: an account named "=HYPERLINK(…)" stays text. In CSV
a cell has no type, so `safe_text` puts a quote before a leading =, +, -, @ (the importer takes it
off again). In a workbook a text cell is stored typed as text (`text_cell`), which Excel and WPS
never evaluate, so it needs no quote: "+86 138…" reads as written.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """Text a spreadsheet shows and never evaluates: a leading quote keeps =, +, -, @, tab or
    carriage return from starting a formula (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- Describing a table --------------------------------------------------------------------------

TEXT, NUMBER, MONEY, DATE, DATETIME, BOOL = "text", "number", "money", "date", "datetime", "bool"
AS_READ = "as_read"  # a cell read from a file: a number or a date stays one, the rest is text
NUMBER_FORMATS = {
    NUMBER: "#,##0",
    MONEY: "#,##0.00",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
XLSX, CSV = "xlsx", "csv"
FORMATS = (XLSX, CSV)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A worksheet has 1,048,576 rows; the header takes one.
XLSX_MAX_ROWS = 1_048_575
CHUNK_SIZE = 2000
CELL_LIMIT = 32_767  # characters Excel keeps in one cell
WIDEST_COLUMN = 60
NARROWEST_COLUMN = 8


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None


@dataclass(frozen=True)
class Table:
    """What to write: `rows` is a `values_list` queryset, read in chunks, or a list made in
    memory; `row` turns each of its tuples into the cells, in the order of `columns` (labels of
    choices, names of people)."""

    slug: str  # the file is called kam-<slug>-<date>.<format>
    title: str  # the worksheet's name
    columns: Sequence[Column]
    rows: QuerySet | list
    row: Callable[[tuple], Sequence] = tuple
    # As many rows as `rows`, cheaper to count (without its joins and sums); `rows` if None.
    counted: QuerySet | None = None


class TooManyRows(Exception):
    """More rows than a worksheet holds: the user should export CSV or narrow the filters."""


def chosen_format(request) -> str | None:
    """`?format=xlsx|csv` (Excel when absent); None for anything else."""
    export_format = request.GET.get("format", XLSX)
    return export_format if export_format in FORMATS else None


def file_name(slug: str, extension: str, today: date | None = None) -> str:
    """ASCII only, so every browser and mail client keeps it: kam-accounts-2026-11-28.xlsx."""
    today = today or timezone.localdate()
    return f"kam-{slug}-{today.isoformat()}.{extension}"


def response(table: Table, export_format: str):
    """The file of `table` as a download; TooManyRows when a workbook cannot hold it."""
    if export_format == CSV:
        return csv_response(table)
    return xlsx_response(table)


def _records(table: Table) -> Iterator[Sequence]:
    rows = table.rows
    records = rows.iterator(chunk_size=CHUNK_SIZE) if isinstance(rows, QuerySet) else rows
    for record in records:
        yield table.row(record)


# --- CSV -----------------------------------------------------------------------------------------


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value, kind: str, yes: str, no: str):
    if value is None:
        return ""
    if kind == BOOL:
        return yes if value else no
    if kind == AS_READ and isinstance(value, (int, float, Decimal, date)):
        if isinstance(value, datetime) and not (value.hour or value.minute or value.second):
            value = value.date()
        return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    if kind == DATETIME and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and kind in (NUMBER, MONEY):
        return str(value)
    return safe_text(value)


def csv_lines(table: Table) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; comma-separated."""
    writer = csv.writer(_Echo())
    kinds = [column.kind for column in table.columns]
    # Words are translated now, in the request's language: the lines are read after the view.
    yes, no = _("Yes"), _("No")
    yield codecs.BOM_UTF8.decode("utf-8")
    yield writer.writerow([safe_text(column.header) for column in table.columns])
    for values in _records(table):
        yield writer.writerow(
            [_csv_value(value, kind, yes, no) for value, kind in zip(values, kinds, strict=True)]
        )


def csv_response(table: Table) -> StreamingHttpResponse:
    lines = csv_lines(table)
    # The byte-order mark and the header are made here, while the request's language is active.
    first = [next(lines), next(lines)]

    def stream():
        yield from first
        yield from lines

    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in stream()), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name(table.slug, CSV)}"'
    return response


# --- Excel ---------------------------------------------------------------------------------------


def _xlsx_text(value) -> str:
    # Control characters other than tab and line breaks cannot be stored in a worksheet.
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:CELL_LIMIT]


def text_cell(cell):
    """`cell` (holding a str) typed as text: openpyxl would store a text starting with "=" as a
    formula; typed as text, no spreadsheet runs it, and nothing needs a guarding quote."""
    cell.value = _xlsx_text(cell.value)
    cell.data_type = "s"
    return cell


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Sheet"


def _width(column: Column) -> int:
    if column.width:
        return column.width
    wide = sum(2 if ord(char) > 0x2E7F else 1 for char in str(column.header))
    minimum = {MONEY: 14, DATE: 12, DATETIME: 17, NUMBER: 10}.get(column.kind, 14)
    return min(WIDEST_COLUMN, max(NARROWEST_COLUMN, minimum, wide + 2))


def count_rows(table: Table, limit: int | None = None) -> int:
    """The rows `table` holds, counted up to `limit` + 1 at most (enough to tell "more than")."""
    counted = table.rows if table.counted is None else table.counted
    if not isinstance(counted, QuerySet):
        return len(counted)
    pks = counted.order_by().values("pk")
    return (pks if limit is None else pks[: limit + 1]).count()


def xlsx_response(table: Table) -> FileResponse:
    if count_rows(table, XLSX_MAX_ROWS) > XLSX_MAX_ROWS:
        raise TooManyRows
    # Rows go to a temporary file as they are written; the response sends it and deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(table, output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=file_name(table.slug, XLSX),
        content_type=XLSX_CONTENT_TYPE,
    )


def write_xlsx(table: Table, output, progress: Callable[[int], None] | None = None) -> int:
    """Write the workbook of `table` to the binary file `output`, calling `progress(rows)` after
    every CHUNK_SIZE rows; the number of rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(str(table.title)))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)

    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = text_cell(WriteOnlyCell(sheet, value=column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    yes, no = _("Yes"), _("No")
    kinds = [column.kind for column in table.columns]
    written = 0
    for values in _records(table):
        sheet.append(
            [
                _xlsx_cell(sheet, value, kind, yes, no)
                for value, kind in zip(values, kinds, strict=True)
            ]
        )
        written += 1
        if progress and written % CHUNK_SIZE == 0:
            progress(written)
    book.save(output)  # write-only: the rows are already in a temporary file, not in memory
    return written


def write_csv(table: Table, output, progress: Callable[[int], None] | None = None) -> int:
    """Write `table` as CSV (as `csv_response` sends it) to the binary file `output`, calling
    `progress(rows)` after every CHUNK_SIZE rows; the number of rows written."""
    written = -2  # the byte-order mark and the header are not rows
    for line in csv_lines(table):
        output.write(line.encode("utf-8"))
        written += 1
        if progress and written > 0 and written % CHUNK_SIZE == 0:
            progress(written)
    return max(written, 0)


WRITERS = {XLSX: write_xlsx, CSV: write_csv}


def _xlsx_cell(sheet, value, kind: str, yes: str, no: str):
    if value is None:
        return None
    if kind == BOOL:
        return yes if value else no
    if kind == AS_READ:
        if isinstance(value, (bool, int, float, Decimal)):
            return value  # as the file had it, without a number format
        if isinstance(value, datetime) and (value.hour or value.minute or value.second):
            kind = DATETIME
        elif isinstance(value, date):
            kind = DATE
    is_date = kind in (DATE, DATETIME) and isinstance(value, date)
    is_number = kind in (NUMBER, MONEY) and isinstance(value, (int, float, Decimal))
    if not (is_date or is_number):
        return text_cell(WriteOnlyCell(sheet, value=str(value)))
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Excel has no time zones: the local time, as the pages show it.
        value = timezone.make_naive(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = NUMBER_FORMATS[kind]
    return cell
