"""Import jobs never hang (issue 15): a job whose worker died is shown interrupted on its page as
soon as its lease has expired (no write on a GET), recorded so by the reaper, and its owner
retries it (the same step, as a new attempt) or cancels it, nothing written either way; a job
no worker has picked up yet is waiting, not dead; a message for an earlier attempt does nothing.

Tasks run in process here; tests/accounts/test_import_safety_worker.py kills a real worker.
"""

import threading
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.imports import services, worker
from accounts.models import Account, ImportJob, ImportStatus, Transaction
from tests.accounts.import_jobs import (
    account_rows,
    checked,
    left_by_a_dead_worker,
    transaction_rows,
    upload,
)
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's locks (SQLite has one writer at a time)"
)

ROWS = account_rows(3)


def detail(client, job):
    response = client.get(reverse("accounts:import_detail", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def progress(client, job, **params):
    return client.get(
        reverse("accounts:import_progress", args=[job.pk]), params, headers={"HX-Request": "true"}
    )


def post(client, name, job, attempt=None, capture=None):
    data = {"attempt": job.attempt if attempt is None else attempt}
    url = reverse(f"accounts:{name}", args=[job.pk])
    if capture is None:
        return client.post(url, data)
    with capture(execute=True):
        return client.post(url, data)


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Shown interrupted, recorded by the reaper ----------------------------------------------------


def test_an_import_whose_worker_stopped_beating_is_shown_interrupted_with_nothing_written(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.IMPORTING)
    client = client_for(owner)

    # The page polling the progress stops and reloads itself…
    response = progress(client, job)
    assert response.headers["HX-Refresh"] == "true"
    # …into the interrupted job, without polling, with what was written and the two buttons.
    page = detail(client, job)
    assert 'data-testid="import-progress"' not in page and "hx-trigger" not in page
    assert "The import was interrupted: the worker running it stopped." in page
    assert "Nothing was written: an import writes all its rows in one transaction" in page
    assert 'data-testid="retry-import"' in page and 'data-testid="cancel-import"' in page
    assert 'data-testid="import-status">Interrupted<' in page
    # Showing it wrote nothing: the reaper records it.
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORTING
    assert not Account.objects.exists()


def test_an_interrupted_check_says_a_check_writes_nothing(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.CHECKING)
    page = detail(client_for(owner), job)
    assert "The check was interrupted" in page
    assert "Nothing was written: a check only reads the file." in page
    assert "Retry the check" in page and "Cancel: back to the mapping" in page


def test_the_reaper_records_dead_jobs_and_leaves_live_waiting_and_finished_ones(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.KAM_JOB_LEASE_SECONDS = 60
    now = timezone.now()
    jobs = {
        name: checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
        for name in ("dead import", "dead check", "alive", "waiting", "checked")
    }
    left_by_a_dead_worker(jobs["dead import"], ImportStatus.IMPORTING, silent_for=61)
    left_by_a_dead_worker(jobs["dead check"], ImportStatus.CHECKING, silent_for=61)
    ImportJob.objects.filter(pk=jobs["alive"].pk).update(
        status=ImportStatus.IMPORTING, heartbeat_at=now - timedelta(seconds=50)
    )
    ImportJob.objects.filter(pk=jobs["waiting"].pk).update(
        status=ImportStatus.IMPORTING, heartbeat_at=None, queued_at=now - timedelta(hours=2)
    )

    assert services.import_jobs_reap_dead() == 2
    assert services.import_jobs_reap_dead() == 0  # idempotent

    def state(name):
        return ImportJob.objects.values_list("status", "interrupted_in").get(pk=jobs[name].pk)

    assert state("dead import") == (ImportStatus.INTERRUPTED, ImportStatus.IMPORTING)
    assert state("dead check") == (ImportStatus.INTERRUPTED, ImportStatus.CHECKING)
    assert state("alive") == (ImportStatus.IMPORTING, "")
    assert state("waiting") == (ImportStatus.IMPORTING, "")  # no worker yet: not dead
    assert state("checked") == (ImportStatus.CHECKED, "")


def test_the_reaper_and_the_file_retention_are_beat_jobs_of_registered_tasks(settings):
    from kam.celery import app

    app.loader.import_default_modules()
    entries = {
        "reap-dead-imports": "accounts.tasks.reap_dead_imports",
        "delete-old-import-files": "accounts.tasks.delete_old_import_files",
    }
    for name, task in entries.items():
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] == task
        assert task in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["reap-dead-imports"]["schedule"] <= 60


# --- Retry ----------------------------------------------------------------------------------------


def test_retry_of_an_interrupted_import_writes_it_once_as_a_new_attempt(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.IMPORTING)
    services.import_jobs_reap_dead()
    job.refresh_from_db()
    attempt = job.attempt

    response = post(
        client_for(owner), "import_retry", job, capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error
    assert job.attempt == attempt + 1
    assert job.written == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Account.objects.filter(owner=owner).count() == 3


def test_retry_of_an_interrupted_check_checks_again(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.CHECKING)
    post(client_for(owner), "import_retry", job, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.planned["create"] == 3
    assert not Account.objects.exists()


def test_a_retry_button_of_a_stale_page_acts_on_nothing(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.IMPORTING)
    stale = job.attempt - 1  # the page was loaded before the job's last retry
    before = ImportJob.objects.filter(pk=job.pk).values().get()

    for name in ("import_retry", "import_cancel"):
        response = post(client_for(owner), name, job, attempt=stale)
        assert response.status_code == 302
        assert any("no longer interrupted" in message for message in shown_messages(response))
    assert ImportJob.objects.filter(pk=job.pk).values().get() == before
    assert not Account.objects.exists()


def test_a_running_job_with_a_live_worker_cannot_be_retried_or_cancelled(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, heartbeat_at=timezone.now(), queued_at=timezone.now()
    )
    job.refresh_from_db()
    before = ImportJob.objects.filter(pk=job.pk).values().get()
    client = client_for(owner)
    for name in ("import_retry", "import_cancel"):
        response = post(client, name, job)
        assert any("no longer interrupted" in message for message in shown_messages(response))
    assert ImportJob.objects.filter(pk=job.pk).values().get() == before
    page = detail(client, job)
    assert 'data-testid="import-progress"' in page and "retry-import" not in page


# --- Cancel ---------------------------------------------------------------------------------------


def test_cancel_of_an_interrupted_import_goes_back_to_checked_and_it_can_be_confirmed_again(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    planned = job.planned
    job = left_by_a_dead_worker(job, ImportStatus.IMPORTING)
    client = client_for(owner)

    response = post(client, "import_cancel", job)

    assert any("nothing was written" in message for message in shown_messages(response))
    job.refresh_from_db()
    assert (job.status, job.planned, job.heartbeat_at) == (ImportStatus.CHECKED, planned, None)
    assert not Account.objects.exists()
    page = detail(client, job)
    assert 'data-testid="confirm-import"' in page and "import-interrupted" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(user=owner, job=job, only_valid_rows=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Account.objects.count() == 3


def test_cancel_of_an_interrupted_check_goes_back_to_the_mapping(client_for, owner):
    job = left_by_a_dead_worker(upload(owner, "accounts", ROWS), ImportStatus.CHECKING)
    client = client_for(owner)
    response = post(client, "import_cancel", job)
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert client.get(response.url).url == reverse("accounts:import_mapping", args=[job.pk])


# --- Waiting for a worker ----------------------------------------------------------------------


def test_a_job_no_worker_has_picked_up_is_waiting_then_offers_retry_and_cancel(
    client_for, owner, settings, django_capture_on_commit_callbacks
):
    settings.KAM_JOB_LEASE_SECONDS = 60
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, heartbeat_at=None, queued_at=timezone.now()
    )
    client = client_for(owner)

    fragment = progress(client, job)
    assert "HX-Refresh" not in fragment.headers
    assert "Waiting for a worker to start it." in fragment.content.decode()
    page = detail(client, job)
    assert 'data-testid="import-status">Waiting for a worker<' in page
    assert "retry-import" not in page

    # A whole lease later, still nobody: the page says so and offers retry and cancel.
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(seconds=61))
    assert progress(client, job).headers["HX-Refresh"] == "true"
    page = detail(client, job)
    assert "No worker has picked this job up yet (queued at" in page
    assert "Nothing has been written." in page
    assert 'data-testid="retry-import"' in page
    # The stuck page's watch: nothing to do until the job moves on.
    assert progress(client, job, **{"while": "stuck"}).status_code == 204
    assert services.import_jobs_reap_dead() == 0  # never picked up: not dead

    job.refresh_from_db()
    post(client, "import_retry", job, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert progress(client, job, **{"while": "stuck"}).headers["HX-Refresh"] == "true"


# --- Attempts -------------------------------------------------------------------------------------


def test_a_message_for_an_earlier_attempt_does_nothing(owner, django_capture_on_commit_callbacks):
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    job = left_by_a_dead_worker(job, ImportStatus.IMPORTING)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=None, queued_at=timezone.now())

    assert worker.import_job_run_step(job.pk, job.attempt - 1) is None  # redelivered after a retry
    assert not Account.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORTING

    assert worker.import_job_run_step(job.pk, job.attempt) == ImportStatus.DONE
    assert Account.objects.count() == 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_attempt_superseded_while_it_writes_writes_nothing(owner, monkeypatch):
    """The job is retried (a new attempt) while a worker thought dead still writes: that
    worker's transaction is undone when it records its outcome, so the file is written once,
    by the new attempt."""
    job = checked(owner, "accounts", ROWS)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, attempt=F("attempt") + 1, queued_at=timezone.now()
    )
    job.refresh_from_db()
    write_plan = worker.import_plan_write

    def retried_meanwhile(plan, *, user, job):
        written = write_plan(plan, user=user, job=job)

        def retry():  # another connection: the reaper and a retry, committed at once
            try:
                ImportJob.objects.filter(pk=job.pk).update(attempt=F("attempt") + 1)
            finally:
                connection.close()

        thread = threading.Thread(target=retry)
        thread.start()
        thread.join()
        return written

    monkeypatch.setattr(worker, "import_plan_write", retried_meanwhile)
    assert worker.import_job_run_step(job.pk, job.attempt) is None
    assert not Account.objects.exists()
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.status, stored.attempt) == (ImportStatus.IMPORTING, job.attempt + 1)

    monkeypatch.setattr(worker, "import_plan_write", write_plan)
    assert worker.import_job_run_step(job.pk, job.attempt + 1) == ImportStatus.DONE
    assert Account.objects.count() == 3


# --- The writes lock what they update ----------------------------------------------------------


@postgresql_only
def test_the_import_locks_the_rows_it_updates_and_moves_their_version_on(
    owner, django_capture_on_commit_callbacks
):
    account = AccountFactory(name="Customer 00000", owner=owner, employees=1)
    version = account.row_version
    job = checked(owner, "accounts", account_rows(1), django_capture_on_commit_callbacks)
    assert job.planned["update"] == 1

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.import_job_confirm(user=owner, job=job, only_valid_rows=False)

    sql = [query["sql"] for query in queries.captured_queries]
    assert any("pg_try_advisory_xact_lock" in statement for statement in sql)
    assert any(
        statement.startswith('SELECT "accounts_account"') and statement.endswith("FOR UPDATE")
        for statement in sql
    ), sql
    account.refresh_from_db()
    assert account.employees == 0
    assert account.row_version == version + 1


@postgresql_only
def test_transactions_import_plans_with_the_kinds_lock(owner, django_capture_on_commit_callbacks):
    accounts = [AccountFactory(name=f"Buyer {n}", owner=owner) for n in range(2)]
    job = checked(owner, "transactions", transaction_rows(accounts, 4),
                  django_capture_on_commit_callbacks)  # fmt: skip
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.import_job_confirm(user=owner, job=job, only_valid_rows=False)
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "pg_try_advisory_xact_lock" in s)
    lookup = next(i for i, s in enumerate(sql) if 'FROM "accounts_transaction"' in s)
    assert lock < lookup  # the dry run is repeated under the lock
    assert Transaction.objects.count() == 4


def test_an_import_stopped_at_its_time_limit_is_interrupted_with_nothing_written(
    client_for, owner, django_capture_on_commit_callbacks, monkeypatch
):
    """Celery raises SoftTimeLimitExceeded inside the task at the soft limit (here: after the
    writes, before the commit): the transaction is undone and the owner may retry."""
    job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
    write_plan = worker.import_plan_write

    def too_slow(plan, *, user, job):
        write_plan(plan, user=user, job=job)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(worker, "import_plan_write", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(user=owner, job=job, only_valid_rows=False)

    job.refresh_from_db()
    assert (job.status, job.interrupted_in) == (ImportStatus.INTERRUPTED, ImportStatus.IMPORTING)
    assert "It stopped at its time limit" in job.error
    assert not Account.objects.exists()
    page = detail(client_for(owner), job)
    assert "It stopped at its time limit" in page and 'data-testid="retry-import"' in page

    monkeypatch.setattr(worker, "import_plan_write", write_plan)
    post(client_for(owner), "import_retry", job, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportStatus.DONE, "")
    assert Account.objects.count() == 3
