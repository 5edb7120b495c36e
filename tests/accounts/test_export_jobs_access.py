"""DESIGN.md §3 on every background-export URL (issue 16): an export belongs to the person who
asked for it. Another manager, a director and an admin all get 404 for it, whatever the method
(its file holds what its owner could see, not what they can); each of them uses their own."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.background_exports import services
from accounts.models import ExportJob, ExportStatus
from tests.access_checks import assert_hidden_from, url_names

pytestmark = pytest.mark.django_db

JOB_URL_NAMES = (
    "accounts:export_job",
    "accounts:export_job_progress",
    "accounts:export_job_download",
    "accounts:export_job_retry",
)


def job_urls(job) -> dict[str, str]:
    return {name: reverse(name, args=[job.pk]) for name in JOB_URL_NAMES}


def written_export(user) -> ExportJob:
    job = ExportJob.objects.create(
        user=user, kind="accounts", export_format="csv", parameters={"query": ""}, language="en"
    )
    assert services.export_job_run(job.pk, job.attempt) == ExportStatus.DONE
    job.refresh_from_db()
    return job


def failed_export(user) -> ExportJob:
    return ExportJob.objects.create(
        user=user, kind="accounts", export_format="csv", parameters={"query": ""},
        language="en", status=ExportStatus.FAILED, finished_at=timezone.now(),
    )  # fmt: skip


def test_every_export_url_is_covered_by_these_tests(owner):
    job = written_export(owner)
    covered = set(job_urls(job)) | {"accounts:export_jobs"}
    assert {name for name in url_names("accounts") if name.startswith("accounts:export_job")} == (
        covered
    )


@pytest.mark.parametrize("who", ["outsider", "teammate", "director", "admin_user"])
def test_another_users_export_answers_404_whatever_the_method(
    client_for, owner, account, who, request
):
    job = written_export(owner)
    stuck = failed_export(owner)
    client = client_for(request.getfixturevalue(who))
    assert_hidden_from(client, [*job_urls(job).values(), *job_urls(stuck).values()])
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempt) == (ExportStatus.FAILED, 0), "a refused retry acted"
    page = client.get(reverse("accounts:export_jobs")).content.decode()
    assert f'href="{reverse("accounts:export_job", args=[job.pk])}"' not in page


@pytest.mark.parametrize("who", ["owner", "director", "admin_user"])
def test_each_role_uses_its_own_exports(
    client_for, account, who, request, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    job = written_export(user)
    stuck = failed_export(user)
    client = client_for(user)
    assert client.get(reverse("accounts:export_jobs")).status_code == 200
    assert client.get(reverse("accounts:export_job", args=[job.pk])).status_code == 200
    assert client.get(reverse("accounts:export_job_download", args=[job.pk])).status_code == 200
    progress = client.get(reverse("accounts:export_job_progress", args=[job.pk]))
    assert progress.headers["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        retry = client.post(reverse("accounts:export_job_retry", args=[stuck.pk]), {"attempt": 0})
    assert retry.status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.DONE  # retried, and written in process


def test_the_wrong_method_is_refused_to_the_owner(client_for, owner):
    job = written_export(owner)
    client = client_for(owner)
    for name in ("accounts:export_job", "accounts:export_job_progress",
                 "accounts:export_job_download"):  # fmt: skip
        assert client.post(reverse(name, args=[job.pk])).status_code == 405
    assert client.get(reverse("accounts:export_job_retry", args=[job.pk])).status_code == 405
    assert client.post(reverse("accounts:export_jobs")).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, owner):
    job = written_export(owner)
    for url in [reverse("accounts:export_jobs"), *job_urls(job).values()]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_a_large_import_report_of_another_managers_import_answers_404(
    client_for, owner, outsider, settings, django_capture_on_commit_callbacks
):
    from tests.accounts.import_jobs import account_rows, checked

    settings.KAM_EXPORT_INLINE_MAX_ROWS = 1
    job = checked(owner, "accounts", account_rows(3), capture=django_capture_on_commit_callbacks)
    url = reverse("accounts:import_report", args=[job.pk]) + "?format=csv"
    assert client_for(outsider).get(url).status_code == 404
    assert not ExportJob.objects.exists()
