"""The account list's exports (accounts, their stakeholders, their transactions) as Excel and
CSV: real files under the list's filters, only of accounts the user may see, private notes never
in them, and text from the data never run as a formula."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import exports
from accounts.models import Category, StakeholderStatus
from tests.access_checks import url_names
from tests.factories import (
    AccountFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db

KINDS = ("accounts", "stakeholders", "transactions")
ROUTES = {f"accounts:export_{kind}" for kind in KINDS}
SECRET = "Secret-orchid-collector"


def url(kind, **params):
    return reverse(f"accounts:export_{kind}") + ("?" + urlencode(params) if params else "")


def xlsx_rows(response) -> tuple[list, list[list]]:
    """(header, data rows) of the workbook's only sheet, as values."""
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.worksheets) == 1
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def xlsx_cells(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [cell for row in book.worksheets[0].iter_rows() for cell in row]


def csv_rows(response) -> tuple[list, list[list]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def rows_of(response, export_format):
    return xlsx_rows(response) if export_format == "xlsx" else csv_rows(response)


def column(header, rows, name):
    index = header.index(name)
    return [row[index] for row in rows]


@pytest.fixture
def two_portfolios(owner, outsider, account):
    """The owner's account (with a stakeholder and an order) and another manager's account."""
    StakeholderFactory(account=account, name="Ma Rui")
    TransactionFactory(account=account, reference="MINE-1")
    theirs = AccountFactory(name="Outsider Holdings", owner=outsider)
    StakeholderFactory(account=theirs, name="Their Person")
    TransactionFactory(account=theirs, reference="THEIRS-1")
    return account, theirs


# --- Real files ----------------------------------------------------------------------------------


def test_the_accounts_workbook_holds_real_numbers_dates_and_labels(client_for, owner, account):
    account.legal_name = "Sinopec Digital Technology Co., Ltd."
    account.external_id = "ERP-001"
    account.category = Category.KEY
    account.employees = 1200
    account.annual_revenue = Decimal("123456789.50")
    account.is_listed = True
    account.website = "https://example.com"
    account.save()
    TransactionFactory(account=account, amount=Decimal("1000.00"), gross_margin=Decimal(0))
    TransactionFactory(account=account, amount=Decimal("250.50"), gross_margin=Decimal(0))
    TransactionFactory(
        account=account,
        amount=Decimal("999.00"),
        gross_margin=Decimal(0),
        date=date.today().replace(year=date.today().year - 2),
    )

    response = client_for(owner).get(url("accounts", format="xlsx"))

    assert response["Content-Disposition"].startswith("attachment")
    assert (
        f'filename="kam-accounts-{date.today().isoformat()}.xlsx"'
        in (response["Content-Disposition"])
    )
    header, rows = xlsx_rows(response)
    assert header[:4] == ["Name", "Legal name", "External ID", "Category"]
    assert "Revenue, last 12 months" in header
    (row,) = rows
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "Sinopec Digital"
    assert record["Category"] == "Key account"
    assert record["Industry"] == "Manufacturing"
    assert record["Region"] == "East China"
    assert record["Account manager"] == "Wei Zhang"
    assert record["Employees"] == 1200
    assert record["Annual revenue"] == pytest.approx(123456789.5)
    assert record["Listed company"] == "Yes"
    # Only the last 12 months count: the order two years ago does not.
    assert record["Revenue, last 12 months"] == pytest.approx(1250.5)
    assert isinstance(record["Created"], datetime)


def test_the_workbook_has_a_bold_frozen_header_and_number_formats(client_for, owner, account):
    TransactionFactory(account=account, amount=Decimal("1234.50"), gross_margin=Decimal(0))
    response = client_for(owner).get(url("transactions", format="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1] if cell.value)
    header = [cell.value for cell in sheet[1]]
    amount = sheet.cell(row=2, column=header.index("Amount") + 1)
    assert amount.value == pytest.approx(1234.5)
    assert amount.number_format == "#,##0.00"
    order_date = sheet.cell(row=2, column=header.index("Order date") + 1)
    assert isinstance(order_date.value, datetime)  # a real date, shown as yyyy-mm-dd
    assert order_date.number_format == "yyyy-mm-dd"


def test_the_csv_keeps_chinese_text_behind_a_byte_order_mark(client_for, owner):
    AccountFactory(name="中国石化数字科技", legal_name="中国石化数字科技有限公司", owner=owner)
    response = client_for(owner).get(url("accounts", format="csv"))
    assert (
        f'filename="kam-accounts-{date.today().isoformat()}.csv"'
        in (response["Content-Disposition"])
    )
    header, rows = csv_rows(response)
    assert header[0] == "Name"
    assert column(header, rows, "Name") == ["中国石化数字科技"]
    assert column(header, rows, "Legal name") == ["中国石化数字科技有限公司"]
    assert column(header, rows, "Listed company") == ["No"]


def test_the_stakeholders_export_names_their_manager_and_labels(client_for, owner, account):
    boss = StakeholderFactory(account=account, name="Boss Person", influence=5)
    StakeholderFactory(
        account=account,
        name="Ma Rui",
        reports_to=boss,
        email="ma.rui@example.com",
        phone="138 0000 0000",
        status=StakeholderStatus.ACTIVE,
    )
    for export_format in ("xlsx", "csv"):
        header, rows = rows_of(
            client_for(owner).get(url("stakeholders", format=export_format)), export_format
        )
        records = {row[header.index("Name")]: dict(zip(header, row, strict=True)) for row in rows}
        assert set(records) == {"Boss Person", "Ma Rui"}
        ma = records["Ma Rui"]
        assert ma["Account"] == "Sinopec Digital"
        assert ma["Reports to"] == "Boss Person"
        assert ma["Buying role"] == "Influencer"
        assert ma["Attitude"] == "Neutral"
        assert ma["Status"] == "Active"
        assert ma["Email"] == "ma.rui@example.com"
        assert str(ma["Influence"]) == "3"


def test_the_transactions_export_lists_every_order_of_the_accounts(client_for, owner, account):
    TransactionFactory(
        account=account,
        reference="SO-1",
        amount=Decimal("500.00"),
        gross_margin=Decimal("100.00"),
        returned_amount=Decimal("20.00"),
        date=date(2026, 3, 1),
        paid_on=date(2026, 4, 1),
    )
    header, rows = csv_rows(client_for(owner).get(url("transactions", format="csv")))
    (row,) = rows
    record = dict(zip(header, row, strict=True))
    assert record == {
        "Account": "Sinopec Digital",
        "Account external ID": "",
        "Order date": "2026-03-01",
        "Order / invoice no.": "SO-1",
        "Amount": "500.00",
        "Gross margin": "100.00",
        "Returned amount": "20.00",
        "Payment due": "2026-04-30",
        "Paid on": "2026-04-01",
    }


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_headers_and_labels_come_in_the_users_language(client_for, owner, account, export_format):
    account.category = Category.KEY
    account.save()
    StakeholderFactory(account=account, name="Ma Rui")
    client = client_for(owner)

    response = client.get(url("accounts", format=export_format), HTTP_ACCEPT_LANGUAGE="zh-hans")
    header, rows = rows_of(response, export_format)
    record = dict(zip(header, rows[0], strict=True))
    assert record["大客户经理"] == "Wei Zhang"  # "Account manager"
    assert "大客户" in rows[0] and "华东" in rows[0]  # "Key account", "East China"
    # The file name stays ASCII whatever the language.
    assert response["Content-Disposition"].isascii()

    response = client.get(url("stakeholders", format=export_format), HTTP_ACCEPT_LANGUAGE="zh-hans")
    _, rows = rows_of(response, export_format)
    assert "影响者" in rows[0]  # "Influencer"


# --- The list's filters --------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_lists_filters_apply_to_every_export(client_for, owner, export_format):
    key = AccountFactory(name="Key Co", owner=owner, category=Category.KEY)
    normal = AccountFactory(name="Normal Co", owner=owner, category=Category.NORMAL)
    for account in (key, normal):
        StakeholderFactory(account=account, name=f"Person of {account.name}")
        TransactionFactory(account=account, reference=f"SO-{account.name}")
    client = client_for(owner)

    header, rows = rows_of(
        client.get(url("accounts", category="key", format=export_format)), export_format
    )
    assert column(header, rows, "Name") == ["Key Co"]
    header, rows = rows_of(
        client.get(url("stakeholders", category="key", format=export_format)), export_format
    )
    assert column(header, rows, "Name") == ["Person of Key Co"]
    header, rows = rows_of(
        client.get(url("transactions", category="key", format=export_format)), export_format
    )
    assert column(header, rows, "Order / invoice no.") == ["SO-Key Co"]
    header, rows = rows_of(
        client.get(url("accounts", q="Normal", format=export_format)), export_format
    )
    assert column(header, rows, "Name") == ["Normal Co"]


def test_the_accounts_export_follows_the_lists_sort(client_for, owner):
    AccountFactory(name="Alpha", owner=owner)
    AccountFactory(name="Beta", owner=owner)
    header, rows = csv_rows(client_for(owner).get(url("accounts", sort="-name", format="csv")))
    assert column(header, rows, "Name") == ["Beta", "Alpha"]


# --- Access --------------------------------------------------------------------------------------


def test_every_export_route_is_covered_here():
    routes = {n for n in url_names("accounts") if n.startswith("accounts:export")}
    # Background exports' own pages: tests/accounts/test_export_jobs_access.py.
    assert {n for n in routes if not n.startswith("accounts:export_job")} == ROUTES


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_manager_exports_only_accounts_they_may_see(
    client_for, owner, outsider, two_portfolios, kind, export_format
):
    client = client_for(owner)
    _, rows = rows_of(client.get(url(kind, format=export_format)), export_format)
    text = repr(rows)
    assert "Sinopec Digital" in text
    assert "Outsider Holdings" not in text and "Their Person" not in text
    assert "THEIRS-1" not in text
    # Asking for the other manager's accounts by the list's owner filter gives nothing of theirs.
    _, rows = rows_of(client.get(url(kind, owner=outsider.pk, format=export_format)), export_format)
    assert rows == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_teammate_exports_the_accounts_of_their_team(client_for, teammate, two_portfolios, kind):
    _, rows = csv_rows(client_for(teammate).get(url(kind, format="csv")))
    text = repr(rows)
    assert "Sinopec Digital" in text and "Outsider Holdings" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_a_director_exports_every_account(client_for, director, outsider, two_portfolios, kind):
    client = client_for(director)
    _, rows = xlsx_rows(client.get(url(kind, format="xlsx")))
    text = repr(rows)
    assert "Sinopec Digital" in text and "Outsider Holdings" in text
    _, rows = xlsx_rows(client.get(url(kind, owner=outsider.pk, format="xlsx")))
    text = repr(rows)
    assert "Outsider Holdings" in text and "Sinopec Digital" not in text


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_private_notes_never_leave_in_a_stakeholder_export(
    client_for, owner, director, account, export_format
):
    person = StakeholderFactory(account=account, name="Ma Rui")
    PrivateNoteFactory(
        stakeholder=person,
        hometown=SECRET,
        interests=SECRET,
        family=SECRET,
        notes=SECRET,
        birthday=date(1980, 2, 29),
    )
    for user in (owner, director):
        response = client_for(user).get(url("stakeholders", format=export_format))
        header, rows = rows_of(response, export_format)
        assert column(header, rows, "Name") == ["Ma Rui"]
        text = repr(header) + repr(rows)
        assert SECRET not in text
        assert "1980" not in text
        assert not {"Hometown", "Interests", "Family", "Private notes", "Birthday"} & set(header)


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, kind):
    response = client.get(url(kind, format="csv"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_exports_answer_only_get(client_for, owner, account, kind):
    client = client_for(owner)
    assert client.post(url(kind, format="csv")).status_code == 405
    assert client.put(url(kind, format="csv")).status_code == 405


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_format_is_a_bad_request_not_an_error(client_for, owner, account, kind):
    response = client_for(owner).get(url(kind, format="pdf"))
    assert response.status_code == 400


def test_without_a_format_the_export_is_a_workbook(client_for, owner, account):
    header, rows = xlsx_rows(client_for(owner).get(url("accounts")))
    assert column(header, rows, "Name") == ["Sinopec Digital"]


def test_nonsense_filters_are_ignored_not_an_error(client_for, owner, account):
    response = client_for(owner).get(url("accounts", tier="abc", owner="x", format="csv"))
    header, rows = csv_rows(response)
    assert column(header, rows, "Name") == ["Sinopec Digital"]


# --- Formula injection ---------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def injected(owner):
    account = AccountFactory(name=HYPERLINK, legal_name="+1+1", external_id="-2", owner=owner)
    StakeholderFactory(account=account, name="At Person", title="@SUM(A1)")
    StakeholderFactory(account=account, name="Minus Person", title="-1+2", department="\tcmd")
    TransactionFactory(account=account, reference="=1+1")
    return account


@pytest.mark.parametrize("kind", KINDS)
def test_a_formula_in_the_data_comes_back_as_text_from_the_workbook(
    client_for, owner, injected, kind
):
    cells = xlsx_cells(client_for(owner).get(url(kind, format="xlsx")))
    assert all(cell.data_type != "f" for cell in cells)
    # Typed as text, a workbook cell is never run, so it needs no guarding quote (issue 17).
    texts = {cell.value: cell.data_type for cell in cells if isinstance(cell.value, str)}
    assert texts[HYPERLINK] == "s"
    assert not any(text.startswith("'") for text in texts)
    if kind == "stakeholders":
        assert {texts["@SUM(A1)"], texts["-1+2"], texts["\tcmd"]} == {"s"}
    if kind == "transactions":
        assert texts["=1+1"] == "s"


def test_a_phone_number_reads_as_written_in_the_workbook_and_guarded_in_the_csv(
    client_for, owner, account
):
    StakeholderFactory(account=account, name="Liu Yang", phone="+86 21 5555 0101")
    client = client_for(owner)
    header, rows = xlsx_rows(client.get(url("stakeholders", format="xlsx")))
    assert column(header, rows, "Phone") == ["+86 21 5555 0101"]
    header, rows = csv_rows(client.get(url("stakeholders", format="csv")))
    assert column(header, rows, "Phone") == ["'+86 21 5555 0101"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_formula_in_the_data_comes_back_as_text_from_the_csv(client_for, owner, injected, kind):
    header, rows = csv_rows(client_for(owner).get(url(kind, format="csv")))
    fields = [field for row in rows for field in row]
    assert "'" + HYPERLINK in fields
    assert not any(field.startswith(exports.FORMULA_STARTS) for field in fields)
    if kind == "accounts":
        assert {"'+1+1", "'-2"} <= set(fields)
    if kind == "stakeholders":
        assert column(header, rows, "Title") == ["'@SUM(A1)", "'-1+2"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 21 5555", "'+86 21 5555"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Sinopec Digital", "Sinopec Digital"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_safe_text_neutralises_only_a_leading_formula_character(value, expected):
    assert exports.safe_text(value) == expected


def test_the_dashboard_writes_text_cells_the_same_way():
    from scoring.dashboard import sheet_writer

    assert sheet_writer.text_cell is exports.text_cell


def test_negative_numbers_stay_numbers(client_for, owner, account):
    """Only text is neutralised: a real number is written as a number in both formats."""
    account.annual_revenue = Decimal("-5.00")
    account.save()
    header, rows = xlsx_rows(client_for(owner).get(url("accounts", format="xlsx")))
    assert column(header, rows, "Annual revenue") == [pytest.approx(-5)]
    header, rows = csv_rows(client_for(owner).get(url("accounts", format="csv")))
    assert column(header, rows, "Annual revenue") == ["-5.00"]


# --- Limits and cost -----------------------------------------------------------------------------


def test_more_rows_than_a_worksheet_holds_asks_for_csv(client_for, owner, account, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    for _ in range(3):
        TransactionFactory(account=account)
    client = client_for(owner)

    response = client.get(url("transactions", category="normal", page="2", format="xlsx"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:list") + "?category=normal"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "CSV" in message
    _, rows = csv_rows(client.get(url("transactions", format="csv")))
    assert len(rows) == 3
    _, rows = xlsx_rows(client.get(url("accounts", format="xlsx")))
    assert len(rows) == 1


def _portfolio(owner, size):
    for number in range(size):
        account = AccountFactory(name=f"Account {number:03d}", owner=owner)
        boss = StakeholderFactory(account=account)
        StakeholderFactory(account=account, reports_to=boss)
        TransactionFactory(account=account)
        TransactionFactory(account=account)


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_an_export_costs_the_same_queries_for_3_or_40_accounts(
    client_for, owner, django_assert_max_num_queries, kind, export_format
):
    client = client_for(owner)
    counts = []
    for size in (3, 37):  # 3, then 40 in all
        _portfolio(owner, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(kind, format=export_format))
            _, rows = rows_of(response, export_format)
        counts.append(len(captured))
    assert len(rows) == {"accounts": 40, "stakeholders": 80, "transactions": 80}[kind]
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        rows_of(client.get(url(kind, format=export_format)), export_format)


# --- The list page -------------------------------------------------------------------------------


def test_the_list_offers_every_export_with_its_filters(client_for, owner, account):
    response = client_for(owner).get(reverse("accounts:list"), {"category": "normal", "page": 1})
    html = response.content.decode()
    assert 'data-testid="export-menu"' in html
    for kind in KINDS:
        for export_format in ("xlsx", "csv"):
            match = re.search(rf'data-testid="export-{kind}-{export_format}" href="([^"]+)"', html)
            assert match, (kind, export_format)
            href = match.group(1).replace("&amp;", "&")
            assert href.startswith(reverse(f"accounts:export_{kind}") + "?")
            assert "category=normal" in href and f"format={export_format}" in href
            assert "page=" not in href


def test_the_export_menu_follows_the_filters_when_htmx_redraws_the_list(client_for, owner, account):
    response = client_for(owner).get(
        reverse("accounts:list"),
        {"region": "east"},
        headers={"HX-Request": "true", "HX-Target": "account-results"},
    )
    html = response.content.decode()
    assert "<form" not in html  # the fragment only
    assert 'data-testid="export-menu"' in html
    assert "region=east" in html
