"""The daily digest through a real Redis broker and a real Celery worker: the task is sent to a
queue of its own, a worker process picks it up, and the notifications appear in the database;
the e-mail it queued is sent by the mail queue's task (sent here to the same queue, as the
every-minute beat entry would; the one each commit asks for goes to the default queue).

The worker comes from tests/celery_workers.py (skipped without REDIS_URL, unless CI requires it).
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tasks import send_pending_mail
from planning.models import Notification
from planning.tasks import send_daily_digests
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

TIMEOUT = 20


def test_a_real_worker_sends_the_daily_digest_once(celery_workers, owner, account):
    process, log = celery_workers()
    queue = celery_workers.queue
    today = timezone.localdate()
    ActionFactory(
        objective=ObjectiveFactory(plan=PlanFactory(account=account, owner=owner)),
        owner=owner,
        description="Call the plant manager",
        due_on=today - timedelta(days=2),
    )

    for _ in range(2):  # a second run the same day creates nothing
        send_daily_digests.apply_async(args=[today.isoformat()], queue=queue)
    for _ in range(2):  # the second finds nothing to send
        send_pending_mail.apply_async(queue=queue)

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the worker died:\n{log.read_text()}"
        if log.read_text().count("succeeded in") >= 4:
            break
        time.sleep(0.25)
    else:
        pytest.fail(f"the worker did not run the four tasks in {TIMEOUT}s:\n{log.read_text()}")

    notifications = list(Notification.objects.filter(user=owner))
    assert len(notifications) == 1
    assert "Call the plant manager" in notifications[0].text
    output = log.read_text()
    assert output.count("Subject: KAM:") == 1, output  # the console mailer printed one mail
