"""The first sheet of an .xlsx upload, read with lxml's iterparse, streamed from the zip, under the
limits of accounts.imports.upload_limits (why not openpyxl: accounts.imports.reading)."""

import io
import posixpath
import re
import zipfile
from datetime import datetime

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from accounts.imports.upload_limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PACKING_RATIO,
    MAX_PARTS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_BYTES,
    MAX_SMALL_PART_BYTES,
    MAX_UNPACKED_BYTES,
    MB,
    RATIO_FLOOR,
    Cell,
    ImportFileError,
    a_cell_too_long,
    cell_too_long,
    check_row,
    too_big,
    too_wide,
)

OFFICE_DOCUMENT = "/officeDocument"
CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def _name(element) -> str:
    return etree.QName(element).localname


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class Workbook:
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
            raise too_big(MAX_UNPACKED_BYTES // MB)
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
                raise too_wide(columns)
            check_row(rows, limit)

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
                        raise too_wide(column)
                    check_row(row_number, limit)
                    value = self._value(element)
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise cell_too_long(column, row_number)
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

    def __init__(self, book: Workbook):
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
                    raise a_cell_too_long()
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
