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

The .xlsx sheet is read here with lxml's iterparse, streamed from the zip: openpyxl's read-only
mode loads every shared string at once and pads a sparse sheet with empty rows and cells (one
cell at ZZ1 and one at row 200,000 became 140 million). Dates come back as datetimes, as openpyxl
gives them, from the cells' number formats. CSV is decoded as UTF-8 (with or without a
byte-order mark) or else GB18030, which covers GBK — what Excel on a Chinese Windows saves — if
the text looks like Chinese (see `_looks_chinese`); anything else is refused rather than read as
mojibake. It is split on commas or semicolons, whichever the header line uses.

Nothing here touches the database. Whatever is wrong with the file itself raises
`ImportFileError` with a message for the person who uploaded it; a broken file never escapes as
another exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from accounts.exports import FORMULA_STARTS

XLSX, CSV = "xlsx", "csv"
EXTENSIONS = (XLSX, CSV)
MAX_ROWS = 200_000
# Wider than any import's fields (the accounts have 24) with room for columns left unmapped;
# a sheet with more is a dump of something else.
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's limit
MB = 1024 * 1024
MAX_PARTS = 1000  # a workbook saved by Excel has a dozen; one per sheet, image, chart…
MAX_UNPACKED_BYTES = 400 * MB  # 200,000 rows of 30 columns unpack to about 300 MB
MAX_SHEET_BYTES = 400 * MB
MAX_SHARED_STRINGS_BYTES = 100 * MB
MAX_SMALL_PART_BYTES = 16 * MB  # the workbook, its relationships, the styles
# Sheets unpack to 5–20 times their packed size; a bomb of repeated rows to ~1000 times. Parts
# below RATIO_FLOOR are not judged: a tiny part packs as it likes.
MAX_PACKING_RATIO = 100
RATIO_FLOOR = MB
PREVIEW_ROWS = 3
CHUNK = MB  # bytes decoded at a time when checking a CSV's encoding

Cell = str | int | float | date | datetime | time | timedelta | None


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
    return _Workbook(content) if extension == XLSX else _CsvFile(content)


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


# --- The limits' messages -------------------------------------------------------------------------


def _too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(limit)s rows (blank rows between them count too); split "
            "it into smaller files."
        )
        % {"limit": f"{limit:,}"}
    )


def _too_wide(column: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet uses column %(column)s; KAM reads at most %(max)s columns. Delete the "
            "columns you do not import (or save only the table) and retry."
        )
        % {"column": _letters(column), "max": MAX_COLUMNS}
    )


def _cell_too_long(column: int, row: int) -> ImportFileError:
    return ImportFileError(
        _("The cell %(cell)s holds more than %(max)s characters (Excel's own limit); shorten it "
          "and retry.")
        % {"cell": f"{_letters(column)}{row}", "max": f"{MAX_CELL_CHARS:,}"}
    )  # fmt: skip


def _a_cell_too_long() -> ImportFileError:
    """Where the cell is is not known (a shared string, a field csv refuses by itself)."""
    return ImportFileError(
        _("A cell holds more than %(max)s characters (Excel's own limit); shorten it and retry.")
        % {"max": f"{MAX_CELL_CHARS:,}"}
    )


def _too_big(megabytes: int) -> ImportFileError:
    return ImportFileError(
        _("This workbook unpacks to more than %(size)s MB; split it into smaller files.")
        % {"size": megabytes}
    )


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_row(row: int, limit: int) -> None:
    if row > limit + 1:  # the header's row and `limit` rows below it
        raise _too_many_rows(limit)


# --- Excel ---------------------------------------------------------------------------------------

OFFICE_DOCUMENT = "/officeDocument"
CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def _name(element) -> str:
    return etree.QName(element).localname


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _Workbook:
    """The first sheet of an .xlsx, its shared strings and date formats, read as they are asked
    for: the zip's directory is judged when the file is opened, before any part is parsed."""

    def __init__(self, content: bytes):
        self.unreadable = ImportFileError(
            _("This file cannot be read as an Excel workbook; save it again as .xlsx and retry.")
        )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(content))
            parts = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise self.unreadable from error
        self._check_parts(parts)
        self.parts = {part.filename: part for part in parts}
        try:
            self.sheet, self.shared_strings_part, styles, self.epoch = self._layout()
            self.date_styles, self.timedelta_styles = self._date_styles(styles)
        except (etree.LxmlError, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
            raise self.unreadable from error
        if self.sheet.file_size > MAX_SHEET_BYTES:
            raise ImportFileError(
                _("The first sheet unpacks to more than %(size)s MB; split it into smaller files.")
                % {"size": MAX_SHEET_BYTES // MB}
            )
        if self.shared_strings_part and self.shared_strings_part.file_size > (
            MAX_SHARED_STRINGS_BYTES
        ):
            raise ImportFileError(
                _("The workbook's text unpacks to more than %(size)s MB; split it into smaller "
                  "files.") % {"size": MAX_SHARED_STRINGS_BYTES // MB}
            )  # fmt: skip
        self.shared_strings = _SharedStrings(self)

    def _check_parts(self, parts) -> None:
        if len(parts) > MAX_PARTS:
            raise ImportFileError(
                _("This workbook holds %(count)s parts, more than a spreadsheet has; save it "
                  "again from Excel as .xlsx and retry.") % {"count": f"{len(parts):,}"}
            )  # fmt: skip
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise _too_big(MAX_UNPACKED_BYTES // MB)
        for part in parts:
            if part.file_size > RATIO_FLOOR and (
                part.file_size > MAX_PACKING_RATIO * max(part.compress_size, 1)
            ):
                raise ImportFileError(
                    _("This workbook is packed suspiciously tightly: a part of it unpacks to "
                      "%(ratio)s times its size. Save it again from Excel and retry.")
                    % {"ratio": f"{part.file_size // max(part.compress_size, 1):,}"}
                )  # fmt: skip

    def _open_part(self, name: str):
        part = self.parts[name]
        return self.zip.open(part)

    def _small_part(self, name: str):
        part = self.parts.get(name)
        if part is None:
            return None
        if part.file_size > MAX_SMALL_PART_BYTES:
            raise ValueError(f"{name} is too large")
        with self.zip.open(part) as stream:
            return etree.fromstring(stream.read(), parser=_parser())

    def _relationships(self, part_name: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target path) of a part's relationships."""
        folder, base = posixpath.split(part_name)
        root = self._small_part(posixpath.join(folder, "_rels", f"{base}.rels"))
        found = {}
        for item in root if root is not None else ():
            target = item.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found[item.get("Id")] = (item.get("Type", ""), path)
        return found

    def _layout(self):
        """The first worksheet's part, the shared strings' and the styles' parts and the date
        system, as the workbook and its relationships name them."""
        package = self._relationships("")
        book_name = next(
            (path for kind, path in package.values() if kind.endswith(OFFICE_DOCUMENT)),
            "xl/workbook.xml",
        )
        book = self._small_part(book_name)
        if book is None:
            raise KeyError(book_name)
        related = self._relationships(book_name)
        relation_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        strict_id = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
        sheet = None
        for element in book.iter():
            if not isinstance(element.tag, str):
                continue
            if _name(element) == "sheet":
                kind, path = related.get(
                    element.get(relation_id) or element.get(strict_id), ("", "")
                )
                if kind.endswith("/worksheet") and path in self.parts:
                    sheet = self.parts[path]
                    break
        if sheet is None:
            raise KeyError("worksheet")
        epoch = CALENDAR_WINDOWS_1900
        for element in book.iter():
            is_properties = isinstance(element.tag, str) and _name(element) == "workbookPr"
            if is_properties and element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        shared = styles = None
        for kind, path in related.values():
            if kind.endswith("/sharedStrings") and path in self.parts:
                shared = self.parts[path]
            elif kind.endswith("/styles") and path in self.parts:
                styles = path
        return sheet, shared, styles, epoch

    def _date_styles(self, styles_part):
        """The cell styles (indexes of cellXfs) whose number format shows a date or a time."""
        root = self._small_part(styles_part) if styles_part else None
        if root is None:
            return frozenset(), frozenset()
        formats = dict(BUILTIN_FORMATS)
        cell_formats = []
        for element in root:
            if not isinstance(element.tag, str):
                continue
            if _name(element) == "numFmts":
                for item in element:
                    if isinstance(item.tag, str):
                        formats[int(item.get("numFmtId", "-1"))] = item.get("formatCode", "")
            elif _name(element) == "cellXfs":
                cell_formats = [
                    int(item.get("numFmtId", "0")) for item in element if isinstance(item.tag, str)
                ]
        dates, durations = set(), set()
        for index, format_id in enumerate(cell_formats):
            code = formats.get(format_id, "")
            # 27–36 and 50–58 are the East Asian built-in date formats, not listed by openpyxl.
            if is_timedelta_format(code):
                durations.add(index)
            elif is_date_format(code) or 27 <= format_id <= 36 or 50 <= format_id <= 58:
                dates.add(index)
        return frozenset(dates), frozenset(durations)

    def _dimension(self) -> tuple[int, int] | None:
        """(last column, last row) of the used range the sheet declares, read from its first
        elements; None when it has none before its rows."""
        try:
            with self._open_part(self.sheet.filename) as stream:
                for _event, element in etree.iterparse(stream, events=("start",), **_SAFE):
                    name = _name(element)
                    if name == "dimension":
                        last = (element.get("ref") or "").split(":")[-1].replace("$", "")
                        found = CELL_REF.match(last)
                        if not found:
                            return None
                        return _column_number(found[1]), int(found[2])
                    if name == "sheetData":
                        return None
        except (etree.LxmlError, zipfile.BadZipFile, OSError) as error:
            raise self.unreadable from error
        return None

    def check_size(self, limit: int) -> None:
        """Refuse a sheet whose declared used range is too wide or too tall, without reading its
        rows (those that lie about it are refused row by row)."""
        dimension = self._dimension()
        if dimension:
            columns, rows = dimension
            if columns > MAX_COLUMNS:
                raise _too_wide(columns)
            _check_row(rows, limit)

    def rows(self, limit: int):
        """(line number, cells) of the first sheet, streamed; the rows the sheet does not store
        (blank) are not made up, and a row past the limit is refused as soon as it starts."""
        try:
            yield from self._rows(limit)
        except (etree.LxmlError, zipfile.BadZipFile, OSError, ValueError, IndexError) as error:
            raise self.unreadable from error

    def _rows(self, limit: int):
        row_number = 0
        cells: dict[int, Cell] = {}
        column = 0
        with self._open_part(self.sheet.filename) as stream:
            events = etree.iterparse(stream, events=("start", "end"), **_SAFE)
            for event, element in events:
                name = _name(element)
                if event == "start":
                    if name == "row":
                        row_number = int(element.get("r") or row_number + 1)
                        column = 0
                    continue
                if name == "c":
                    ref = element.get("r")
                    if ref:
                        found = CELL_REF.match(ref)
                        if not found:
                            raise ValueError(ref)
                        column, row_number = _column_number(found[1]), int(found[2])
                    else:
                        column += 1
                    if column > MAX_COLUMNS:
                        raise _too_wide(column)
                    _check_row(row_number, limit)
                    value = self._value(element)
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise _cell_too_long(column, row_number)
                    if value is not None:
                        cells[column] = value
                    element.clear()
                elif name == "row":
                    if cells:
                        width = max(cells)
                        yield row_number, [cells.get(index) for index in range(1, width + 1)]
                        cells = {}
                    element.clear()
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]

    def _value(self, cell) -> Cell:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = next((child for child in cell if _name(child) == "is"), None)
            return None if inline is None else _text_of(inline)
        raw = next((child.text for child in cell if _name(child) == "v"), None)
        if raw is None:
            return None
        if kind == "s":
            return self.shared_strings[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return datetime.fromisoformat(raw.strip())
        number = float(raw) if any(mark in raw for mark in ".eE") else int(raw)
        style = int(cell.get("s", "0"))
        if style in self.date_styles:
            return from_excel(number, self.epoch)
        if style in self.timedelta_styles:
            return from_excel(number, self.epoch, timedelta=True)
        return number


def _text_of(element) -> str:
    """The text of a shared or inline string: its runs, without the phonetic guides (rPh)."""
    parts = []
    for child in element:
        name = _name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(item.text or "" for item in child if _name(item) == "t")
    return "".join(parts)


class _SharedStrings:
    """The workbook's shared strings, parsed only as far as a cell asks: the preview's first
    rows need the first few."""

    def __init__(self, book: _Workbook):
        self.book = book
        self.items: list[str] = []
        self.stream = None

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        if self.stream is None:
            if self.book.shared_strings_part is None:
                raise IndexError(index)
            self.stream = self._strings()
        while len(self.items) <= index:
            text = next(self.stream, None)
            if text is None:
                raise IndexError(index)
            self.items.append(text)
        return self.items[index]

    def _strings(self):
        with self.book._open_part(self.book.shared_strings_part.filename) as stream:
            for _event, element in etree.iterparse(stream, events=("end",), **_SAFE):
                if _name(element) != "si":
                    continue
                text = _text_of(element)
                if len(text) > MAX_CELL_CHARS:
                    raise _a_cell_too_long()
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
                yield text


# No entities, no DTD, no network, and lxml's own cap on a text node (10 MB): a part of an
# upload is read as data only.
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _parser():
    return etree.XMLParser(**_SAFE)


# --- CSV -----------------------------------------------------------------------------------------

UTF8, GB18030 = "utf-8", "gb18030"
HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Text Chinese spreadsheets hold besides the ideographs: CJK and full-width punctuation, the
# general punctuation (— “ ” …), ①-style numbers and units, the Latin letters with tones of
# pinyin.
CHINESE_TEXT = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2010-\u206f"
    r"\u2100-\u24ff\u00a0-\u02ff\u25a0-\u25ff]"
)
SPACED_HANZI = re.compile(r"[\uac00-\ud7af\u3400-\u9fff] (?=[\u3400-\u9fff])")


def _not_our_encoding() -> ImportFileError:
    return ImportFileError(
        _("This CSV file is not UTF-8 or GB18030/GBK text (the encodings KAM reads); save it "
          "from Excel as “CSV UTF-8” and retry.")
    )  # fmt: skip


def _encoding(content: bytes) -> str:
    """UTF-8 or GB18030, judged over the whole file a chunk at a time (no copy of it as text);
    anything else — UTF-16, Shift-JIS, Big5, EUC-KR, binary — is refused, never misread."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_our_encoding()  # UTF-16 (and UTF-32) files
    if b"\x00" in content:
        raise ImportFileError(
            _("The file holds NUL bytes, so it is not a text CSV file; save it from Excel as "
              "“CSV UTF-8” and retry.")
        )  # fmt: skip
    if _decodes(content, "utf-8-sig"):
        return "utf-8-sig"
    if content.startswith(codecs.BOM_UTF8) or not _looks_chinese(content):
        raise _not_our_encoding()
    return GB18030


def _chunks(content: bytes, encoding: str):
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(content)
    for start in range(0, len(view), CHUNK):
        yield decoder.decode(view[start : start + CHUNK], final=start + CHUNK >= len(view))


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        for _text in _chunks(content, encoding):
            pass
    except UnicodeDecodeError:
        return False
    return True


def _looks_chinese(content: bytes) -> bool:
    """GB18030 decodes almost any bytes, so decoding is not enough: the text must look like
    Chinese. Shift-JIS read as GBK turns into rare ideographs (few in GB2312, the 6,763 common
    ones); Big5 into kana, Greek and box drawing besides; EUC-KR Korean into common ideographs
    separated by spaces, as Korean words are and Chinese ones are not."""
    other = chinese = common = hanzi = spaced = 0
    try:
        for text in _chunks(content, GB18030):
            outside_ascii = len(text) - len(text.encode("ascii", "ignore"))
            if not outside_ascii:
                continue
            chinese_here = len(text) - len(CHINESE_TEXT.sub("", text))
            other += outside_ascii - chinese_here
            chinese += chinese_here
            hanzi_here = len(text) - len(HANZI.sub("", text))
            hanzi += hanzi_here
            # GB2312 holds the common ideographs (two bytes each) and ASCII (one).
            ascii_here = len(text) - outside_ascii
            in_gb2312 = len(text.encode("gb2312", "ignore")) - ascii_here
            common += min(hanzi_here, in_gb2312 // 2)
            spaced += len(SPACED_HANZI.findall(text))
    except UnicodeDecodeError:
        return False
    if not chinese or other > chinese // 50:
        return False
    if hanzi and common < hanzi * 0.6:
        return False
    return not (hanzi >= 10 and spaced > hanzi * 0.1 and _decodes(content, "euc_kr"))


def _delimiter(first_line: str) -> str:
    """Comma or semicolon, whichever the header line has more of (Excel in many countries
    writes semicolons)."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


class _CsvFile:
    def __init__(self, content: bytes):
        self.content = content
        self.encoding = _encoding(content)

    def _text(self):
        return io.TextIOWrapper(io.BytesIO(self.content), encoding=self.encoding, newline="")

    def _reader(self):
        text = self._text()
        header = next((line for line in text if line.strip()), "")
        text.seek(0)
        return csv.reader(text, delimiter=_delimiter(header))

    def check_size(self, limit: int) -> None:
        """Refuse a file with more rows than the limit. Counting its line ends is enough for
        most (a row has at least one); only a file with more lines than that is parsed, up to
        its first row past the limit, and no row is kept."""
        lines = self.content.count(b"\n") + (not self.content.endswith(b"\n"))
        if lines <= limit + 1:
            return
        try:
            for number, row in enumerate(self._reader(), start=1):
                if any(row):
                    _check_row(number, limit)
        except (csv.Error, UnicodeDecodeError) as error:
            raise _damaged(error) from error

    def rows(self, limit: int):
        reader = self._reader()
        try:
            for number, row in enumerate(reader, start=1):
                if not any(row):
                    continue
                _check_row(number, limit)
                if len(row) > MAX_COLUMNS:
                    raise _too_wide(len(row))
                for column, value in enumerate(row, start=1):
                    if len(value) > MAX_CELL_CHARS:
                        raise _cell_too_long(column, number)
                yield number, row
        except (csv.Error, UnicodeDecodeError) as error:
            raise _damaged(error) from error


def _damaged(error) -> ImportFileError:
    if "field larger than field limit" in str(error):  # csv's own cap, 131,072 characters
        return _a_cell_too_long()
    return ImportFileError(_("The CSV file is damaged: %(problem)s.") % {"problem": str(error)})
