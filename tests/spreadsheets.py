"""Spreadsheet files made in a test, as Excel and Excel-on-Windows save them."""

import csv
import io

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
