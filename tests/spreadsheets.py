"""Spreadsheet files made in a test, as Excel and Excel-on-Windows save them."""

import csv
import io
import zipfile

from openpyxl import Workbook


def xlsx_bytes(rows) -> bytes:
    """A workbook whose first sheet holds `rows` (the first is the header)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    """CSV text of `rows` in `encoding` ("gbk" is what Excel on a Chinese Windows writes)."""
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode(encoding)


# --- Hostile workbooks, written part by part -----------------------------------------------------

SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SHEET_MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_row(number: int, cells: dict[str, str]) -> bytes:
    """<row> of inline-string cells, {"A": "Name", "ZZ": "far"} (refs as given)."""
    inner = "".join(
        f'<c r="{column}{number}" t="inlineStr"><is><t>{xml_text(value)}</t></is></c>'
        for column, value in cells.items()
    )
    return f'<row r="{number}">{inner}</row>'.encode()


def raw_xlsx(target, rows, *, dimension: str | None = None) -> None:
    """Write to `target` (a path or a binary file) a workbook whose sheet is `rows` — an
    iterable of <row> XML as bytes, written as it comes (a gigabyte never sits in memory) —
    under an optional <dimension ref=…>, which Excel writes and a hostile file may leave out."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in _PACKAGE_PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_MAIN}">'.encode()
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")


def raw_xlsx_bytes(rows, *, dimension: str | None = None) -> bytes:
    output = io.BytesIO()
    raw_xlsx(output, rows, dimension=dimension)
    return output.getvalue()


def zip_bomb(target, unpacked_bytes: int = 1024**3) -> None:
    """A workbook of one header row and then the same row over and over, `unpacked_bytes` of
    sheet XML (a gigabyte by default) packed to about a thousandth of that."""
    block = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Bomb Co.</t></is></c></row>' * 16_384

    def rows():
        yield xml_row(1, {"A": "Name"})
        for _ in range(unpacked_bytes // len(block)):
            yield block

    raw_xlsx(target, rows())
