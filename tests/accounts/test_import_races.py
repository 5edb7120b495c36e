"""Imports are safe against themselves (issue 15): the import takes its kind's lock before it plans
again inside its write transaction, so a second confirmation of the same file finds everything
written and ends "nothing to import"; the database refuses a second order with the same number
in one account (and the migration settles the duplicates already stored); a duplicate someone
else adds while an import writes ends the job with a clear message, nothing saved.

The same race with two real workers: tests/accounts/test_import_safety_worker.py.
"""

import importlib
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.imports import services, worker
from accounts.models import Account, ImportedAccount, ImportJob, ImportStatus, Transaction
from accounts.queries import revenue_last_12_months
from tests.accounts.import_jobs import (
    account_rows,
    checked,
    total_by_account,
    transaction_rows,
)
from tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock and DDL in a transaction"
)

ORDER = {"date": "2026-01-05", "amount": Decimal("500.00"), "gross_margin": Decimal("50.00")}


def confirm(user, job, capture):
    with capture(execute=True):
        services.import_job_confirm(user=user, job=job, only_valid_rows=False)
    job.refresh_from_db()
    return job


# --- A second confirmation of the same file ---------------------------------------------------


def test_a_second_confirmation_of_the_same_accounts_file_ends_nothing_to_import(
    client_for, owner, django_capture_on_commit_callbacks
):
    rows = account_rows(40)
    first = checked(owner, "accounts", rows, django_capture_on_commit_callbacks)
    second = checked(owner, "accounts", rows, django_capture_on_commit_callbacks)
    assert first.planned["create"] == second.planned["create"] == 40

    assert confirm(owner, first, django_capture_on_commit_callbacks).status == ImportStatus.DONE
    second = confirm(owner, second, django_capture_on_commit_callbacks)

    assert second.status == ImportStatus.NOTHING, second.error
    assert second.written == {"created": 0, "updated": 0, "unchanged": 40, "skipped": 0}
    assert second.planned == {"create": 0, "update": 0, "unchanged": 40, "reject": 0}
    assert Account.objects.count() == 40
    assert not ImportedAccount.objects.filter(job=second).exists()
    page = client_for(owner).get(reverse("accounts:import_detail", args=[second.pk]))
    body = page.content.decode()
    assert 'data-testid="import-status">Nothing to import<' in body
    assert 'data-testid="import-nothing"' in body and "Nothing was written." in body
    assert "0 created, 0 updated, 40 unchanged" in body
    assert 'data-testid="import-error"' not in body


def test_a_second_confirmation_of_the_same_transactions_counts_the_revenue_once(
    owner, django_capture_on_commit_callbacks
):
    accounts = [AccountFactory(name=f"Buyer {n}", owner=owner) for n in range(3)]
    rows = transaction_rows(accounts, 30)
    first = checked(owner, "transactions", rows, django_capture_on_commit_callbacks)
    second = checked(owner, "transactions", rows, django_capture_on_commit_callbacks)

    assert confirm(owner, first, django_capture_on_commit_callbacks).status == ImportStatus.DONE
    second = confirm(owner, second, django_capture_on_commit_callbacks)
    assert second.status == ImportStatus.NOTHING

    assert Transaction.objects.count() == 30
    revenue = revenue_last_12_months([account.pk for account in accounts])
    assert {Account.objects.get(pk=pk).name: total for pk, total in revenue.items()} == (
        total_by_account(rows)
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_lock_of_its_kind_and_plans_again_once_it_is_free(owner):
    """Another import of accounts holds the lock and writes the same accounts: this one waits
    (its page says why), writes nothing meanwhile, and then finds nothing to import."""
    rows = account_rows(5)
    job = checked(owner, "accounts", rows)
    held, release = threading.Event(), threading.Event()

    def other_import():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)",
                        [worker.LOCK_SPACE, worker.LOCK_OF_KIND["accounts"]],
                    )
                for name, external_id, _industry, _region, employees in rows[1:]:
                    Account.objects.create(
                        name=name, external_id=external_id or "", owner=owner,
                        industry="manufacturing", region="east", employees=employees,
                    )  # fmt: skip
                held.set()
                release.wait(30)
        finally:
            connection.close()

    def confirm_in_a_request():
        try:
            services.import_job_confirm(user=owner, job=job, only_valid_rows=False)  # runs the task
        finally:
            connection.close()

    holder = threading.Thread(target=other_import)
    holder.start()
    assert held.wait(30)
    importer = threading.Thread(target=confirm_in_a_request)
    importer.start()
    try:
        for _ in range(300):
            if services.read_progress(job.pk).get("waiting"):
                break
            importer.join(0.05)
        assert services.read_progress(job.pk).get("waiting"), "the import did not wait"
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORTING
        assert not Account.objects.exists()  # neither has committed
    finally:
        release.set()
        holder.join(30)
        importer.join(60)

    job.refresh_from_db()
    assert job.status == ImportStatus.NOTHING, job.error
    assert Account.objects.count() == 5


# --- The database refuses a second order number --------------------------------------------


def test_the_database_refuses_a_second_order_with_the_same_number_in_one_account(account):
    Transaction.objects.create(account=account, reference="SO-1", **ORDER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(account=account, reference="SO-1", **ORDER)
    # Orders without a number, and the same number in another account, are fine.
    Transaction.objects.create(account=account, reference="", **ORDER)
    Transaction.objects.create(account=account, reference="", **ORDER)
    Transaction.objects.create(account=AccountFactory(), reference="SO-1", **ORDER)
    assert Transaction.objects.count() == 4


def test_a_person_adding_an_order_number_twice_gets_a_message_not_an_error(
    client_for, owner, account
):
    TransactionFactory(account=account, reference="SO-7")
    response = client_for(owner).post(
        reverse("accounts:transaction_create", args=[account.pk]),
        {"date": "2026-01-05", "reference": "SO-7", "amount": "100", "gross_margin": "10",
         "returned_amount": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already has a transaction with this order number" in response.content.decode()
    assert Transaction.objects.filter(account=account, reference="SO-7").count() == 1


def test_a_duplicate_added_by_someone_while_the_import_writes_fails_it_with_nothing_saved(
    client_for, owner, account, django_capture_on_commit_callbacks, monkeypatch
):
    """Imports of a kind write one at a time, so only a person can still add the same order
    while one writes: the import planned before that (its plan is kept here), the database
    refuses the order, and the job ends with a message saying what happened."""
    rows = [["Account", "Order date", "Order no", "Amount", "Gross margin"],
            ["Sinopec Digital", "2026-01-05", "SO-1", "500", "50"],
            ["Sinopec Digital", "2026-01-06", "SO-2", "700", "70"]]  # fmt: skip
    job = checked(owner, "transactions", rows, django_capture_on_commit_callbacks)
    stale_plan = worker._plan(ImportJob.objects.get(pk=job.pk))
    Transaction.objects.create(account=account, reference="SO-2", **ORDER)
    monkeypatch.setattr(worker, "_plan", lambda job: stale_plan)

    job = confirm(owner, job, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.FAILED
    assert job.error == (
        "Nothing was saved: while this import was writing, an order number in the file was "
        "added to its account by someone else. Check the file again to see what is left to "
        "import."
    )
    assert list(Transaction.objects.values_list("reference", flat=True)) == ["SO-2"]
    page = client_for(owner).get(reverse("accounts:import_detail", args=[job.pk]))
    assert job.error in page.content.decode()


# --- The migration settles the duplicates already stored ------------------------------------

settle_duplicate_references = importlib.import_module(
    "accounts.migrations.0008_transaction_reference_duplicates"
).settle_duplicate_references


@postgresql_only
def test_the_migration_deletes_identical_copies_and_renumbers_differing_orders(account):
    constraint = next(
        item
        for item in Transaction._meta.constraints
        if item.name == "transaction_reference_once_per_account"
    )
    with connection.schema_editor() as editor:  # undone with the test's transaction
        editor.remove_constraint(Transaction, constraint)
    original = Transaction.objects.create(account=account, reference="SO-1", **ORDER)
    copies = [Transaction.objects.create(account=account, reference="SO-1", **ORDER)
              for _ in range(2)]  # fmt: skip
    differing = Transaction.objects.create(
        account=account, reference="SO-1", **(ORDER | {"amount": Decimal("900.00")})
    )
    taken = Transaction.objects.create(account=account, reference="SO-1#2", **ORDER)
    elsewhere = TransactionFactory(reference="SO-1")
    long = Transaction.objects.create(account=account, reference="L" * 40, **ORDER)
    long_twin = Transaction.objects.create(
        account=account, reference="L" * 40, **(ORDER | {"gross_margin": Decimal("1.00")})
    )
    printed = StringIO()

    deleted, _renamed = settle_duplicate_references(
        apps, None, out=lambda line: printed.write(line + "\n")
    )

    assert sorted(pk for pk, *_ in deleted) == sorted(copy.pk for copy in copies)
    references = dict(Transaction.objects.values_list("pk", "reference"))
    assert references[original.pk] == "SO-1"
    assert references[differing.pk] == "SO-1#3"  # #2 was taken
    assert references[taken.pk] == "SO-1#2"
    assert references[elsewhere.pk] == "SO-1"  # another account's
    assert references[long_twin.pk] == "L" * 38 + "#2"
    assert references[long.pk] == "L" * 40
    report = printed.getvalue()
    assert "2 identical duplicate transaction(s) deleted, 2 differing one(s) renamed" in report
    assert f"renamed transaction {differing.pk} of account {account.pk}: 'SO-1' → 'SO-1#3'" in (
        report
    )
    with connection.cursor() as cursor:  # the test's inserts' foreign key checks, before DDL
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:  # the stored data now satisfies it
        editor.add_constraint(Transaction, constraint)
    assert settle_duplicate_references(apps, None, out=printed.write) == ([], [])


def test_the_constraint_is_checked_by_full_clean_with_its_message(account):
    TransactionFactory(account=account, reference="SO-9")
    order = Transaction(account=account, reference="SO-9", **ORDER)
    with pytest.raises(ValidationError) as caught:
        order.full_clean()
    assert "already has a transaction with this order number" in str(caught.value)
