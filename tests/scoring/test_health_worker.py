"""The health recalculation through a real Redis broker and real Celery workers (issue 6 and 15,
Bars): one run end to end; one whose worker is killed mid-run (SIGKILL of its whole process group)
after which the next run completes with the same results as an uninterrupted one; and one killed
the same way that is shown interrupted within its lease (the page at once, the reaper for good)
and that an admin's Retry completes with the figures of an uninterrupted run.

The workers come from tests/celery_workers.py (skipped without REDIS_URL, unless CI requires them).
"""

import datetime
import os
import re
import signal
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Attitude, BuyingRole, Complaint, StageChange, Stakeholder
from kam.celery import app
from planning.models import Notification, Visit, VisitStatus
from scoring.health import recalculation, runs
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RunStatus,
    RunTrigger,
    StopReason,
    Survey,
)
from scoring.tasks import reap_dead_health_runs, recalculate_health
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    ManagerFactory,
    StakeholderFactory,
    SurveyFactory,
    VisitFactory,
    shipped_risk_model,
    tier,
)
from tests.servers import second_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

TIMEOUT = 60


def _wait_for(predicate, process, log, what: str, timeout=TIMEOUT, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None:
            assert process.poll() is None, f"the worker died:\n{log.read_text()}"
        time.sleep(interval)
    pytest.fail(f"{what} did not happen in {timeout}s:\n{log.read_text() if log else ''}")


def _finished_run(after_pk=0):
    return (
        HealthRun.objects.filter(pk__gt=after_pk, status__in=[RunStatus.FINISHED, RunStatus.FAILED])
        .order_by("-pk")
        .first()
    )


def health_values() -> dict:
    return {
        row.pop("account_id"): row
        for row in AccountHealth.objects.values("account_id", *recalculation.HEALTH_FIELDS)
    }


def alert_keys() -> set[str]:
    return set(Notification.objects.filter(key__startswith="risk:").values_list("user_id", "key"))


def reference_run() -> tuple[dict, set]:
    """What an uninterrupted run computes from the same records: clear every result and run it
    in this process."""
    AccountHealth.objects.all().delete()
    HealthSnapshot.objects.all().delete()
    Notification.objects.filter(key__startswith="risk:").delete()
    run = runs.health_recalculate_all(trigger=RunTrigger.COMMAND)
    assert run.status == RunStatus.FINISHED, run.error_text
    return health_values(), alert_keys()


def test_a_real_worker_recalculates_every_account(celery_workers, owner, account):
    shipped_risk_model()
    today = timezone.localdate()
    now = timezone.now()
    # account: never visited (20), two complaints past due (10), nobody covering (8), an
    # opposed decision maker (7): 45, medium.
    for _ in range(2):
        ComplaintFactory(
            account=account,
            opened_on=today - datetime.timedelta(days=30),
            due_on=today - datetime.timedelta(days=20),
        )
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )
    # calm (gold, cadence 30): visited 3 days ago, satisfaction 82; nobody covering (8).
    calm = AccountFactory(owner=owner, tier=tier("gold"))
    VisitFactory(
        account=calm,
        starts_at=now - datetime.timedelta(days=3),
        status=VisitStatus.REPORTED,
        reported_at=now,
    )
    SurveyFactory(account=calm, answered_on=today, satisfaction_index=Decimal("82.00"))
    # high: as account, plus a regression (5) and a fall of satisfaction 70 → 40 (12 + 8): 70.
    high = AccountFactory(owner=owner)
    for _ in range(2):
        ComplaintFactory(
            account=high,
            opened_on=today - datetime.timedelta(days=30),
            due_on=today - datetime.timedelta(days=20),
        )
    StakeholderFactory(
        account=high, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )
    StageChange.objects.create(
        account=high,
        from_stage="mid",
        to_stage="early",
        rationale="Buyer replaced",
        is_regression=True,
    )
    SurveyFactory(account=high, answered_on=today, satisfaction_index=Decimal("40.00"))
    SurveyFactory(
        account=high,
        answered_on=today - datetime.timedelta(days=400),
        satisfaction_index=Decimal("70.00"),
    )

    process, log = celery_workers()
    recalculate_health.apply_async(args=[RunTrigger.COMMAND, None], queue=celery_workers.queue)
    run = _wait_for(_finished_run, process, log, "the run")

    assert run.status == RunStatus.FINISHED, run.error_text
    assert (run.accounts, run.changed, run.alerts, run.trigger) == (3, 3, 1, "command")
    scores = dict(AccountHealth.objects.values_list("account_id", "risk_score"))
    assert scores == {account.pk: 45, calm.pk: 8, high.pk: 70}
    assert HealthSnapshot.objects.filter(day=today).count() == 3
    by_worker, worker_alerts = health_values(), alert_keys()
    assert worker_alerts == {(owner.pk, f"risk:{high.pk}:{today.isoformat()}")}

    assert reference_run() == (by_worker, worker_alerts)


def _portfolio(count: int) -> list[int]:
    """`count` accounts with a spread of visits, complaints, decision makers and surveys, in
    bulk (the factories would take minutes); returns their primary keys in order."""
    today = timezone.localdate()
    now = timezone.now()
    owners = [ManagerFactory() for _ in range(4)]
    gold = tier("gold")
    Account.objects.bulk_create(
        AccountFactory.build(owner=owners[n % 4], tier=gold if n % 3 else None)
        for n in range(count)
    )
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    visits, complaints, people, surveys, regressions = [], [], [], [], []
    for n, pk in enumerate(ids):
        if n % 4:
            when = now - datetime.timedelta(days=(n * 7) % 120)
            visits.append(
                VisitFactory.build(
                    account_id=pk,
                    starts_at=when,
                    status=VisitStatus.REPORTED,
                    reported_at=when,
                    created_by=owners[n % 4],
                )
            )
        for k in range(n % 3):
            opened = today - datetime.timedelta(days=20 + 11 * k + n % 40)
            complaints.append(
                ComplaintFactory.build(
                    account_id=pk, opened_on=opened, due_on=opened + datetime.timedelta(days=7)
                )
            )
        if n % 5 == 0:
            people.append(
                StakeholderFactory.build(
                    account_id=pk,
                    buying_role=BuyingRole.DECISION_MAKER,
                    attitude=Attitude.OPPONENT if n % 10 == 0 else Attitude.SUPPORTER,
                )
            )
        if n % 20 == 0:  # with the above, some of these reach high risk
            regressions.append(
                StageChange(
                    account_id=pk,
                    from_stage="mid",
                    to_stage="early",
                    rationale="Buyer replaced",
                    is_regression=True,
                )
            )
        if n % 6 == 0:
            surveys.append(
                SurveyFactory.build(
                    account_id=pk,
                    respondent=None,
                    respondent_name="Buyer",
                    answered_on=today - datetime.timedelta(days=n % 300),
                    satisfaction_index=Decimal(30 + n % 70),
                )
            )
    Visit.objects.bulk_create(visits)
    Complaint.objects.bulk_create(complaints)
    Stakeholder.objects.bulk_create(people)
    Survey.objects.bulk_create(surveys)
    StageChange.objects.bulk_create(regressions)
    return ids


def _lock_is_free() -> bool:
    with second_connection() as other:
        if other.execute("SELECT pg_try_advisory_lock(%s)", [runs.LOCK_KEY]).fetchone()[0]:
            other.execute("SELECT pg_advisory_unlock(%s)", [runs.LOCK_KEY])
            return True
    return False


def test_a_killed_worker_leaves_whole_batches_and_the_next_run_completes_them(celery_workers):
    shipped_risk_model()
    total, batch = 400, 3
    ids = _portfolio(total)
    today = timezone.localdate()

    process, log = celery_workers()
    recalculate_health.apply_async(
        args=[RunTrigger.NIGHTLY, None, batch], queue=celery_workers.queue
    )

    def midway():
        run = HealthRun.objects.filter(status=RunStatus.RUNNING).first()
        return run if run and 30 <= run.accounts <= total - 60 else None

    killed_run = _wait_for(midway, process, log, "the run reaching the middle", interval=0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    _wait_for(_lock_is_free, None, None, "PostgreSQL releasing the dead worker's lock", 15)

    killed_run.refresh_from_db()
    assert killed_run.status == RunStatus.RUNNING  # nobody could say it finished
    assert 0 < killed_run.accounts < total
    # Whole batches or nothing: the run's counter is committed with each batch, so it equals
    # the rows written; every pk range of a batch is all written or not at all; each written
    # account has its snapshot, agreeing with it.
    written = health_values()
    assert len(written) == killed_run.accounts
    for start in range(0, total, batch):
        chunk = ids[start : start + batch]
        assert len({pk in written for pk in chunk}) == 1, chunk
    snapshots = {
        s.account_id: (s.risk_score, s.risk_level, s.satisfaction_index)
        for s in HealthSnapshot.objects.filter(day=today)
    }
    assert set(snapshots) == set(written)
    for pk, values in written.items():
        assert snapshots[pk] == (
            values["risk_score"],
            values["risk_level"],
            values["satisfaction_index"],
        )
        assert sum(f["points"] for f in values["factors"]) == values["risk_score"]

    process, log = celery_workers()
    recalculate_health.apply_async(args=[RunTrigger.NIGHTLY, None, 50], queue=celery_workers.queue)
    run = _wait_for(lambda: _finished_run(after_pk=killed_run.pk), process, log, "the next run")

    killed_run.refresh_from_db()
    assert killed_run.status == RunStatus.INTERRUPTED
    assert killed_run.finished_at is not None
    assert run.status == RunStatus.FINISHED, run.error_text
    # What the killed run wrote was complete and right: the next run found it unchanged.
    assert (run.accounts, run.changed) == (total, total - len(written))
    resumed, resumed_alerts = health_values(), alert_keys()
    assert len(resumed) == total
    assert any(v["risk_level"] == "high" for v in resumed.values())
    assert len(resumed_alerts) == sum(v["risk_level"] == "high" for v in resumed.values())

    # The same results as one uninterrupted run over the same records.
    reference, reference_alerts = reference_run()
    assert resumed == reference
    assert resumed_alerts == reference_alerts


# A short lease, for this process and the workers: a killed run is dead after 4 s, not 60.
LEASE = 4


def _shown_status(client, run) -> str | None:
    html = client.get(reverse("scoring:health_runs")).content.decode()
    found = re.search(rf'data-status="(\w+)" data-run="{run.pk}"', html)
    return found and found[1]


@pytest.fixture
def queued_here(celery_workers):
    """Tasks queued the way the site queues them (.delay, as the Retry button does) go to this
    test's queue, which its workers read."""
    default = app.conf.task_default_queue
    app.conf.task_default_queue = celery_workers.queue
    yield
    app.conf.task_default_queue = default


def test_a_killed_run_is_shown_interrupted_within_its_lease_and_retry_completes_it(
    celery_workers, queued_here, client_for, admin_user, settings
):
    settings.KAM_JOB_LEASE_SECONDS = LEASE
    lease = {"KAM_JOB_LEASE_SECONDS": str(LEASE)}
    shipped_risk_model()
    total, batch = 400, 3
    ids = _portfolio(total)
    client = client_for(admin_user)

    process, log = celery_workers(lease)
    recalculate_health.apply_async(
        args=[RunTrigger.NIGHTLY, None, batch], queue=celery_workers.queue
    )

    def midway():
        run = HealthRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__isnull=False)
        run = run.first()
        return run if run and 30 <= run.accounts <= total - 60 else None

    killed_run = _wait_for(midway, process, log, "the run reaching the middle", interval=0.01)
    os.killpg(process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    process.wait(timeout=10)

    # Its last beat is at most a quarter of a lease old: still shown running…
    assert _shown_status(client, killed_run) == "running"
    # …and interrupted as soon as the lease has passed, before any reaper ran.
    _wait_for(
        lambda: _shown_status(client, killed_run) == "interrupted",
        None,
        None,
        "the runs page showing the run interrupted",
        timeout=LEASE + 3,
        interval=0.2,
    )
    assert time.monotonic() - killed_at <= LEASE + 3
    killed_run.refresh_from_db()
    assert killed_run.status == RunStatus.RUNNING  # nobody wrote it yet: the page saw the lease
    written = health_values()
    assert len(written) == killed_run.accounts
    # Whole batches in id order: every account up to done_through has its health, none after.
    assert set(written) == {pk for pk in ids if pk <= killed_run.done_through}
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert f"Saved: {killed_run.accounts:,} of {total} accounts" in html
    assert f"every account up to no. {killed_run.done_through}," in html
    assert f"Not saved: the other {total - killed_run.accounts:,}" in html
    assert 'data-testid="run-retry"' in html

    # The reaper, the beat job a new worker runs every minute, marks it for good.
    process, log = celery_workers(lease)
    reap_dead_health_runs.apply_async(queue=celery_workers.queue)
    _wait_for(
        lambda: HealthRun.objects.filter(pk=killed_run.pk, status=RunStatus.INTERRUPTED).exists(),
        process,
        log,
        "the reaper marking the run interrupted",
    )
    killed_run.refresh_from_db()
    assert killed_run.stopped_because == StopReason.WORKER_LOST
    assert killed_run.finished_at == killed_run.heartbeat_at

    # The broker hands the killed message out again (its visibility timeout passed): the worker
    # finds its run and starts nothing.
    recalculate_health.apply_async(
        args=[RunTrigger.NIGHTLY, None, batch],
        task_id=killed_run.task_id,
        queue=celery_workers.queue,
    )
    _wait_for(
        lambda: f"Task {killed_run.task_id} delivered again" in log.read_text(),
        process,
        log,
        "the worker recognising the message",
    )
    assert HealthRun.objects.count() == 1

    # One click on Retry: a new run carries on after what was saved and completes it.
    response = client.post(reverse("scoring:health_run_retry", args=[killed_run.pk]))
    assert response.status_code == 302
    retry = _wait_for(
        lambda: HealthRun.objects.filter(
            retry_of=killed_run, status__in=[RunStatus.FINISHED, RunStatus.FAILED]
        ).first(),
        process,
        log,
        "the retry",
    )
    assert retry.status == RunStatus.FINISHED, retry.error_text
    assert (retry.resumed_after, retry.requested_by, retry.trigger, retry.attempt) == (
        killed_run.done_through,
        admin_user,
        RunTrigger.NIGHTLY,
        2,
    )
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert "carried on from here" in html and 'data-testid="run-retry"' not in html
    resumed, resumed_alerts = health_values(), alert_keys()
    assert len(resumed) == total
    counts = (retry.accounts, retry.changed, retry.alerts)

    # The same figures as one uninterrupted run over the same records: the accounts' health,
    # the alerts, and the run's own counts.
    reference, reference_alerts = reference_run()
    uninterrupted = HealthRun.objects.latest("pk")
    assert resumed == reference
    assert resumed_alerts == reference_alerts
    assert counts == (uninterrupted.accounts, uninterrupted.changed, uninterrupted.alerts)
