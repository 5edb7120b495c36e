"""Background exports (issue 16): an export of more rows than KAM_EXPORT_INLINE_MAX_ROWS becomes
an ExportJob that a worker writes (here in process) and its owner downloads from the job's page;
smaller ones stay instant downloads. The file holds the owner's scope only and no private note;
a dead worker's job is interrupted and retried; old files are deleted; "My exports" costs a
bounded number of queries."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.background_exports import services
from accounts.models import ExportFilePart, ExportJob, ExportKind, ExportStatus
from tests.accounts.import_jobs import account_rows, checked
from tests.factories import AccountFactory, PrivateNoteFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

SECRET = "Secret-orchid-collector"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def portfolios(owner, outsider, account):
    """The owner's three accounts (the fixture's, with a stakeholder and a private note, and two
    more) and another manager's two."""
    person = StakeholderFactory(account=account, name="Ma Rui")
    PrivateNoteFactory(stakeholder=person, interests=SECRET, family=SECRET)
    mine = [account.name]
    for n in range(2):
        mine.append(AccountFactory(name=f"Mine {n}", owner=owner).name)
    for n in range(2):
        theirs = AccountFactory(name=f"Theirs {n}", owner=outsider)
        StakeholderFactory(account=theirs, name=f"Their person {n}")
    return sorted(mine)


def export_url(kind, **params):
    return reverse(f"accounts:export_{kind}") + "?" + urlencode(params)


def start(client, url, capture, *, run=True) -> ExportJob:
    """GET the export link: a large one answers with the job's page; `run`: the worker writes it
    (in process) when the request commits."""
    with capture(execute=run):
        response = client.get(url)
    assert response.status_code == 302, response.status_code
    match = resolve(response.url)
    assert match.url_name == "export_job"
    return ExportJob.objects.get(pk=match.kwargs["pk"])


def downloaded_rows(client, job) -> list[list]:
    response = client.get(reverse("accounts:export_job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    raw = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(raw) == job.file_size
    if job.export_format == "csv":
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_small_export_stays_an_instant_download(client_for, owner, portfolios, settings):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 3
    response = client_for(owner).get(export_url("accounts", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_a_large_export_is_written_in_the_background_with_the_owners_accounts_only(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, export_format
):
    client = client_for(owner)
    job = start(
        client, export_url("accounts", format=export_format), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert (job.status, job.kind, job.export_format) == ("done", "accounts", export_format)
    assert (job.rows_total, job.rows_written) == (3, 3)
    assert job.file_name.startswith("kam-accounts-") and job.file_name.endswith(export_format)

    page = client.get(reverse("accounts:export_job", args=[job.pk])).content.decode()
    assert 'data-testid="download-export"' in page and "hx-get" not in page
    rows = downloaded_rows(client, job)
    assert rows[0][0] == "Name"
    assert sorted(row[0] for row in rows[1:]) == portfolios


def test_the_list_filters_travel_with_the_job(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, settings
):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 1
    client = client_for(owner)
    job = start(
        client, export_url("accounts", format="csv", q="Mine", page=2),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert job.parameters == {"query": "q=Mine"}
    job.refresh_from_db()
    assert sorted(row[0] for row in downloaded_rows(client, job)[1:]) == ["Mine 0", "Mine 1"]


def test_the_worker_rebuilds_the_rows_through_the_owners_scope(
    client_for, owner, outsider, portfolios
):
    """Whatever the parameters say (another manager as the owner filter), the rows are the
    owner's visible accounts, read when the job runs."""
    jobs = [
        ExportJob.objects.create(user=owner, kind="accounts", export_format="csv",
                                 parameters={"query": query}, language="en")
        for query in (f"owner={outsider.pk}", "")
    ]  # fmt: skip
    AccountFactory(name="Mine later", owner=owner)
    client = client_for(owner)
    for job in jobs:
        assert services.export_job_run(job.pk, job.attempt) == ExportStatus.DONE
        job.refresh_from_db()
    assert downloaded_rows(client, jobs[0])[1:] == []
    assert sorted(row[0] for row in downloaded_rows(client, jobs[1])[1:]) == sorted(
        [*portfolios, "Mine later"]
    )


def test_a_directors_export_holds_every_account(
    client_for, director, portfolios, django_capture_on_commit_callbacks
):
    client = client_for(director)
    job = start(client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert len(downloaded_rows(client, job)) == 1 + 5


def test_the_stakeholders_export_never_holds_a_private_note(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, settings
):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 0
    client = client_for(owner)
    job = start(
        client, export_url("stakeholders", format="xlsx"), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    rows = downloaded_rows(client, job)
    assert [row[2] for row in rows[1:]] == ["Ma Rui"]
    assert SECRET not in repr(rows)
    raw = b"".join(ExportFilePart.objects.filter(job=job).values_list("data", flat=True))
    assert SECRET.encode() not in raw


def test_asking_again_while_it_is_written_lands_on_the_same_job(
    client_for, owner, portfolios, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    url = export_url("accounts", format="csv")
    first = start(client, url, django_capture_on_commit_callbacks, run=False)
    again = start(client, url, django_capture_on_commit_callbacks, run=False)
    assert first.pk == again.pk and ExportJob.objects.count() == 1
    other_format = start(
        client, export_url("accounts", format="xlsx"), django_capture_on_commit_callbacks,
        run=False,
    )  # fmt: skip
    assert other_format.pk != first.pk


def test_the_page_polls_while_the_job_runs_and_reloads_when_it_ends(
    client_for, owner, portfolios, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = start(
        client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks, run=False
    )
    page = client.get(reverse("accounts:export_job", args=[job.pk])).content.decode()
    assert 'data-testid="export-progress"' in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript
    progress_url = reverse("accounts:export_job_progress", args=[job.pk])
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", rows_total=3, rows_written=2, heartbeat_at=timezone.now(),
        started_at=timezone.now(),
    )  # fmt: skip
    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "2 of 3 rows written" in fragment.content.decode()

    services.export_job_run(job.pk, job.attempt)  # already running: another delivery does nothing
    ExportJob.objects.filter(pk=job.pk).update(status="queued")
    services.export_job_run(job.pk, job.attempt)
    refresh = client.get(progress_url, headers={"HX-Request": "true"})
    assert refresh.headers["HX-Refresh"] == "true"


def test_a_dead_workers_job_is_shown_interrupted_reaped_and_retried(
    client_for, owner, portfolios, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = start(
        client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks, run=False
    )
    long_ago = timezone.now() - timedelta(minutes=10)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    page = client.get(reverse("accounts:export_job", args=[job.pk])).content.decode()
    assert "The export was interrupted" in page and 'data-testid="retry-export"' in page
    assert "hx-get" not in page
    progress = client.get(reverse("accounts:export_job_progress", args=[job.pk]))
    assert progress.headers["HX-Refresh"] == "true"

    assert services.export_jobs_reap_dead() == 1
    assert services.export_jobs_reap_dead() == 0
    job.refresh_from_db()
    assert job.status == ExportStatus.INTERRUPTED

    stale = job.attempt
    services.export_job_run(job.pk, stale)  # the message delivered again: does nothing
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.INTERRUPTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:export_job_retry", args=[job.pk]), {"attempt": stale}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.rows_written) == ("done", stale + 1, 3)
    # A second click on the stale page's button acts on nothing.
    client.post(reverse("accounts:export_job_retry", args=[job.pk]), {"attempt": stale})
    assert ExportJob.objects.get(pk=job.pk).attempt == stale + 1


def test_a_job_no_worker_picks_up_offers_retry(
    client_for, owner, portfolios, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    job = start(
        client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks, run=False
    )
    ExportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=10))
    page = client.get(reverse("accounts:export_job", args=[job.pk])).content.decode()
    assert "No worker has picked this export up yet" in page
    assert 'data-testid="retry-export"' in page
    watch = reverse("accounts:export_job_progress", args=[job.pk]) + "?while=stuck"
    assert watch in page
    assert client.get(watch).status_code == 204
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now(), heartbeat_at=timezone.now()
    )  # a worker took it at last
    assert client.get(watch).headers["HX-Refresh"] == "true"


def test_a_too_large_workbook_fails_with_a_message(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("accounts.exports.XLSX_MAX_ROWS", 2)
    client = client_for(owner)
    job = ExportJob.objects.create(user=owner, kind="accounts", export_format="xlsx",
                                   parameters={"query": ""}, language="en")  # fmt: skip
    assert services.export_job_run(job.pk, job.attempt) == ExportStatus.FAILED
    page = client.get(reverse("accounts:export_job", args=[job.pk])).content.decode()
    assert "more rows than an Excel worksheet holds" in page


def test_a_large_import_report_is_written_in_the_background(
    client_for, owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", account_rows(5), capture=django_capture_on_commit_callbacks)
    client = client_for(owner)
    url = reverse("accounts:import_report", args=[job.pk]) + "?format=csv"
    export = start(client, url, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert (export.kind, export.parameters) == (ExportKind.IMPORT_REPORT, {"import_job": job.pk})
    rows = downloaded_rows(client, export)
    assert rows[0][:3] == ["Line", "Result", "Problems"]
    assert [row[3] for row in rows[1:]] == [f"Customer {n:05d}" for n in range(5)]


def test_a_small_import_report_stays_an_instant_download(
    client_for, owner, django_capture_on_commit_callbacks, settings
):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 5
    job = checked(owner, "accounts", account_rows(5), capture=django_capture_on_commit_callbacks)
    response = client_for(owner).get(
        reverse("accounts:import_report", args=[job.pk]) + "?format=csv"
    )
    assert response.status_code == 200 and not ExportJob.objects.exists()


def test_old_files_are_deleted_and_the_job_says_so(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, settings
):
    settings.KAM_EXPORT_FILE_RETENTION_DAYS = 7
    client = client_for(owner)
    old = start(client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks)
    recent = start(
        client, export_url("accounts", format="xlsx"), django_capture_on_commit_callbacks
    )
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))

    assert services.export_files_delete_old() == 1
    assert services.export_files_delete_old() == 0
    assert not ExportFilePart.objects.filter(job=old).exists()
    assert ExportFilePart.objects.filter(job=recent).exists()
    download = client.get(reverse("accounts:export_job_download", args=[old.pk]))
    assert download.status_code == 302
    page = client.get(reverse("accounts:export_job", args=[old.pk])).content.decode()
    assert 'data-testid="export-file-deleted"' in page


def test_a_file_of_several_parts_is_sent_whole(
    client_for, owner, portfolios, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "PART_BYTES", 100)
    client = client_for(owner)
    job = start(client, export_url("accounts", format="csv"), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert ExportFilePart.objects.filter(job=job).count() == -(-job.file_size // 100) > 3
    assert sorted(row[0] for row in downloaded_rows(client, job)[1:]) == portfolios


def make_jobs(user, count):
    ExportJob.objects.bulk_create(
        ExportJob(user=user, kind="accounts", export_format="csv", language="en",
                  status="done", rows_total=n, rows_written=n, file_name=f"f{n}.csv",
                  finished_at=timezone.now())
        for n in range(count)
    )  # fmt: skip


@pytest.mark.parametrize("count", [2, 60])
def test_my_exports_costs_a_bounded_number_of_queries(
    client_for, owner, outsider, django_assert_max_num_queries, count
):
    make_jobs(owner, count)
    make_jobs(outsider, 3)
    client = client_for(owner)
    client.get(reverse("accounts:export_jobs"))  # warm the session and role caches
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:export_jobs"))
    assert response.status_code == 200
    shown = response.content.decode().count('data-testid="export-status"')
    assert shown == min(count, 50)


def test_my_exports_lists_only_mine(client_for, owner, outsider):
    make_jobs(outsider, 2)
    page = client_for(owner).get(reverse("accounts:export_jobs")).content.decode()
    assert 'data-testid="no-exports"' in page
