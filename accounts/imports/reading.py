"""Reading an uploaded spreadsheet into a plain table: the header row and the rows below it.

Two reads of the same file. The upload request calls `read_preview`: the cheap checks (what the
file unpacks to, how wide and tall it says it is, its encoding) and the header row with the
first few rows, for the mapping step. The worker's dry run and import call `read_table`, which
streams the whole file under the same limits. Neither holds more than the rows it returns.

Limits, counted on what the file EXPANDS to, before anything is parsed where possible:
- an .xlsx's zip directory: at most MAX_PARTS parts, MAX_UNPACKED_BYTES unpacked in all, no part
  over MAX_PACKING_RATIO times its packed size (a "zip bomb"), the first sheet and the shared
  strings each under their own size;
- MAX_ROWS rows under the header, counting every row up to the last one, blank or not (a sheet
  whose used range, or a CSV whose line count, says more is refused before its rows are read; a
  row past the limit is refused as soon as it is seen);
- MAX_COLUMNS columns (any cell of the sheet counts, an empty formatted one too; a CSV line's
  fields), and MAX_CELL_CHARS characters in a cell (Excel's own limit).

The .xlsx sheet is read (accounts.imports.xlsx_file) with lxml's iterparse, streamed from the
zip: openpyxl's read-only mode loads every shared string at once and pads a sparse sheet with
empty rows and cells (one cell at ZZ1 and one at row 200,000 became 140 million). Dates come back
as datetimes, as openpyxl gives them, from the cells' number formats. A CSV
(accounts.imports.csv_file) is decoded as UTF-8 (with or without a byte-order mark) or else
GB18030, which covers GBK — what Excel on a Chinese Windows saves — if the text looks like
Chinese; anything else is refused rather than read as mojibake. It is split on commas or
semicolons, whichever the header line uses. The limits and their messages:
accounts.imports.upload_limits.

Nothing here touches the database. Whatever is wrong with the file itself raises
`ImportFileError` with a message for the person who uploaded it; a broken file never escapes as
another exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from accounts.exports import FORMULA_STARTS
from accounts.imports.csv_file import CsvFile
from accounts.imports.upload_limits import MAX_ROWS, Cell, ImportFileError
from accounts.imports.xlsx_file import Workbook

XLSX, CSV = "xlsx", "csv"
EXTENSIONS = (XLSX, CSV)
PREVIEW_ROWS = 3


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    # Where each row is in the file (the header is line 1), for the per-row report.
    line_numbers: list[int] = field(default_factory=list)

    def __post_init__(self):
        if not self.line_numbers:
            self.line_numbers = list(range(2, len(self.rows) + 2))


def read_table(source, filename: str, *, limit: int | None = None) -> Table:
    """Every row of the table in `source` (bytes or a file, such as an UploadedFile) named
    `filename`, streamed under the limits."""
    limit = MAX_ROWS if limit is None else limit
    reader = _open(source, filename)
    return _table(reader.rows(limit), limit)


def read_preview(source, filename: str, *, rows: int = PREVIEW_ROWS) -> Table:
    """The header and the first `rows` rows, after the cheap checks of the whole file: what the
    upload request needs for the mapping step. `read_table` reads the rest, in the worker."""
    reader = _open(source, filename)
    reader.check_size(MAX_ROWS)
    return _table(reader.rows(MAX_ROWS), MAX_ROWS, stop_after=rows)


def _open(source, filename: str):
    extension = PurePath(filename or "").suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is not a spreadsheet KAM can read; upload an .xlsx or .csv file.")
            % {"name": filename}
        )
    content = _content(source)
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    return Workbook(content) if extension == XLSX else CsvFile(content)


def _content(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _clean(value) -> Cell:
    if isinstance(value, str):
        value = value.strip()
        # The export writes "'=…" so that no spreadsheet runs it as a formula
        # (accounts.exports.safe_text): such a cell comes back as it was.
        if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_STARTS:
            value = value[1:]
        return value or None
    return value


def _is_word(cell: Cell) -> bool:
    """Could this cell be a column name? Text that is not a number (CSV cells are all text)."""
    if not isinstance(cell, str):
        return False
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return True
    return False


def _table(lines, limit: int, *, stop_after: int | None = None) -> Table:
    """Skip fully empty rows; the first row with anything in it holds the column names. The
    readers have refused a row past the limit already (blank rows count); `stop_after` rows
    are enough for a preview."""
    headers: list[str] | None = None
    rows: list[list[Cell]] = []
    line_numbers: list[int] = []
    for line_number, raw in lines:
        cells = [_clean(value) for value in raw]
        if all(cell is None for cell in cells):
            continue
        if headers is None:
            if not any(_is_word(cell) for cell in cells):
                raise ImportFileError(
                    _("The first row must hold the column names (such as “Name”), not data.")
                )
            headers = ["" if cell is None else str(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            continue
        width = len(headers)
        rows.append((cells + [None] * width)[:width])
        line_numbers.append(line_number)
        if stop_after is not None and len(rows) >= stop_after:
            break
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    return Table(headers=headers, rows=rows, line_numbers=line_numbers)
