"""Reading an uploaded spreadsheet into a plain table: the header row and the rows below it.

Excel workbooks (.xlsx, the first sheet) are read with openpyxl in read-only mode, so a large
file is streamed rather than loaded whole; CSV is decoded as UTF-8 (with or without a byte-order
mark) or else GB18030, which covers GBK — what Excel on a Chinese Windows saves — and split on
commas or semicolons, whichever the header line uses.

Nothing here touches the database. Whatever is wrong with the file itself (wrong kind, empty,
not decodable, no header row, too many rows) raises `ImportFileError` with a message for the
person who uploaded it; a broken file never escapes as another exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.utils.translation import gettext as _

from accounts.exports import FORMULA_STARTS

XLSX, CSV = "xlsx", "csv"
EXTENSIONS = (XLSX, CSV)
MAX_ROWS = 200_000

Cell = str | int | float | date | datetime | None


class ImportFileError(Exception):
    """The file cannot be read as a table; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
    """The table in `source` (bytes or a file, such as an UploadedFile) named `filename`."""
    extension = PurePath(filename or "").suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is not a spreadsheet KAM can read; upload an .xlsx or .csv file.")
            % {"name": filename}
        )
    content = _content(source)
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    limit = MAX_ROWS if limit is None else limit
    lines = _xlsx_rows(content) if extension == XLSX else _csv_rows(content)
    return _table(lines, limit)


def _content(source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
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


def _table(lines, limit: int) -> Table:
    """Skip fully empty rows; the first row with anything in it holds the column names."""
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
        if len(rows) >= limit:
            raise ImportFileError(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
        width = len(headers)
        rows.append((cells + [None] * width)[:width])
        line_numbers.append(line_number)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has column names but no rows to import."))
    return Table(headers=headers, rows=rows, line_numbers=line_numbers)


# --- Excel ---------------------------------------------------------------------------------------


def _xlsx_rows(content: bytes):
    """(line number, cells) of the first sheet, read as the table asks for them: a file over the
    row limit is refused without reading the rest."""
    from openpyxl import load_workbook

    unreadable = ImportFileError(
        _("This file cannot be read as an Excel workbook; save it again as .xlsx and retry.")
    )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise unreadable
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise unreadable from error
    try:
        if not book.worksheets:
            return
        # Read-only sheets yield the missing rows between stored ones, so the count is the row.
        rows = enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
        while True:
            try:
                line_number, cells = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise unreadable from error
            yield line_number, list(cells)
    finally:
        book.close()


# --- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    with_bom = content.startswith(codecs.BOM_UTF8)
    encodings = ("utf-8-sig",) if with_bom else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportFileError(
        _(
            "This file is not a text CSV file in UTF-8 or GBK; save it from Excel as "
            "“CSV UTF-8” and retry."
        )
    )


def _delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header line has more of (Excel in many countries
    writes semicolons)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(content: bytes):
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is damaged: %(problem)s.") % {"problem": str(error)}
        ) from error
