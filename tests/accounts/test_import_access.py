"""DESIGN.md §3 on every import URL (issue 8): a job belongs to its uploader, directors may not
import, an admin audits every job but acts on none of others', and a manager's file never reaches
another manager's accounts.

The exports' access (a manager asking for another manager's accounts with ?owner=<pk> gets none of
their accounts, stakeholders or transactions) is proven in tests/accounts/test_exports.py
(test_a_manager_exports_only_accounts_they_may_see, every kind and format): not repeated here.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.imports import services
from accounts.imports.matching import report_entries
from accounts.models import Account, ImportJob, ImportStatus, Stakeholder, Transaction
from accounts.translatable import render
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.accounts.import_jobs import left_by_a_dead_worker
from tests.factories import AccountFactory, StakeholderFactory, TransactionFactory
from tests.spreadsheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ORDER_DAY = timezone.localdate() - timedelta(days=10)

JOB_URL_NAMES = (
    "accounts:import_detail",
    "accounts:import_mapping",
    "accounts:import_progress",
    "accounts:import_confirm",
    "accounts:import_retry",
    "accounts:import_cancel",
    "accounts:import_report",
)


def xlsx_upload(name, rows) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def csv_upload(name, rows, encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding))


def job_urls(job) -> dict[str, str]:
    return {name: reverse(name, args=[job.pk]) for name in JOB_URL_NAMES}


def every_import_url(job) -> dict[str, str]:
    return {
        "accounts:import": reverse("accounts:import"),
        "accounts:import_template": reverse("accounts:import_template", args=["accounts"]),
        **job_urls(job),
    }


def upload(client, kind, file) -> ImportJob:
    response = client.post(reverse("accounts:import"), {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.get(pk=resolve(response.url).kwargs["pk"])


def check(client, job, capture) -> ImportJob:
    """Post the guessed mapping as the mapping page would; the dry run runs after commit."""
    data = {f"column_{i}": job.mapping.get(str(i), "") for i in range(len(job.headers))}
    with capture(execute=True):
        response = client.post(reverse("accounts:import_mapping", args=[job.pk]), data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.error
    return job


def confirm(client, job, capture) -> ImportJob:
    with capture(execute=True):
        response = client.post(
            reverse("accounts:import_confirm", args=[job.pk]), {"only_valid_rows": "on"}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error
    return job


def import_file(client, kind, file, capture) -> ImportJob:
    return confirm(client, check(client, upload(client, kind, file), capture), capture)


def rows_by_line(job) -> dict[int, tuple[str, list]]:
    """{line: (action, [[field, reason as read in the active language]])}"""
    return {
        line: (action, [[key, render(message)] for key, message in errors])
        for line, action, errors, _changed, _names, _notes in report_entries(job.report)
    }


def job_state(job):
    job = ImportJob.objects.get(pk=job.pk)
    return (job.status, job.mapping, job.planned, job.only_valid_rows, job.report, job.written)


def database_state():
    return (
        list(Account.objects.values_list("pk", "name", "owner_id", "category").order_by("pk")),
        Stakeholder.objects.count(),
        Transaction.objects.count(),
    )


@pytest.fixture
def owners_job(owner, account, django_capture_on_commit_callbacks):
    """The owner's accounts file, checked and waiting for confirmation."""
    file = xlsx_upload(
        "owner-accounts.xlsx",
        [["Name", "Industry", "Region"], ["Owner New Co", "Manufacturing", "East"]],
    )
    job = services.import_job_start(user=owner, kind="accounts", upload=file)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_check(user=owner, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.planned["create"] == 1
    return job


@pytest.fixture
def outsiders_account(outsider):
    """Another manager's account, with a stakeholder and an order."""
    theirs = AccountFactory(
        name="Harbin Boilers", external_id="HB-001", owner=outsider, employees=500
    )
    StakeholderFactory(account=theirs, name="Their Person", title="CFO")
    TransactionFactory(account=theirs, reference="THEIRS-1", amount=Decimal("5000.00"))
    return theirs


def outsiders_state(theirs):
    return (
        list(
            Account.objects.filter(pk=theirs.pk).values_list(
                "name", "external_id", "owner_id", "industry", "region", "employees", "category"
            )
        ),
        list(
            Stakeholder.objects.filter(account=theirs)
            .values_list("pk", "name", "title", "buying_role")
            .order_by("pk")
        ),
        list(
            Transaction.objects.filter(account=theirs)
            .values_list("pk", "reference", "date", "amount", "gross_margin")
            .order_by("pk")
        ),
        theirs.imports.count(),
    )


# --- Every import URL is covered ------------------------------------------------------------------


def test_every_import_url_is_covered_by_these_tests(owners_job):
    import_names = {name for name in url_names("accounts") if name.startswith("accounts:import")}
    assert import_names == set(every_import_url(owners_job))


# --- Who may reach the import at all --------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, owners_job):
    for url in every_import_url(owners_job).values():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url}"
            assert response.url.startswith(reverse("login")), f"{method.upper()} {url}"


def test_a_director_gets_403_on_every_import_url_and_changes_nothing(
    client_for, director, owners_job
):
    client = client_for(director)
    before = (job_state(owners_job), database_state(), ImportJob.objects.count())
    for url in every_import_url(owners_job).values():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, f"{method.upper()} {url} → {response.status_code}"
    file = csv_upload("director.csv", [["Name", "Industry", "Region"], ["D Co", "Finance", "East"]])
    response = client.post(reverse("accounts:import"), {"kind": "accounts", "file": file})
    assert response.status_code == 403
    assert (job_state(owners_job), database_state(), ImportJob.objects.count()) == before


# --- A job belongs to its uploader ----------------------------------------------------------------


def test_another_manager_gets_404_for_every_url_of_the_owners_job(client_for, outsider, owners_job):
    before = (job_state(owners_job), database_state())
    assert_hidden_from(client_for(outsider), job_urls(owners_job).values())
    assert (job_state(owners_job), database_state()) == before


def test_another_manager_cannot_confirm_the_owners_job(client_for, outsider, owners_job):
    before = (job_state(owners_job), database_state())
    response = client_for(outsider).post(
        reverse("accounts:import_confirm", args=[owners_job.pk]), {"only_valid_rows": "on"}
    )
    assert response.status_code == 404
    assert (job_state(owners_job), database_state()) == before
    assert not Account.objects.filter(name="Owner New Co").exists()


def test_an_admin_views_another_users_job_and_its_report(client_for, admin_user, owners_job):
    client = client_for(admin_user)
    detail = client.get(reverse("accounts:import_detail", args=[owners_job.pk]))
    assert detail.status_code == 200
    assert "owner-accounts.xlsx" in detail.content.decode()
    report = client.get(reverse("accounts:import_report", args=[owners_job.pk]), {"format": "csv"})
    assert report.status_code == 200
    assert "Owner New Co" in b"".join(report.streaming_content).decode("utf-8-sig")


def test_an_admin_sees_every_users_import_in_the_list(client_for, admin_user, outsider, owners_job):
    file = csv_upload("outsider-list.csv", [["Name", "Industry"], ["O", "Finance"]])
    services.import_job_start(user=outsider, kind="accounts", upload=file)
    body = client_for(admin_user).get(reverse("accounts:import")).content.decode()
    assert "owner-accounts.xlsx" in body and "outsider-list.csv" in body


def test_an_admin_cannot_map_or_confirm_another_users_job(client_for, admin_user, owners_job):
    client = client_for(admin_user)
    assert_refused(
        client,
        {
            reverse("accounts:import_mapping", args=[owners_job.pk]): {
                "column_0": "name",
                "column_1": "",
                "column_2": "region",
            },
            reverse("accounts:import_confirm", args=[owners_job.pk]): {"only_valid_rows": "on"},
        },
        unchanged=lambda: (job_state(owners_job), database_state()),
    )
    assert not Account.objects.filter(name="Owner New Co").exists()


def test_an_admin_sees_another_users_interrupted_job_but_cannot_retry_or_cancel_it(
    client_for, admin_user, owners_job
):
    job = left_by_a_dead_worker(owners_job, ImportStatus.IMPORTING)
    client = client_for(admin_user)
    page = client.get(reverse("accounts:import_detail", args=[job.pk])).content.decode()
    assert "The import was interrupted" in page
    assert "retry-import" not in page and "cancel-import" not in page
    assert_refused(
        client,
        {
            reverse(f"accounts:{name}", args=[job.pk]): {"attempt": job.attempt}
            for name in ("import_retry", "import_cancel")
        },
        unchanged=lambda: (job_state(job), database_state(), job.attempt),
    )
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.status, stored.attempt) == (ImportStatus.IMPORTING, job.attempt)


def test_retry_and_cancel_answer_only_posts(client_for, owner, owners_job):
    job = left_by_a_dead_worker(owners_job, ImportStatus.IMPORTING)
    client = client_for(owner)
    for name in ("import_retry", "import_cancel"):
        assert client.get(reverse(f"accounts:{name}", args=[job.pk])).status_code == 405
    assert ImportJob.objects.get(pk=job.pk).attempt == job.attempt


def test_the_upload_page_lists_only_the_managers_own_imports(client_for, owner, outsider):
    mine = csv_upload("my-file.csv", [["Name", "Industry"], ["A", "Finance"]])
    theirs = csv_upload("their-file.csv", [["Name", "Industry"], ["B", "Finance"]])
    services.import_job_start(user=owner, kind="accounts", upload=mine)
    services.import_job_start(user=outsider, kind="accounts", upload=theirs)

    body = client_for(owner).get(reverse("accounts:import")).content.decode()

    assert "my-file.csv" in body
    assert "their-file.csv" not in body


# --- A manager's file never reaches another manager's accounts -----------------------------------


def assert_nothing_names_the_outsider(client, job, outsider):
    messages = [message for _action, errors in rows_by_line(job).values() for _f, message in errors]
    page = client.get(reverse("accounts:import_detail", args=[job.pk])).content.decode()
    for word in (outsider.get_full_name(), outsider.first_name, outsider.last_name, "outsider"):
        assert not any(word in message for message in messages), (word, messages)
        assert word not in page, word


def test_accounts_of_another_manager_are_rejected_and_left_unchanged(
    client_for, owner, outsider, outsiders_account, django_capture_on_commit_callbacks
):
    before = outsiders_state(outsiders_account)
    client = client_for(owner)
    file = xlsx_upload(
        "my-accounts.xlsx",
        [
            ["External ID", "Name", "Industry", "Region", "Employees"],
            ["HB-001", "Renamed Boilers", "Finance", "North", 1],  # their external ID
            [None, "Harbin Boilers", "Finance", "North", 2],  # their name
            [None, "Owner New Co", "Manufacturing", "East", 30],
        ],
    )
    job = check(client, upload(client, "accounts", file), django_capture_on_commit_callbacks)

    rows = rows_by_line(job)
    assert rows[2] == ("reject", [["external_id", "This external ID is already in use."]])
    assert rows[3][0] == "create"  # their name tells nothing: a new account of the owner's
    assert rows[4][0] == "create"
    assert_nothing_names_the_outsider(client, job, outsider)

    job = confirm(client, job, django_capture_on_commit_callbacks)

    assert job.written["created"] == 2 and job.written["skipped"] == 1
    assert outsiders_state(outsiders_account) == before
    assert Account.objects.get(name="Owner New Co").owner == owner
    assert Account.objects.get(name="Harbin Boilers", owner=owner) != outsiders_account
    assert not Account.objects.filter(name="Renamed Boilers").exists()


def test_transactions_naming_another_managers_account_are_rejected(
    client_for, owner, outsider, account, outsiders_account, django_capture_on_commit_callbacks
):
    before = outsiders_state(outsiders_account)
    client = client_for(owner)
    file = csv_upload(
        "my-orders.csv",
        [
            ["Account", "Account external ID", "Order date", "Order no", "Amount", "Gross margin"],
            [None, "HB-001", ORDER_DAY, "THEIRS-1", 9, 1],  # would update their order
            ["Harbin Boilers", None, ORDER_DAY, "NEW-THEIRS", 9, 1],
            ["Sinopec Digital", None, ORDER_DAY, "MINE-NEW", 700, 70],
        ],
    )
    job = check(client, upload(client, "transactions", file), django_capture_on_commit_callbacks)

    rows = rows_by_line(job)
    assert [rows[line][0] for line in (2, 3, 4)] == ["reject", "reject", "create"]
    assert_nothing_names_the_outsider(client, job, outsider)

    confirm(client, job, django_capture_on_commit_callbacks)

    assert outsiders_state(outsiders_account) == before
    assert not Transaction.objects.filter(reference="NEW-THEIRS").exists()
    assert Transaction.objects.get(reference="MINE-NEW").account == account


def test_stakeholders_naming_another_managers_account_are_rejected(
    client_for, owner, outsider, account, outsiders_account, django_capture_on_commit_callbacks
):
    before = outsiders_state(outsiders_account)
    client = client_for(owner)
    file = xlsx_upload(
        "my-people.xlsx",
        [
            ["Account", "Account external ID", "Name", "Title", "Buying role"],
            [None, "HB-001", "Their Person", "Spy", "Influencer"],  # would update their person
            ["Harbin Boilers", None, "New Person", "Buyer", "User"],
            ["Sinopec Digital", None, "Ma Rui", "CIO", "Decision maker"],
        ],
    )
    job = check(client, upload(client, "stakeholders", file), django_capture_on_commit_callbacks)

    rows = rows_by_line(job)
    assert [rows[line][0] for line in (2, 3, 4)] == ["reject", "reject", "create"]
    assert_nothing_names_the_outsider(client, job, outsider)

    confirm(client, job, django_capture_on_commit_callbacks)

    assert outsiders_state(outsiders_account) == before
    assert Stakeholder.objects.get(name="Ma Rui").account == account
    assert not Stakeholder.objects.filter(name="New Person").exists()


# --- Who owns what an import creates --------------------------------------------------------------


def test_a_manager_becomes_owner_of_the_accounts_they_import(
    client_for, owner, django_capture_on_commit_callbacks
):
    file = csv_upload(
        "新客户.csv",
        [["客户名称", "行业", "区域", "客户类别"], ["华为", "制造业", "East", "Key account"]],
        encoding="gbk",
    )
    import_file(client_for(owner), "accounts", file, django_capture_on_commit_callbacks)

    created = Account.objects.get(name="华为")
    assert created.owner == owner
    assert created.category == "key"


def test_an_admins_new_accounts_have_no_owner_and_a_key_account_needs_one(
    client_for, admin_user, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    file = xlsx_upload(
        "admin-accounts.xlsx",
        [
            ["Name", "Industry", "Region", "Category"],
            ["Admin Normal Co", "Finance", "East", "Normal"],
            ["Admin Key Co", "Finance", "East", "Key account"],
        ],
    )
    job = check(client, upload(client, "accounts", file), django_capture_on_commit_callbacks)

    rows = rows_by_line(job)
    assert rows[2][0] == "create"
    assert rows[3][0] == "reject" and rows[3][1][0][0] == "category"

    confirm(client, job, django_capture_on_commit_callbacks)

    assert Account.objects.get(name="Admin Normal Co").owner is None
    assert not Account.objects.filter(name="Admin Key Co").exists()


def test_a_teammate_imports_transactions_into_their_teams_account(
    client_for, teammate, account, django_capture_on_commit_callbacks
):
    file = csv_upload(
        "team-orders.csv",
        [["Account", "Order date", "Order no", "Amount", "Gross margin"],
         ["Sinopec Digital", ORDER_DAY, "TEAM-1", 1200, 300]],
    )  # fmt: skip
    client = client_for(teammate)
    job = import_file(client, "transactions", file, django_capture_on_commit_callbacks)

    assert job.written["created"] == 1
    order = Transaction.objects.get(reference="TEAM-1")
    assert order.account == account
    assert order.amount == Decimal("1200.00")
    assert account.imports.get(job=job).created == 1
