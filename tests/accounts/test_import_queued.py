"""An import whose check or import is saved but waits in the outbox (the broker unreachable):
its page says so plainly, shows no progress bar, and watches slowly for the work to be sent.
The outbox row is written as accounts.outbox.enqueue leaves it when the broker refuses."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import ImportJob, ImportStatus, OutboxMessage
from tests.accounts.import_jobs import account_rows, upload

pytestmark = pytest.mark.django_db


def waiting_in_the_outbox(job: ImportJob, *, queued_ago: timedelta = timedelta(0)) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING,
        attempt=F("attempt") + 1,
        queued_at=timezone.now() - queued_ago,
        heartbeat_at=None,
    )
    job.refresh_from_db()
    OutboxMessage.objects.create(
        task="accounts.tasks.run_import_step", args=[job.pk, job.attempt], attempts=1
    )
    return job


def test_a_check_waiting_for_the_queue_says_so_instead_of_a_progress_bar(client_for, owner):
    job = waiting_in_the_outbox(upload(owner, "accounts", account_rows(3)))

    html = client_for(owner).get(reverse("accounts:import_detail", args=[job.pk])).content.decode()

    assert "Saved: the check will run when the background queue is back." in html
    assert 'data-testid="import-queued"' in html
    assert 'data-testid="import-progress"' not in html
    assert "?while=queued" in html


def test_the_watch_waits_while_queued_and_reloads_once_the_work_was_sent(client_for, owner):
    job = waiting_in_the_outbox(upload(owner, "accounts", account_rows(3)))
    client = client_for(owner)
    url = reverse("accounts:import_progress", args=[job.pk]) + "?while=queued"

    assert client.get(url).status_code == 204
    OutboxMessage.objects.update(published_at=timezone.now())
    response = client.get(url)

    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    html = client.get(reverse("accounts:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-progress"' in html, "sent: the page follows the check again"


def test_an_older_attempt_in_the_outbox_does_not_count(client_for, owner):
    job = waiting_in_the_outbox(upload(owner, "accounts", account_rows(3)))
    ImportJob.objects.filter(pk=job.pk).update(attempt=F("attempt") + 1)

    html = client_for(owner).get(reverse("accounts:import_detail", args=[job.pk])).content.decode()

    assert 'data-testid="import-queued"' not in html


def test_after_a_lease_it_still_says_why_and_offers_retry_and_cancel(client_for, owner, settings):
    job = waiting_in_the_outbox(
        upload(owner, "accounts", account_rows(3)),
        queued_ago=timedelta(seconds=settings.KAM_JOB_LEASE_SECONDS + 5),
    )

    html = client_for(owner).get(reverse("accounts:import_detail", args=[job.pk])).content.decode()

    assert "the background step will run when the queue is back" in html
    assert 'data-testid="retry-import"' in html and 'data-testid="cancel-import"' in html
    assert "Is the Celery worker running?" not in html
