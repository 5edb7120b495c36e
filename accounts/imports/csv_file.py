"""A .csv upload: its encoding judged (UTF-8, else GB18030/GBK if it reads as Chinese, else
refused), its delimiter guessed, its rows read under accounts.imports.upload_limits."""

import codecs
import csv
import io
import re

from django.utils.translation import gettext as _

from accounts.imports.upload_limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MB,
    ImportFileError,
    a_cell_too_long,
    cell_too_long,
    check_row,
    too_wide,
)

CHUNK = MB  # bytes decoded at a time when checking a CSV's encoding
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


class CsvFile:
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
                    check_row(number, limit)
        except (csv.Error, UnicodeDecodeError) as error:
            raise _damaged(error) from error

    def rows(self, limit: int):
        reader = self._reader()
        try:
            for number, row in enumerate(reader, start=1):
                if not any(row):
                    continue
                check_row(number, limit)
                if len(row) > MAX_COLUMNS:
                    raise too_wide(len(row))
                for column, value in enumerate(row, start=1):
                    if len(value) > MAX_CELL_CHARS:
                        raise cell_too_long(column, number)
                yield number, row
        except (csv.Error, UnicodeDecodeError) as error:
            raise _damaged(error) from error


def _damaged(error) -> ImportFileError:
    if "field larger than field limit" in str(error):  # csv's own cap, 131,072 characters
        return a_cell_too_long()
    return ImportFileError(_("The CSV file is damaged: %(problem)s.") % {"problem": str(error)})
