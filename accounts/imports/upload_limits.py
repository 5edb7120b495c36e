"""What an uploaded spreadsheet may expand to (accounts.imports.reading says how each limit is
counted) and the errors that say, in the uploader's language, which one it broke."""

from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

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

Cell = str | int | float | date | datetime | time | timedelta | None


class ImportFileError(Exception):
    """The file cannot be read as a table; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(limit)s rows (blank rows between them count too); split "
            "it into smaller files."
        )
        % {"limit": f"{limit:,}"}
    )


def too_wide(column: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet uses column %(column)s; KAM reads at most %(max)s columns. Delete the "
            "columns you do not import (or save only the table) and retry."
        )
        % {"column": _letters(column), "max": MAX_COLUMNS}
    )


def cell_too_long(column: int, row: int) -> ImportFileError:
    return ImportFileError(
        _("The cell %(cell)s holds more than %(max)s characters (Excel's own limit); shorten it "
          "and retry.")
        % {"cell": f"{_letters(column)}{row}", "max": f"{MAX_CELL_CHARS:,}"}
    )  # fmt: skip


def a_cell_too_long() -> ImportFileError:
    """Where the cell is is not known (a shared string, a field csv refuses by itself)."""
    return ImportFileError(
        _("A cell holds more than %(max)s characters (Excel's own limit); shorten it and retry.")
        % {"max": f"{MAX_CELL_CHARS:,}"}
    )


def too_big(megabytes: int) -> ImportFileError:
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


def check_row(row: int, limit: int) -> None:
    if row > limit + 1:  # the header's row and `limit` rows below it
        raise too_many_rows(limit)
