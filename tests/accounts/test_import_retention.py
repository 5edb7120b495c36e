"""Uploaded import files are deleted KAM_IMPORT_FILE_RETENTION_DAYS after the job's last step
(issue 15, retention), by an idempotent beat job; the job, its counts and its report stay, and the
report's download then has what the job kept, saying the file's own columns are gone. Every job
here is made by hand, with its dates set in the past."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.imports import services
from accounts.models import ImportJob, ImportStatus
from accounts.tasks import delete_old_import_files
from tests.accounts.import_jobs import account_rows, checked

pytestmark = pytest.mark.django_db

ROWS = account_rows(3)


@pytest.fixture
def jobs(owner, django_capture_on_commit_callbacks):
    """One checked job per case, its last step `days` ago."""

    def make(status, days, **dates):
        job = checked(owner, "accounts", ROWS, django_capture_on_commit_callbacks)
        then = timezone.now() - timedelta(days=days)
        fields = {"created_at": then - timedelta(hours=1), "checked_at": then - timedelta(hours=1),
                  "queued_at": then - timedelta(hours=1), "status": status} | dates  # fmt: skip
        if status in {ImportStatus.DONE, ImportStatus.NOTHING, ImportStatus.FAILED}:
            fields.setdefault("finished_at", then)
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        return job

    return make


def file_of(job) -> tuple[bytes, list, bool]:
    stored = ImportJob.objects.get(pk=job.pk)
    return bytes(stored.content), stored.preview, stored.has_file


def test_files_are_deleted_a_retention_after_the_jobs_last_step_and_only_once(jobs, settings):
    settings.KAM_IMPORT_FILE_RETENTION_DAYS = 30
    old = {
        "imported": jobs(ImportStatus.DONE, 31),
        "nothing to import": jobs(ImportStatus.NOTHING, 45),
        "failed": jobs(ImportStatus.FAILED, 31),
        "left checked": jobs(ImportStatus.CHECKED, 31, finished_at=None),
        "left interrupted": jobs(ImportStatus.INTERRUPTED, 31),
    }
    kept = {
        "imported lately": jobs(ImportStatus.DONE, 29),
        # Uploaded long ago, but imported yesterday: counted from its last step.
        "imported yesterday": jobs(
            ImportStatus.DONE, 1, created_at=timezone.now() - timedelta(days=90)
        ),
        "running": jobs(ImportStatus.IMPORTING, 60),
    }
    reports = {name: ImportJob.objects.get(pk=job.pk).report for name, job in old.items()}

    assert delete_old_import_files() == len(old)  # the beat job's task

    for name, job in old.items():
        content, preview, has_file = file_of(job)
        assert (content, preview, has_file) == (b"", [], False), name
        stored = ImportJob.objects.get(pk=job.pk)
        assert stored.report == reports[name] and stored.planned["create"] == 3, name
    for name, job in kept.items():
        content, preview, has_file = file_of(job)
        assert content and preview and has_file, name
    deleted_at = {job.pk: ImportJob.objects.get(pk=job.pk).file_deleted_at for job in old.values()}

    assert services.import_files_delete_old() == 0  # idempotent
    assert deleted_at == {
        job.pk: ImportJob.objects.get(pk=job.pk).file_deleted_at for job in old.values()
    }


def test_the_retention_is_a_setting(jobs, settings):
    settings.KAM_IMPORT_FILE_RETENTION_DAYS = 7
    week_old, days_old = jobs(ImportStatus.DONE, 8), jobs(ImportStatus.DONE, 6)
    assert services.import_files_delete_old() == 1
    assert not file_of(week_old)[2] and file_of(days_old)[2]


def test_after_the_file_is_deleted_the_page_says_so_and_the_report_has_what_the_job_kept(
    client_for, owner, jobs, settings
):
    settings.KAM_IMPORT_FILE_RETENTION_DAYS = 30
    job = jobs(ImportStatus.CHECKED, 40, finished_at=None)
    services.import_files_delete_old()
    client = client_for(owner)

    page = client.get(reverse("accounts:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-file-deleted"' in page
    assert "KAM keeps import files for 30 days" in page
    assert 'data-testid="confirm-import"' not in page and "Upload the file again" in page
    assert 'data-line="2"' in page  # the report stays

    response = client.get(reverse("accounts:import_report", args=[job.pk]), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Line", "Result", "Problems", "Changes"]
    assert "The uploaded file was deleted on" in lines[1][2]
    assert "this report has no columns of the file" in lines[1][2]
    assert [line[:2] for line in lines[2:]] == [["2", "Create"], ["3", "Create"], ["4", "Create"]]
    assert "Customer 00001" not in text  # none of the file's own cells

    # The mapping page and the services refuse a job without its file.
    mapping = client.get(reverse("accounts:import_mapping", args=[job.pk]))
    assert mapping.url == reverse("accounts:import_detail", args=[job.pk])
    response = client.post(reverse("accounts:import_confirm", args=[job.pk]))
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("The uploaded file has been deleted" in message for message in shown)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED
