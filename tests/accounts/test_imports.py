"""The import wizard as a user goes through it (issue 8): upload a file, correct the mapping,
read the dry run's report, confirm, and find the records, their history and the job's record.
Every file is made in the test (openpyxl workbooks, CSV text encoded as Excel saves it)."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.imports import services, worker
from accounts.imports.fields import FIELDS
from accounts.models import (
    Account,
    ImportedAccount,
    ImportJob,
    ImportStatus,
    Industry,
    Region,
    Stakeholder,
    Transaction,
)
from scoring.dashboard.cache import current_version
from tests.factories import AccountFactory, StakeholderFactory, TransactionFactory
from tests.spreadsheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ACCOUNT_HEADERS = ["Name", "External ID", "Industry", "Region", "Employees"]


# --- Helpers -------------------------------------------------------------------------------------


def upload(client, kind, name, content):
    return client.post(
        reverse("accounts:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def job_from(response) -> ImportJob:
    assert response.status_code == 302, response.context["form"].errors
    return ImportJob.objects.get(pk=resolve(response.url).kwargs["pk"])


def post_mapping(client, job, capture, mapping=None):
    """POST the mapping (the guessed one unless given: column index → field key)."""
    mapping = job.mapping if mapping is None else mapping
    data = {f"column_{i}": mapping.get(str(i), "") for i in range(len(job.headers))}
    with capture(execute=True):
        return client.post(reverse("accounts:import_mapping", args=[job.pk]), data)


def confirm(client, job, capture, only_valid_rows=False):
    data = {"only_valid_rows": "on"} if only_valid_rows else {}
    with capture(execute=True):
        return client.post(reverse("accounts:import_confirm", args=[job.pk]), data)


def checked_job(client, kind, name, content, capture) -> ImportJob:
    """Upload and check with the guessed mapping: the job after its dry run."""
    job = job_from(upload(client, kind, name, content))
    response = post_mapping(client, job, capture)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.error
    return job


def imported_job(client, kind, name, content, capture) -> ImportJob:
    job = checked_job(client, kind, name, content, capture)
    confirm(client, job, capture)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error
    return job


def detail(client, job, show=""):
    url = reverse("accounts:import_detail", args=[job.pk])
    return client.get(url, {"show": show} if show else {})


def report_lines(html: str) -> dict[int, str]:
    """Line number → the report row's HTML, from the detail page."""
    rows = re.findall(r'<tr data-line="(\d+)" data-action="(\w+)">(.*?)</tr>', html, re.S)
    return {int(line): f"{action} {body}" for line, action, body in rows}


def snapshot():
    return (
        list(Account.objects.order_by("pk").values()),
        list(Transaction.objects.order_by("pk").values()),
        list(Stakeholder.objects.order_by("pk").values()),
    )


def sheet_rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def downloaded(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def three_accounts():
    return xlsx_bytes(
        [
            ACCOUNT_HEADERS,
            ["Eastern Steel", "C-1", "Manufacturing", "East China", 1200],
            ["Harbour Bank", "C-2", "Finance", "South China", 300],
            ["Mountain Power", "C-3", "Energy", "Southwest China", None],
        ]
    )


# --- 1. A clean import ---------------------------------------------------------------------------


def test_a_manager_imports_a_clean_workbook_and_owns_the_new_accounts(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = job_from(upload(client, "accounts", "customers.xlsx", three_accounts()))
    assert job.status == ImportStatus.UPLOADED

    mapping_page = client.get(reverse("accounts:import_mapping", args=[job.pk]))
    assert mapping_page.status_code == 200
    form = mapping_page.context["form"]
    guessed = {name: form[name].value() for name in form.fields}
    assert guessed == {
        "column_0": "name",
        "column_1": "external_id",
        "column_2": "industry",
        "column_3": "region",
        "column_4": "employees",
    }
    html = mapping_page.content.decode()
    assert '<option value="external_id" selected>' in html

    response = post_mapping(client, job, django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.planned == {"create": 3, "update": 0, "unchanged": 0, "reject": 0}
    assert not Account.objects.exists()  # the dry run writes nothing
    page = detail(client, job).content.decode()
    assert "Import: create 3, update 0" in page
    assert len(report_lines(page)) == 3

    response = confirm(client, job, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.written == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert (job.user, job.file_name, job.kind, job.row_count) == (
        owner,
        "customers.xlsx",
        "accounts",
        3,
    )
    assert job.finished_at is not None

    steel = Account.objects.get(external_id="C-1")
    assert (steel.name, steel.industry, steel.region, steel.employees) == (
        "Eastern Steel",
        Industry.MANUFACTURING,
        Region.EAST,
        1200,
    )
    assert set(Account.objects.values_list("owner", flat=True)) == {owner.pk}
    assert ImportedAccount.objects.filter(job=job).count() == 3
    assert ImportedAccount.objects.get(job=job, account=steel).created == 1
    assert "3 created, 0 updated, 0 unchanged" in detail(client, job).content.decode()

    history = client.get(reverse("accounts:history", args=[steel.pk])).content.decode()
    entries = re.findall(r'<li class="kam-timeline-item.*?</li>', history, re.S)
    by = f"· {owner}</div>"  # the entry's "who"
    imported = [entry for entry in entries if "<strong>customers.xlsx</strong> imported" in entry]
    assert len(imported) == 1
    assert "Account created" in imported[0] and by in imported[0]
    created = [entry for entry in entries if "<strong>Eastern Steel</strong> created" in entry]
    assert len(created) == 1 and by in created[0]
    assert steel.history.get().history_user == owner
    assert "customers.xlsx" in steel.history.get().history_change_reason


# --- 2. Chinese CSV ------------------------------------------------------------------------------


def test_a_gbk_csv_with_chinese_headers_imports_the_accounts(
    client_for, owner, django_capture_on_commit_callbacks
):
    content = csv_bytes(
        [
            ["客户名称", "所属行业", "区域", "客户编号", "员工人数"],
            ["华东钢铁集团", "制造业", "华东", "C-88", "12000"],
            ["海港城市银行", "金融", "华南", "C-89", ""],
        ],
        encoding="gbk",
    )
    job = imported_job(
        client_for(owner), "accounts", "客户.csv", content, django_capture_on_commit_callbacks
    )

    assert job.mapping == {
        "0": "name",
        "1": "industry",
        "2": "region",
        "3": "external_id",
        "4": "employees",
    }
    steel = Account.objects.get(external_id="C-88")
    assert (steel.name, steel.industry, steel.region, steel.employees) == (
        "华东钢铁集团",
        Industry.MANUFACTURING,
        Region.EAST,
        12000,
    )
    bank = Account.objects.get(external_id="C-89")
    assert (bank.industry, bank.region) == (Industry.FINANCE, Region.SOUTH)


# --- 3 and 4. Bad rows ---------------------------------------------------------------------------


def bad_accounts_file() -> bytes:
    return xlsx_bytes(
        [
            ACCOUNT_HEADERS,
            ["Good Co", "G-1", "Manufacturing", "East China", 10],  # line 2
            [None, "G-2", "Manufacturing", "East China", 10],  # 3: no name
            ["Odd Co", "G-3", "Spaceships", "East China", 10],  # 4: unknown industry
            ["Copy Co", "G-1", "Finance", "North China", 10],  # 5: G-1 again
            ["Fine Co", "G-5", "Retail", "North China", 10],  # 6
        ]
    )


def bad_transactions_file() -> bytes:
    today = timezone.localdate()
    return xlsx_bytes(
        [
            ["Customer", "Order date", "Order no", "Amount", "Gross margin"],
            ["Sinopec Digital", today - timedelta(days=10), "SO-1", 1000, 200],  # line 2
            ["Sinopec Digital", today - timedelta(days=9), "SO-2", -5, 1],  # 3: negative
            ["Sinopec Digital", today + timedelta(days=30), "SO-3", 900, 100],  # 4: future
        ]
    )


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_row(
    client_for, owner, account, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    before = snapshot()
    accounts_job = checked_job(
        client, "accounts", "bad.xlsx", bad_accounts_file(), django_capture_on_commit_callbacks
    )
    assert accounts_job.planned == {"create": 2, "update": 0, "unchanged": 0, "reject": 3}
    lines = report_lines(detail(client, accounts_job, show="reject").content.decode())
    assert sorted(lines) == [3, 4, 5]
    assert "<strong>Name</strong>: Name is required." in lines[3]
    assert "<strong>Industry</strong>" in lines[4] and "Unknown industry" in lines[4]
    assert "Spaceships" in lines[4]
    assert "<strong>External ID</strong>" in lines[5] and "Line 2 already has" in lines[5]

    transactions_job = checked_job(
        client,
        "transactions",
        "orders.xlsx",
        bad_transactions_file(),
        django_capture_on_commit_callbacks,
    )
    assert transactions_job.planned["reject"] == 2
    lines = report_lines(detail(client, transactions_job, show="reject").content.decode())
    assert sorted(lines) == [3, 4]
    assert "<strong>Amount</strong>" in lines[3] and "is negative" in lines[3]
    assert "<strong>Order date</strong>" in lines[4] and "is in the future" in lines[4]

    for job in (accounts_job, transactions_job):
        response = confirm(client, job, django_capture_on_commit_callbacks)
        job.refresh_from_db()
        assert job.status == ImportStatus.CHECKED
        assert job.written == {}
        shown = [str(message) for message in get_messages(response.wsgi_request)]
        assert any("Some rows have problems" in message for message in shown)
    assert snapshot() == before
    assert not ImportedAccount.objects.exists()


def test_the_report_download_names_the_problems_of_exactly_the_bad_lines(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = checked_job(
        client, "accounts", "bad.xlsx", bad_accounts_file(), django_capture_on_commit_callbacks
    )
    response = client.get(reverse("accounts:import_report", args=[job.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    rows = sheet_rows(downloaded(response))
    assert rows[0][:3] == ["Line", "Result", "Problems"]
    assert rows[0][3:] == ACCOUNT_HEADERS
    with_problems = {row[0] for row in rows[1:] if row[2]}
    assert with_problems == {3, 4, 5}
    by_line = {row[0]: row for row in rows[1:]}
    assert "Unknown industry" in by_line[4][2]
    assert by_line[4][3:5] == ["Odd Co", "G-3"]  # the file's own cells follow
    assert by_line[2][1] == "Create"


def test_only_the_valid_rows_are_imported_when_the_user_chooses_so(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = checked_job(
        client, "accounts", "bad.xlsx", bad_accounts_file(), django_capture_on_commit_callbacks
    )
    confirm(client, job, django_capture_on_commit_callbacks, only_valid_rows=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.only_valid_rows is True
    assert job.written == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 3}
    assert job.written["skipped"] == job.planned["reject"]
    assert sorted(Account.objects.values_list("name", flat=True)) == ["Fine Co", "Good Co"]
    assert "3 rejected rows left out" in detail(client, job).content.decode()


# --- 5. Importing again --------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    imported_job(
        client, "accounts", "customers.xlsx", three_accounts(), django_capture_on_commit_callbacks
    )
    before = snapshot()
    history_rows = Account.history.count()
    version = current_version()

    again = checked_job(
        client, "accounts", "customers.xlsx", three_accounts(), django_capture_on_commit_callbacks
    )
    assert again.planned == {"create": 0, "update": 0, "unchanged": 3, "reject": 0}
    page = detail(client, again).content.decode()
    assert "There is nothing to import" in page

    response = confirm(client, again, django_capture_on_commit_callbacks)
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("There is nothing to import" in message for message in shown)
    again.refresh_from_db()
    assert again.status == ImportStatus.CHECKED
    assert snapshot() == before
    assert Account.history.count() == history_rows
    assert not ImportedAccount.objects.filter(job=again).exists()
    assert current_version() == version


# --- 6. Transactions -----------------------------------------------------------------------------


def test_transactions_are_added_to_the_right_accounts_and_updated_by_order_number(
    client_for, owner, django_capture_on_commit_callbacks
):
    alpha = AccountFactory(name="Alpha Motors", external_id="A-1", owner=owner)
    beta = AccountFactory(name="Beta Foods", owner=owner)
    other = AccountFactory(name="Gamma Chips", external_id="A-3", owner=owner)
    TransactionFactory(account=other, reference="SO-OLD")
    day = timezone.localdate() - timedelta(days=20)
    headers = [
        "Customer ID",
        "Customer",
        "Order date",
        "Order no",
        "Amount",
        "Gross margin",
        "Returned amount",
        "Payment due",
        "Paid on",
    ]

    def orders(alpha_amount):
        return xlsx_bytes(
            [
                headers,
                [
                    "A-1",
                    None,
                    day,
                    "SO-100",
                    alpha_amount,
                    300,
                    0,
                    day + timedelta(days=60),
                    day + timedelta(days=5),
                ],
                [None, "Beta Foods", day, "SO-200", "2,500.50", "500.25", None, None, None],
            ]
        )

    client = client_for(owner)
    job = imported_job(
        client, "transactions", "orders.xlsx", orders(1000), django_capture_on_commit_callbacks
    )
    assert job.written["created"] == 2
    first = Transaction.objects.get(reference="SO-100")
    assert first.account == alpha
    assert (first.amount, first.gross_margin, first.returned_amount) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("0.00"),
    )
    assert (first.date, first.invoice_due, first.paid_on) == (
        day,
        day + timedelta(days=60),
        day + timedelta(days=5),
    )
    second = Transaction.objects.get(reference="SO-200")
    assert second.account == beta
    assert (second.amount, second.gross_margin) == (Decimal("2500.50"), Decimal("500.25"))
    assert set(ImportedAccount.objects.filter(job=job).values_list("account", flat=True)) == {
        alpha.pk,
        beta.pk,
    }

    again = checked_job(
        client, "transactions", "orders.xlsx", orders(1000), django_capture_on_commit_callbacks
    )
    assert again.planned == {"create": 0, "update": 0, "unchanged": 2, "reject": 0}

    changed = checked_job(
        client, "transactions", "orders-2.xlsx", orders(1500), django_capture_on_commit_callbacks
    )
    assert changed.planned == {"create": 0, "update": 1, "unchanged": 1, "reject": 0}
    confirm(client, changed, django_capture_on_commit_callbacks)
    changed.refresh_from_db()
    assert changed.written == {"created": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert Transaction.objects.count() == 3
    assert Transaction.objects.get(reference="SO-100").amount == Decimal("1500.00")
    assert ImportedAccount.objects.get(job=changed).updated == 1


# --- 7. Stakeholders -----------------------------------------------------------------------------


def test_stakeholders_are_created_with_history_and_matched_by_account_and_name(
    client_for, owner, account, django_capture_on_commit_callbacks
):
    kept = StakeholderFactory(account=account, name="Wang Fang", title="CFO")
    client = client_for(owner)

    def people(title):
        return xlsx_bytes(
            [
                ["Customer", "Contact name", "Title", "Buying role", "Influence"],
                ["Sinopec Digital", "Li Wei", title, "Decision maker", 5],
                ["Sinopec Digital", "Zhou Min", "IT Manager", "User", 3],
                ["Sinopec Digital", "Wang Fang", "CFO", None, None],
            ]
        )

    job = imported_job(
        client, "stakeholders", "people.xlsx", people("CPO"), django_capture_on_commit_callbacks
    )
    assert job.written == {"created": 2, "updated": 0, "unchanged": 1, "skipped": 0}
    li = Stakeholder.objects.get(account=account, name="Li Wei")
    assert (li.title, li.buying_role, li.influence) == ("CPO", "decision_maker", 5)
    assert li.history.count() == 1
    assert li.history.get().history_user == owner
    assert kept.history.count() == 1  # unchanged: no new history row

    again = checked_job(
        client,
        "stakeholders",
        "people.xlsx",
        people("Chief Procurement Officer"),
        django_capture_on_commit_callbacks,
    )
    assert again.planned == {"create": 0, "update": 1, "unchanged": 2, "reject": 0}
    confirm(client, again, django_capture_on_commit_callbacks)
    assert Stakeholder.objects.filter(account=account).count() == 3
    li.refresh_from_db()
    assert li.title == "Chief Procurement Officer"
    assert li.history.count() == 2


# --- 8. Correcting the mapping -------------------------------------------------------------------


def test_an_unknown_header_is_left_unmapped_and_the_name_column_must_be_chosen(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    content = xlsx_bytes(
        [["Kundenname", "Industry", "Region"], ["Müller AG", "Manufacturing", "Overseas"]]
    )
    job = job_from(upload(client, "accounts", "kunden.xlsx", content))
    assert "0" not in job.mapping

    response = post_mapping(client, job, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Choose the column that holds “Name”." in response.context["form"].non_field_errors()
    assert "Choose the column that holds “Name”." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED

    response = post_mapping(
        client,
        job,
        django_capture_on_commit_callbacks,
        {"0": "name", "1": "industry", "2": "region"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.planned == {"create": 1, "update": 0, "unchanged": 0, "reject": 0}


def test_two_columns_for_one_field_are_refused_next_to_the_second_column(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    content = xlsx_bytes(
        [["Name", "Company", "Industry", "Region"], ["A", "B", "Energy", "East China"]]
    )
    job = job_from(upload(client, "accounts", "twice.xlsx", content))
    response = post_mapping(
        client,
        job,
        django_capture_on_commit_callbacks,
        {"0": "name", "1": "name", "2": "industry", "3": "region"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["column_1"].errors and not form["column_0"].errors
    assert "already filled from the column “Name”" in form["column_1"].errors[0]
    assert 'id="id_column_1_error"' in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


# --- 9. Files that are not spreadsheets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"Name,Industry\nA,Energy\n", "upload an .xlsx or .csv file"),
        ("empty.csv", b"", "empty"),
        ("picture.xlsx", PNG, "cannot be read as an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_next_to_the_file_field(
    client_for, owner, name, content, message
):
    response = upload(client_for(owner), "accounts", name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "file" in errors
    assert message in errors["file"][0]
    assert not ImportJob.objects.exists()


# --- 10. Confirming twice; data changed since the check ------------------------------------------


def test_confirming_twice_imports_once(client_for, owner, django_capture_on_commit_callbacks):
    client = client_for(owner)
    job = imported_job(
        client, "accounts", "customers.xlsx", three_accounts(), django_capture_on_commit_callbacks
    )
    before = snapshot()
    history_rows = Account.history.count()
    response = confirm(client, job, django_capture_on_commit_callbacks)
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("already been confirmed" in message for message in shown)
    assert snapshot() == before
    assert Account.history.count() == history_rows
    assert ImportedAccount.objects.filter(job=job).count() == 3
    job.refresh_from_db()
    assert job.written["created"] == 3


def test_an_external_id_taken_after_the_check_sends_the_job_back_to_checked(
    client_for, owner, outsider, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = checked_job(
        client, "accounts", "customers.xlsx", three_accounts(), django_capture_on_commit_callbacks
    )
    assert job.planned["create"] == 3
    AccountFactory(name="Someone else's", external_id="C-2", owner=outsider)
    before = snapshot()

    confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert "some rows have become invalid" in job.error
    assert job.planned["reject"] == 1
    assert snapshot() == before
    assert not ImportedAccount.objects.exists()
    page = detail(client, job).content.decode()
    assert "some rows have become invalid" in page
    assert "This external ID is already in use." in report_lines(page)[3]


def test_an_account_given_to_another_manager_after_the_check_is_not_updated(
    client_for, owner, outsider, django_capture_on_commit_callbacks
):
    mine = AccountFactory(name="Eastern Steel", external_id="C-1", owner=owner, employees=5)
    client = client_for(owner)
    content = xlsx_bytes([ACCOUNT_HEADERS, ["Eastern Steel", "C-1", "Energy", "East China", 99]])
    job = checked_job(
        client, "accounts", "update.xlsx", content, django_capture_on_commit_callbacks
    )
    assert job.planned["update"] == 1
    Account.objects.filter(pk=mine.pk).update(owner=outsider)

    confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert "some rows have become invalid" in job.error
    mine.refresh_from_db()
    assert (mine.industry, mine.employees) == (Industry.MANUFACTURING, 5)
    assert not ImportedAccount.objects.exists()


# --- 11. Formula injection round trip ------------------------------------------------------------


def test_an_exported_formula_comes_back_as_text_and_imports_unchanged(
    client_for, owner, django_capture_on_commit_callbacks
):
    name = '=HYPERLINK("http://x")'
    risky = AccountFactory(name=name, external_id="F-1", owner=owner)
    client = client_for(owner)
    response = client.get(reverse("accounts:export_accounts"), {"format": "xlsx"})
    assert response.status_code == 200
    content = downloaded(response)
    cell = load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == name  # typed as text: never run, and no guarding quote

    job = checked_job(
        client, "accounts", "kam-accounts.xlsx", content, django_capture_on_commit_callbacks
    )
    assert job.planned == {"create": 0, "update": 0, "unchanged": 1, "reject": 0}
    risky.refresh_from_db()
    assert risky.name == name


# --- 12. Templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["accounts", "stakeholders", "transactions"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_template_has_the_fields_headed_in_the_users_language(
    client_for, owner, kind, language
):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("accounts:import_template", args=[kind])
    with translation.override(language):
        expected = [str(item.label) for item in FIELDS[kind]]

    xlsx = sheet_rows(downloaded(client.get(url, {"format": "xlsx"})))
    assert xlsx[0] == expected
    assert len(xlsx) == 3  # two example rows

    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    text = downloaded(response).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == expected
    assert len([line for line in lines if line]) == 3
    has_chinese = any("\u4e00" <= char <= "\u9fff" for char in "".join(expected))
    assert has_chinese == (language == "zh-hans")


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_accounts_template_uploaded_as_it_is_checks_without_rejects(
    client_for, owner, language, export_format, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    template = client.get(
        reverse("accounts:import_template", args=["accounts"]), {"format": export_format}
    )
    job = checked_job(
        client,
        "accounts",
        f"template.{export_format}",
        downloaded(template),
        django_capture_on_commit_callbacks,
    )
    assert len(job.mapping) == len(FIELDS["accounts"])  # every header recognised
    assert job.planned == {"create": 2, "update": 0, "unchanged": 0, "reject": 0}


# --- 13. The dashboard ---------------------------------------------------------------------------


def test_a_confirmed_import_tells_the_dashboard_its_figures_are_stale(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    before = current_version()
    job = checked_job(
        client, "accounts", "customers.xlsx", three_accounts(), django_capture_on_commit_callbacks
    )
    assert current_version() == before  # the dry run changed nothing the dashboard counts
    confirm(client, job, django_capture_on_commit_callbacks)
    assert current_version() != before


# --- 14. Bounded queries -------------------------------------------------------------------------


def checked_job_of(owner, rows: int, capture) -> ImportJob:
    content = xlsx_bytes(
        [ACCOUNT_HEADERS]
        + [
            [f"Customer {i}", f"Q-{i}", "Energy" if i % 7 else "?", "East China", i]
            for i in range(rows)
        ]
    )
    job = services.import_job_start(
        user=owner, kind="accounts", upload=SimpleUploadedFile("many.xlsx", content)
    )
    with capture(execute=True):
        services.import_job_check(user=owner, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    return job


def test_the_report_page_makes_as_many_queries_for_500_rows_as_for_5(
    client_for, owner, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(owner)
    small = checked_job_of(owner, 5, django_capture_on_commit_callbacks)
    large = checked_job_of(owner, 500, django_capture_on_commit_callbacks)
    assert large.planned["reject"] > 50
    detail(client, small)  # the session and the like, loaded once
    with CaptureQueriesContext(connection) as queries:
        assert detail(client, small).status_code == 200
    for show in ("", "reject"):
        with django_assert_max_num_queries(len(queries)):
            response = detail(client, large, show=show)
        assert response.status_code == 200
        assert len(report_lines(response.content.decode())) == min(
            100, len(large.report) if not show else large.planned["reject"]
        )


@pytest.mark.parametrize("viewer", ["owner", "admin_user"])
def test_the_upload_page_makes_as_many_queries_for_40_jobs_as_for_2(
    request, client_for, owner, teammate, viewer, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(viewer))
    url = reverse("accounts:import")

    def add_jobs(start, count):
        for i in range(start, start + count):
            ImportJob.objects.create(
                user=owner if i % 2 else teammate,
                kind="accounts",
                file_name=f"file-{i}.xlsx",
                content=b"x",
                language="en",
                row_count=i,
                status=ImportStatus.DONE,
                planned={"create": i, "update": 0, "unchanged": 0, "reject": 0},
                written={"created": i, "updated": 0, "unchanged": 0, "skipped": 0},
            )

    add_jobs(0, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "file-1.xlsx" in page
    assert ("file-0.xlsx" in page) == (viewer == "admin_user")  # others' jobs: admins only
    add_jobs(2, 78)
    with django_assert_max_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20


# --- 15. Progress --------------------------------------------------------------------------------


def test_the_progress_fragment_shows_a_bar_while_running_and_refreshes_when_done(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = job_from(upload(client, "accounts", "customers.xlsx", three_accounts()))
    url = reverse("accounts:import_progress", args=[job.pk])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)

    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Refresh" not in response.headers
    fragment = response.content.decode()
    assert "<progress" in fragment
    assert "Checking every row" in fragment
    assert "<html" not in fragment
    assert "<progress" in detail(client, job).content.decode()  # the page shows it too

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.UPLOADED)
    post_mapping(client, job, django_capture_on_commit_callbacks)  # runs the dry run to the end
    confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"
    assert "<progress" not in response.content.decode()


def test_an_unexpected_failure_while_writing_saves_nothing_and_ends_the_job(
    client_for, owner, django_capture_on_commit_callbacks, monkeypatch
):
    """A bug in the write must not leave the page polling a job that never finishes."""
    client = client_for(owner)
    job = checked_job(client, "accounts", "customers.xlsx", three_accounts(),
                      django_capture_on_commit_callbacks)  # fmt: skip
    before = snapshot()

    def broken_write(plan, *, user, job):
        Account.objects.create(name="Half written", industry="other", region="east")
        raise RuntimeError("boom")

    monkeypatch.setattr(worker, "import_plan_write", broken_write)
    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "nothing was saved" in job.error
    assert snapshot() == before
    page = detail(client, job).content.decode()
    assert "nothing was saved" in page and 'data-testid="import-progress"' not in page


def test_the_progress_poll_reads_neither_the_file_nor_the_report(
    client_for, owner, django_assert_max_num_queries
):
    """Polled every second while 200,000 rows are checked: one query for the job, whose file
    and report (megabytes) stay in the database."""
    client = client_for(owner)
    job = job_from(upload(client, "accounts", "customers.xlsx", three_accounts()))
    report = [[line, "create", [], ["name"]] for line in range(2, 200_002)]
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, report=report, heartbeat_at=timezone.now(), row_count=200_000
    )
    url = reverse("accounts:import_progress", args=[job.pk])
    client.get(url, headers={"HX-Request": "true"})  # the session and the user, cached after

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "200,000 rows" in response.content.decode()
    job_reads = [query["sql"] for query in queries if 'FROM "accounts_importjob"' in query["sql"]]
    assert len(job_reads) == 1
    assert '"content"' not in job_reads[0] and '"report"' not in job_reads[0]
    assert '"preview"' not in job_reads[0]
    with django_assert_max_num_queries(len(queries)):
        client.get(url, headers={"HX-Request": "true"})
    assert len(queries) <= 4
