"""Health runs never hang (issue 15 item 4): a run whose worker died is shown interrupted as soon
as its lease expires and marked so by the reaper every minute; it says what it saved; an admin
retries it (a new run that carries on and ends with the figures of an uninterrupted run) or
dismisses it; only admins may. The real SIGKILL of a worker: tests/scoring/test_health_worker.py."""

import datetime
import re

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Attitude, BuyingRole
from planning.models import Notification
from scoring import tasks
from scoring.health import recalculation, runs, services
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RunStatus,
    RunTrigger,
    StopReason,
)
from tests.access_checks import assert_refused
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    StageChangeFactory,
    StakeholderFactory,
    shipped_risk_model,
)
from tests.servers import second_connection

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
LEASE = 60


@pytest.fixture(autouse=True)
def lease(settings):
    settings.KAM_JOB_LEASE_SECONDS = LEASE
    return LEASE


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def made_run(**fields) -> HealthRun:
    """A hand-made run, as the worker would have left it."""
    fields.setdefault("trigger", RunTrigger.NIGHTLY)
    fields.setdefault("as_of", AS_OF)
    fields.setdefault("attempt", 1)
    return HealthRun.objects.create(**fields)


def portfolio(count=12) -> list:
    """Accounts with a spread of scores; every third reaches high risk (an alert each)."""
    accounts = []
    for n in range(count):
        account = AccountFactory()
        if n % 2:
            ComplaintFactory(
                account=account,
                opened_on=AS_OF - datetime.timedelta(days=30),
                due_on=AS_OF - datetime.timedelta(days=20),
            )
        if n % 3 == 0:
            StakeholderFactory(
                account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
            )
            for _ in range(2):
                ComplaintFactory(
                    account=account,
                    opened_on=AS_OF - datetime.timedelta(days=30),
                    due_on=AS_OF - datetime.timedelta(days=20),
                )
            StageChangeFactory(
                account=account,
                changed_at=timezone.make_aware(datetime.datetime(2026, 6, 27, 10)),
                is_regression=True,
            )
        accounts.append(account)
    return accounts


def results() -> tuple:
    """Everything a run writes, to compare two runs."""
    return (
        {
            row.pop("account_id"): row
            for row in AccountHealth.objects.values("account_id", *recalculation.HEALTH_FIELDS)
        },
        set(HealthSnapshot.objects.values_list("account_id", "day", "risk_score")),
        set(Notification.objects.filter(key__startswith="risk:").values_list("user_id", "key")),
    )


def uninterrupted() -> tuple:
    """What one uninterrupted run computes from the same records: clear every result and run."""
    AccountHealth.objects.all().delete()
    HealthSnapshot.objects.all().delete()
    Notification.objects.filter(key__startswith="risk:").delete()
    run = runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=AS_OF)
    assert run.status == RunStatus.FINISHED, run.error_text
    return results(), (run.accounts, run.changed, run.alerts)


def stopping_after(monkeypatch, batches: int, error: BaseException):
    """Make the run stop with `error` when it reaches batch number `batches` + 1."""
    real = runs.health_batch_recalculate
    seen = []

    def recalculate_batch(lo, hi, **kwargs):
        seen.append((lo, hi))
        if len(seen) > batches:
            raise error
        return real(lo, hi, **kwargs)

    monkeypatch.setattr(runs, "health_batch_recalculate", recalculate_batch)
    return seen


# --- The reaper -------------------------------------------------------------------------------


def test_the_reaper_marks_interrupted_only_runs_silent_for_a_whole_lease():
    beat_long_ago = ago(LEASE + 1)
    alive = made_run(heartbeat_at=ago(LEASE / 4), started_at=ago(3600))
    dead = made_run(heartbeat_at=beat_long_ago, started_at=ago(3600), accounts=40)
    never_beat = made_run(started_at=ago(LEASE + 5))
    just_started = made_run(started_at=ago(5))
    finished_at = ago(7000)
    finished = made_run(status=RunStatus.FINISHED, started_at=ago(7200), finished_at=finished_at)

    assert tasks.reap_dead_health_runs.delay().get() == 2

    for run in (alive, dead, never_beat, just_started, finished):
        run.refresh_from_db()
    assert alive.status == just_started.status == RunStatus.RUNNING
    assert (finished.status, finished.finished_at) == (RunStatus.FINISHED, finished_at)
    assert dead.status == never_beat.status == RunStatus.INTERRUPTED
    assert dead.stopped_because == never_beat.stopped_because == StopReason.WORKER_LOST
    # Stopped at the last sign of life, and what it saved stays counted.
    assert dead.finished_at == beat_long_ago and dead.accounts == 40
    assert never_beat.finished_at == never_beat.started_at
    # Idempotent: nothing is left to reap.
    assert runs.health_runs_reap_dead() == 0


def test_the_next_run_marks_a_run_left_running_interrupted_at_its_last_sign_of_life():
    shipped_risk_model()
    stale = made_run(heartbeat_at=ago(10), started_at=ago(600))  # beat recently, but no lock

    run = runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=AS_OF)

    stale.refresh_from_db()
    assert (stale.status, stale.finished_at) == (RunStatus.INTERRUPTED, stale.heartbeat_at)
    assert run.status == RunStatus.FINISHED


# --- What the runs page shows -----------------------------------------------------------------


def _rows(html: str) -> dict[str, str]:
    """{run id: the status its row shows}."""
    return {pk: status for status, pk in re.findall(r'data-status="(\w+)" data-run="(\d+)"', html)}


def test_a_run_whose_lease_expired_is_shown_interrupted_with_what_it_saved(client_for, admin_user):
    dead = made_run(
        started_at=ago(600),
        heartbeat_at=ago(LEASE + 2),
        planned=3000,
        accounts=1200,
        changed=900,
        done_through=4512,
    )
    client = client_for(admin_user)

    html = client.get(reverse("scoring:health_runs")).content.decode()

    dead.refresh_from_db()
    assert dead.status == RunStatus.RUNNING  # the page shows it; the reaper writes it
    assert _rows(html) == {str(dead.pk): "interrupted"}
    assert "Interrupted" in html
    assert "its worker stopped answering" in html
    assert "Saved: 1,200 of 3,000 accounts" in html
    assert "every account up to no. 4512" in html
    assert "Not saved: the other 1,800" in html
    assert 'data-testid="run-retry"' in html and 'data-testid="run-dismiss"' in html
    assert "hx-trigger" not in html  # nothing is running any more: the page stops following


def test_a_live_run_is_followed_and_offers_nothing_to_do(client_for, admin_user):
    alive = made_run(started_at=ago(600), heartbeat_at=ago(5), planned=3000, accounts=1200)
    html = client_for(admin_user).get(reverse("scoring:health_runs")).content.decode()
    assert _rows(html) == {str(alive.pk): "running"}
    assert 'hx-trigger="every 2s"' in html
    assert 'data-testid="run-note"' not in html and 'data-testid="run-retry"' not in html


def test_an_interrupted_run_that_saved_nothing_says_so(client_for, admin_user, account):
    made_run(status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(590))
    made_run(
        status=RunStatus.INTERRUPTED,
        trigger=RunTrigger.SURVEY,
        account=account,
        started_at=ago(900),
        finished_at=ago(890),
        stopped_because=StopReason.TIME_LIMIT,
    )
    html = client_for(admin_user).get(reverse("scoring:health_runs")).content.decode()
    assert "Nothing was saved: every account keeps the health it had before this run." in html
    assert f"Nothing was saved: {account.name} keeps the health it had" in html
    assert "it reached its time limit" in html


# --- Retry ------------------------------------------------------------------------------------


def test_retry_carries_on_after_what_was_saved_and_ends_as_an_uninterrupted_run(
    monkeypatch, client_for, admin_user, django_capture_on_commit_callbacks
):
    shipped_risk_model()
    accounts = portfolio(12)
    stopping_after(monkeypatch, 2, SystemExit("worker shut down"))
    with pytest.raises(SystemExit):
        runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=AS_OF, batch_size=5)
    monkeypatch.undo()
    stopped = HealthRun.objects.get()
    assert (stopped.status, stopped.stopped_because) == (RunStatus.INTERRUPTED, StopReason.STOPPED)
    assert (stopped.accounts, stopped.planned, stopped.done_through) == (10, 12, accounts[9].pk)
    assert AccountHealth.objects.count() == 10  # two whole batches, nothing of the third

    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring:health_run_retry", args=[stopped.pk]))
    assert response.status_code == 302

    retry = HealthRun.objects.exclude(pk=stopped.pk).get()
    assert (retry.retry_of, retry.requested_by, retry.trigger, retry.as_of, retry.attempt) == (
        stopped,
        admin_user,
        RunTrigger.NIGHTLY,
        AS_OF,
        2,
    )
    assert retry.status == RunStatus.FINISHED and retry.resumed_after == accounts[9].pk
    resumed = results()
    counts = (retry.accounts, retry.changed, retry.alerts)
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert "Retry asked for: a new run carries on where this one stopped." in html
    assert "carried on from here" in html
    assert f"Carried on after account no. {accounts[9].pk}; the counts include" in html
    assert 'data-testid="run-retry"' not in html

    assert (resumed, counts) == uninterrupted()


def test_a_run_with_failed_batches_is_retried_from_the_first_account(
    monkeypatch, admin_user, django_capture_on_commit_callbacks
):
    shipped_risk_model()
    accounts = portfolio(9)
    real = recalculation.read_batch

    def read_batch(lo, hi, **kwargs):
        if lo <= accounts[0].pk <= hi:
            raise RuntimeError("measure query failed")
        return real(lo, hi, **kwargs)

    monkeypatch.setattr(recalculation, "read_batch", read_batch)
    stopping_after(monkeypatch, 2, SoftTimeLimitExceeded())
    with pytest.raises(SoftTimeLimitExceeded):
        runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=AS_OF, batch_size=3)
    monkeypatch.undo()
    stopped = HealthRun.objects.get()
    # The failure was recorded as it happened, so the interrupted run still lists it.
    assert (stopped.status, stopped.stopped_because, stopped.errors) == (
        RunStatus.INTERRUPTED,
        StopReason.TIME_LIMIT,
        1,
    )
    assert "RuntimeError: measure query failed" in stopped.error_text
    assert stopped.done_through == accounts[5].pk and stopped.accounts == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.health_run_retry(run=stopped, actor=admin_user)

    retry = HealthRun.objects.get(retry_of=stopped)
    assert retry.resumed_after is None  # from the start: the failed batch lies before the end
    assert (retry.status, retry.accounts, retry.errors) == (RunStatus.FINISHED, 9, 0)
    assert AccountHealth.objects.count() == 9


def test_a_retry_that_finds_another_run_in_progress_is_skipped_and_may_be_asked_again(
    admin_user, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("the guard is a PostgreSQL advisory lock")
    shipped_risk_model()
    stopped = made_run(status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(500))
    with second_connection() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [runs.LOCK_KEY])
        with django_capture_on_commit_callbacks(execute=True):
            services.health_run_retry(run=stopped, actor=admin_user)
        other.execute("SELECT pg_advisory_unlock(%s)", [runs.LOCK_KEY])

    skipped = HealthRun.objects.get(retry_of=stopped)
    stopped.refresh_from_db()
    assert skipped.status == RunStatus.SKIPPED
    assert stopped.retried_at is None  # asked again at once, not after a lease
    with django_capture_on_commit_callbacks(execute=True):
        services.health_run_retry(run=stopped, actor=admin_user)
    assert HealthRun.objects.filter(retry_of=stopped, status=RunStatus.FINISHED).exists()


def test_a_run_still_marked_running_whose_lease_expired_can_be_retried_at_once(
    admin_user, django_capture_on_commit_callbacks
):
    shipped_risk_model()
    AccountFactory()
    dead = made_run(started_at=ago(600), heartbeat_at=ago(LEASE + 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.health_run_retry(run=dead, actor=admin_user)
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED and dead.retried_by == admin_user
    assert HealthRun.objects.get(retry_of=dead).status == RunStatus.FINISHED


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("finished", "Only an interrupted run can be retried or dismissed."),
        ("alive", "Only an interrupted run can be retried or dismissed."),
        ("dismissed", "This run has been dismissed already."),
        ("covered", "A later recalculation has covered these accounts already"),
        ("waiting", "A retry of this run has been asked for already"),
    ],
)
def test_retry_is_refused_when_there_is_nothing_to_retry(
    case, message, client_for, admin_user, django_capture_on_commit_callbacks
):
    fields = {"status": RunStatus.INTERRUPTED, "started_at": ago(3600), "finished_at": ago(3500)}
    if case == "finished":
        fields["status"] = RunStatus.FINISHED
    elif case == "alive":
        fields |= {"status": RunStatus.RUNNING, "heartbeat_at": ago(1), "finished_at": None}
    elif case == "dismissed":
        fields |= {"dismissed_at": ago(60), "dismissed_by": admin_user}
    elif case == "waiting":
        fields |= {"retried_at": ago(LEASE / 2), "retried_by": admin_user}
    run = made_run(**fields)
    if case == "covered":  # a later run over every account already recalculated them
        made_run(status=RunStatus.FINISHED, started_at=ago(1800), finished_at=ago(1790))
    before = HealthRun.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("scoring:health_run_retry", args=[run.pk]), follow=True
        )

    assert message in response.content.decode()
    assert HealthRun.objects.count() == before


def test_a_later_interrupted_run_covers_only_if_it_saved_something(client_for, admin_user):
    """Retrying the earlier run would put older figures back on what the later one saved: the
    later one is to be retried instead. One that saved nothing changed nothing."""
    earlier = made_run(status=RunStatus.INTERRUPTED, started_at=ago(3600), finished_at=ago(3500))
    later = made_run(status=RunStatus.INTERRUPTED, started_at=ago(1800), finished_at=ago(1700))
    client = client_for(admin_user)
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert html.count('data-testid="run-retry"') == 2

    HealthRun.objects.filter(pk=later.pk).update(done_through=10, accounts=10)
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert html.count('data-testid="run-retry"') == 1
    assert "has saved some of these accounts since: retry that one instead" in html
    response = client.post(reverse("scoring:health_run_retry", args=[earlier.pk]), follow=True)
    assert "A later recalculation has covered these accounts already" in response.content.decode()
    earlier.refresh_from_db()
    assert earlier.retried_at is None


def test_a_retry_nobody_started_within_a_lease_may_be_asked_again(client_for, admin_user):
    made_run(
        status=RunStatus.INTERRUPTED,
        started_at=ago(3600),
        finished_at=ago(3500),
        retried_at=ago(LEASE + 5),
        retried_by=admin_user,
    )
    html = client_for(admin_user).get(reverse("scoring:health_runs")).content.decode()
    assert "has not started: no worker has taken it" in html
    assert 'data-testid="run-retry"' in html


def test_a_waiting_retry_keeps_the_page_following(client_for, admin_user):
    made_run(
        status=RunStatus.INTERRUPTED,
        started_at=ago(3600),
        finished_at=ago(3500),
        retried_at=ago(2),
        retried_by=admin_user,
    )
    html = client_for(admin_user).get(reverse("scoring:health_runs")).content.decode()
    assert 'data-testid="run-retry-waiting"' in html and 'hx-trigger="every 2s"' in html
    assert 'data-testid="run-retry"' not in html


# --- Dismiss ----------------------------------------------------------------------------------


def test_dismiss_leaves_the_run_interrupted_and_says_who_saw_it(client_for, admin_user):
    run = made_run(
        status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(500), accounts=3
    )
    client = client_for(admin_user)

    response = client.post(reverse("scoring:health_run_dismiss", args=[run.pk]), follow=True)

    run.refresh_from_db()
    assert (run.status, run.dismissed_by, run.accounts) == (
        RunStatus.INTERRUPTED,
        admin_user,
        3,
    )
    html = response.content.decode()
    assert "Dismissed: the run stays in the list as interrupted." in html
    assert "Dismissed at " in html and f"by {admin_user}." in html
    assert 'data-testid="run-retry"' not in html and 'data-testid="run-dismiss"' not in html
    assert HealthRun.objects.count() == 1  # nothing was queued
    again = client.post(reverse("scoring:health_run_dismiss", args=[run.pk]), follow=True)
    assert "This run has been dismissed already." in again.content.decode()


# --- Access -----------------------------------------------------------------------------------


def _actions(run) -> list[str]:
    return [
        reverse("scoring:health_run_retry", args=[run.pk]),
        reverse("scoring:health_run_dismiss", args=[run.pk]),
    ]


def _state():
    return list(
        HealthRun.objects.order_by("pk").values_list("pk", "status", "retried_at", "dismissed_at")
    )


@pytest.mark.parametrize("persona", ["owner", "outsider", "director"])
def test_only_admins_retry_or_dismiss(client_for, request, persona, account):
    run = made_run(status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(500))
    client = client_for(request.getfixturevalue(persona))
    for url in _actions(run):
        assert client.get(url).status_code == 403, url
    assert_refused(client, {url: {} for url in _actions(run)}, unchanged=_state)
    # An unknown run is refused the same way: nothing tells a manager which runs exist.
    missing = made_run(status=RunStatus.INTERRUPTED, started_at=ago(600))
    urls = _actions(missing)
    missing.delete()
    assert_refused(client, {url: {} for url in urls})


def test_an_admin_gets_404_for_an_unknown_run_and_405_for_a_get(client_for, admin_user):
    run = made_run(status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(500))
    client = client_for(admin_user)
    for url in _actions(run):
        assert client.get(url).status_code == 405, url
    urls = _actions(run)
    run.delete()
    for url in urls:
        assert client.post(url).status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    run = made_run(status=RunStatus.INTERRUPTED, started_at=ago(600), finished_at=ago(500))
    for url in _actions(run):
        response = client.post(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    run.refresh_from_db()
    assert run.retried_at is None and run.dismissed_at is None


# --- Guards: a message delivered twice, a run declared dead, the time limit -------------------


def test_a_message_delivered_again_does_not_start_a_second_run():
    shipped_risk_model()
    AccountFactory()
    first = tasks.recalculate_health.apply(args=[RunTrigger.NIGHTLY], task_id="delivery-1").get()
    again = tasks.recalculate_health.apply(args=[RunTrigger.NIGHTLY], task_id="delivery-1").get()
    assert again == first and HealthRun.objects.count() == 1
    assert HealthRun.objects.get().task_id == "delivery-1"


@pytest.mark.django_db(transaction=True)
def test_a_run_declared_dead_while_it_goes_on_stops_without_saving_more(monkeypatch):
    """The reaper (another process) marked the run interrupted while it was still working, say
    after a long stall: the run finds it at its next batch and stops, that batch rolled back."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection to the same database")
    shipped_risk_model()
    accounts = [AccountFactory() for _ in range(6)]
    real = runs.health_batch_recalculate

    def recalculate_batch(lo, hi, **kwargs):
        run = HealthRun.objects.get()
        if lo > accounts[1].pk:
            with second_connection() as reaper:
                reaper.execute(
                    "UPDATE scoring_healthrun SET status = 'interrupted' WHERE id = %s", [run.pk]
                )
        return real(lo, hi, **kwargs)

    monkeypatch.setattr(runs, "health_batch_recalculate", recalculate_batch)

    run = runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=AS_OF, batch_size=2)

    assert run.status == RunStatus.INTERRUPTED
    assert (run.accounts, run.done_through) == (2, accounts[1].pk)
    assert set(AccountHealth.objects.values_list("pk", flat=True)) == {a.pk for a in accounts[:2]}
    assert HealthRun.objects.get().heartbeat_at is not None  # it beat while it ran


def test_a_run_stopped_by_its_time_limit_is_interrupted_at_once(monkeypatch):
    shipped_risk_model()
    accounts = [AccountFactory() for _ in range(4)]
    stopping_after(monkeypatch, 1, SoftTimeLimitExceeded())

    with pytest.raises(SoftTimeLimitExceeded):
        runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=AS_OF, batch_size=2)

    run = HealthRun.objects.get()
    assert (run.status, run.stopped_because, run.accounts, run.done_through) == (
        RunStatus.INTERRUPTED,
        StopReason.TIME_LIMIT,
        2,
        accounts[1].pk,
    )
    assert run.finished_at is not None
