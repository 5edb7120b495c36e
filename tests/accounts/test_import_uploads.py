"""Uploads that cannot hurt (issue 16): a hostile file — a zip bomb, a sparse sheet that claims
a huge range, a sheet too wide or too tall, an over-long cell, a CSV in an encoding KAM does not
read — is refused with its message next to the file field in under a second, and costs the web
process a few MB, measured for real: the check runs in a fresh Python whose peak RSS (VmHWM) is
read before and after. A valid large file is cheap to upload too: the request reads its header
and first rows, and the worker's dry run reads the rest."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from openpyxl import Workbook

from accounts.imports import services
from accounts.imports.reading import read_preview, read_table
from accounts.imports.upload_limits import ImportFileError
from accounts.models import ImportJob, ImportStatus
from tests.spreadsheets import csv_bytes, raw_xlsx_bytes, xlsx_bytes, xml_row, zip_bomb

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
MEASURE = """
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
django.setup()
from accounts.imports.reading import read_preview
from accounts.imports.upload_limits import ImportFileError

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

content = open(sys.argv[1], "rb").read()
before, started = peak_kb(), time.perf_counter()
try:
    read_preview(content, sys.argv[2])
    message = None
except ImportFileError as error:
    message = error.message
print(json.dumps({"message": message, "grew_mb": (peak_kb() - before) / 1024,
                  "seconds": time.perf_counter() - started}))
"""


def measured(path: Path, filename: str) -> dict:
    """The upload's check of the file at `path`, in a fresh process: its message (None when
    accepted), how much its peak RSS grew and how long it took."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), filename],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def sparse_wide_sheet() -> bytes:
    """What openpyxl saves for one cell at ZZ1 and one at row 200,000: 5 KB, and a used range
    of 702 columns by 200,000 rows (openpyxl's read-only mode padded it to 140 million cells)."""
    book = Workbook()
    book.active["A1"] = "Name"
    book.active["ZZ1"] = "Far"
    book.active["A200000"] = "Deep Co."
    return _saved(book)


def _saved(book) -> bytes:
    import io

    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def tall_sheet() -> bytes:
    """1,048,576 rows, Excel's maximum, as its used range says; only the first and last stored."""
    rows = [xml_row(1, {"A": "Name"}), xml_row(2, {"A": "First Co."}),
            xml_row(1_048_576, {"A": "Last Co."})]  # fmt: skip
    return raw_xlsx_bytes(rows, dimension="A1:A1048576")


def wide_sheet() -> bytes:
    return xlsx_bytes([[f"Column {n}" for n in range(250)], ["Wide Co."] * 250])


def long_cell_sheet() -> bytes:
    return raw_xlsx_bytes([xml_row(1, {"A": "Name"}), xml_row(2, {"A": "x" * 40_000})])


SHIFT_JIS = "名前,住所\n株式会社テスト商事,東京都千代田区丸の内一丁目\n".encode("shift_jis")
NUL_BYTES = b"Name,Region\nAcme\x00\x00,East\n"

HOSTILE = [
    ("sparse-wide.xlsx", sparse_wide_sheet, "column ZZ; KAM reads at most 200 columns"),
    ("tall.xlsx", tall_sheet, "more than 200,000 rows (blank rows between them count too)"),
    ("wide.xlsx", wide_sheet, "column IP; KAM reads at most 200 columns"),
    ("long-cell.xlsx", long_cell_sheet, "The cell A2 holds more than 32,767 characters"),
    ("tokyo.csv", lambda: SHIFT_JIS, "not UTF-8 or GB18030/GBK"),
    ("nul.csv", lambda: NUL_BYTES, "NUL bytes"),
]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    zip_bomb(path)
    return path


def upload(client, name, content):
    started = time.perf_counter()
    response = client.post(
        reverse("accounts:import"),
        {"kind": "accounts", "file": SimpleUploadedFile(name, content)},
    )
    return response, time.perf_counter() - started


def assert_refused_at_the_file_field(client, name, content, words):
    client.get(reverse("accounts:import"))  # the page's templates are compiled once, not here
    response, seconds = upload(client, name, content)
    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors["file"])
    assert seconds < 1, f"{name} refused in {seconds:.2f} s"
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_is_refused_from_its_directory_at_once_and_cheaply(client_for, owner, bomb):
    assert bomb.stat().st_size < 5 * MB  # a gigabyte of sheet XML
    words = "This workbook unpacks to more than 400 MB"
    assert_refused_at_the_file_field(client_for(owner), "bomb.xlsx", bomb.read_bytes(), words)

    result = measured(bomb, "bomb.xlsx")
    assert words in result["message"]
    assert result["grew_mb"] < 50 and result["seconds"] < 1, result


@pytest.mark.parametrize(("name", "build", "words"), HOSTILE, ids=[item[0] for item in HOSTILE])
def test_a_hostile_file_is_refused_at_once_and_cheaply(
    client_for, owner, tmp_path, name, build, words
):
    content = build()
    assert_refused_at_the_file_field(client_for(owner), name, content, words)

    path = tmp_path / name
    path.write_bytes(content)
    result = measured(path, name)
    assert words in result["message"], result
    assert result["grew_mb"] < 50 and result["seconds"] < 1, result


def test_a_sheet_that_hides_its_size_is_refused_by_the_worker_as_soon_as_a_row_is_too_far():
    """No used range: the upload reads the header and the first rows and lets it through; the
    full read refuses it at the far row, without making up the rows between."""
    rows = [xml_row(1, {"A": "Name"}), *(xml_row(n, {"A": f"Co {n}"}) for n in range(2, 5)),
            xml_row(1_048_576, {"A": "Last Co."})]  # fmt: skip
    content = raw_xlsx_bytes(rows)
    assert read_preview(content, "hidden.xlsx").rows == [["Co 2"], ["Co 3"], ["Co 4"]]

    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="more than 200,000 rows"):
        read_table(content, "hidden.xlsx")
    assert time.perf_counter() - started < 1


def test_a_sparse_sheet_within_the_limits_is_read_without_padding():
    rows = [xml_row(1, {"A": "Name", "C": "Region"}), xml_row(2, {"A": "First Co."}),
            xml_row(200_001, {"A": "Last Co.", "C": "East"})]  # fmt: skip
    started = time.perf_counter()
    table = read_table(raw_xlsx_bytes(rows), "sparse.xlsx")
    assert time.perf_counter() - started < 1
    assert table.rows == [["First Co.", None, None], ["Last Co.", None, "East"]]
    assert table.line_numbers == [2, 200_001]
    with pytest.raises(ImportFileError, match="more than 200,000 rows"):
        read_table(raw_xlsx_bytes([*rows, xml_row(200_002, {"A": "One too far"})]), "x.xlsx")


def test_an_over_long_cell_deep_in_the_file_fails_the_dry_run_with_its_message():
    content = raw_xlsx_bytes(
        [
            xml_row(1, {"A": "Name"}),
            *(xml_row(n, {"A": f"Co {n}"}) for n in range(2, 10)),
            xml_row(10, {"B": "y" * 32_768}),
        ]
    )
    assert len(read_preview(content, "deep.xlsx").rows) == 3
    with pytest.raises(ImportFileError, match="The cell B10 holds more than 32,767 characters"):
        read_table(content, "deep.xlsx")


# --- Encodings ------------------------------------------------------------------------------------

GBK_ROWS = [
    ["名称", "法定名称", "地址", "外部编号"],
    ["华东钢铁集团", "华东钢铁集团有限公司", "上海市浦东新区世纪大道100号", "C-10023"],
    ["海港城市银行", "海港城市银行股份有限公司", "广东省深圳市南山区科技园南区", "C-10057"],
    ["北京京东世纪贸易", "北京京东世纪贸易有限公司", "北京市大兴区亦庄经济开发区", "C-10101"],
    ["滙豐銀行(中國)", "滙豐銀行(中國)有限公司", "上海市浦東新區世紀大道8號", "C-10102"],
]


@pytest.mark.parametrize("rows", [GBK_ROWS, GBK_ROWS[:2], [["名称"], ["华东钢铁"]]])
def test_gbk_chinese_business_text_is_read(rows):
    table = read_table(csv_bytes(rows, encoding="gbk"), "customers.csv")
    assert [table.headers, *table.rows] == rows


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("名前,住所\n株式会社テスト商事,東京都千代田区\n", "shift_jis"),
        ("名稱,地址\n台灣積體電路製造股份有限公司,新竹科學園區力行六路八號\n", "big5"),
        (
            "이름,주소\n삼성전자 주식회사,경기도 수원시 영통구 삼성로 129\n"
            "현대자동차 주식회사,서울특별시 서초구 헌릉로 12\n",
            "euc_kr",
        ),
        ("Name\nMüller GmbH\n", "utf-16"),
        ("Name\nMüller GmbH\n", "latin-1"),
    ],
)
def test_other_encodings_are_refused_never_read_as_mojibake(text, encoding):
    with pytest.raises(ImportFileError) as raised:
        read_table(text.encode(encoding), "file.csv")
    assert "not UTF-8 or GB18030/GBK" in raised.value.message


def test_utf8_with_and_without_byte_order_mark_is_read():
    rows = [["名称"], ["株式会社テスト商事"]]
    for encoding in ("utf-8", "utf-8-sig"):
        assert read_table(csv_bytes(rows, encoding=encoding), "a.csv").rows == [rows[1]]


# --- A valid large file -------------------------------------------------------------------------


def test_a_large_csv_uploads_quickly_and_the_dry_run_reads_every_row(
    client_for, owner, tmp_path, django_capture_on_commit_callbacks
):
    rows = 199_999
    content = b"Name,Industry,Region\r\n" + b"".join(
        b"Customer %06d,Manufacturing,East\r\n" % n for n in range(rows)
    )
    client = client_for(owner)
    client.get(reverse("accounts:import"))
    response, seconds = upload(client, "big.csv", content)
    assert response.status_code == 302, response.context["form"].errors
    assert seconds < 2, f"the upload request took {seconds:.2f} s"
    job = ImportJob.objects.get(pk=resolve(response.url).kwargs["pk"])
    assert job.preview == [[f"Customer {n:06d}", "Manufacturing", "East"] for n in range(3)]
    assert job.row_count == 0  # not counted yet: the rows were not read

    path = tmp_path / "big.csv"
    path.write_bytes(content)
    result = measured(path, "big.csv")
    assert result["message"] is None
    assert result["grew_mb"] < 50 and result["seconds"] < 1, result

    # The worker's dry run (eager here) reads the whole file.
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_check(user=owner, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.error
    assert job.row_count == rows
    assert job.planned == {"create": rows, "update": 0, "unchanged": 0, "reject": 0}
    assert len(job.report) == rows


def test_a_csv_over_the_row_limit_is_refused_by_the_upload():
    content = b"Name\n" + b"Co\n" * 200_001
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="more than 200,000 rows"):
        read_preview(content, "big.csv")
    assert time.perf_counter() - started < 1
    blank_lines_count_too = b"Name\n" + b"\n" * 200_000 + b"Last Co\n"
    with pytest.raises(ImportFileError, match="more than 200,000 rows"):
        read_preview(blank_lines_count_too, "gaps.csv")
