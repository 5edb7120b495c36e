"""Recalculating churn risk and satisfaction (scoring.health.runs, .recalculation): what the first
run writes, that a second run over unchanged data writes nothing, that a change touches exactly its
account, batches, a failing batch, the overlap guard, and a single-account run."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Attitude, BuyingRole, ComplaintStatus
from planning.models import Notification, VisitStatus
from scoring import engine
from scoring.health import recalculation, runs
from scoring.health.risk_model import current_risk_model
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RiskFactor,
    RunStatus,
    RunTrigger,
)
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    CoverageFactory,
    ManagerFactory,
    StageChangeFactory,
    StakeholderFactory,
    SurveyFactory,
    TransactionFactory,
    VisitFactory,
    shipped_risk_model,
    tier,
)
from tests.servers import second_connection

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
WATCHED = ("scoring_accounthealth", "scoring_healthsnapshot", "planning_notification")


@pytest.fixture(autouse=True)
def risk_model(db):
    return shipped_risk_model()


def day(offset: int) -> datetime.date:
    return AS_OF + datetime.timedelta(days=offset)


def at(offset: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(hour)))


def visited(account, offset):
    VisitFactory(
        account=account,
        starts_at=at(offset),
        status=VisitStatus.REPORTED,
        reported_at=at(offset),
    )


def covered(account, people=2):
    stakeholder = StakeholderFactory(account=account)
    CoverageFactory(stakeholder=stakeholder, user=account.owner)
    for _ in range(people - 1):
        CoverageFactory(stakeholder=stakeholder, user=ManagerFactory())


def run(**options):
    return runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=AS_OF, **options)


def health_values(**filters) -> dict:
    return {
        row.pop("account_id"): row
        for row in AccountHealth.objects.filter(**filters).values(
            "account_id", *recalculation.HEALTH_FIELDS
        )
    }


def writes_to_watched_tables(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if WRITES.match(q["sql"]) and any(table in q["sql"] for table in WATCHED)
    ]


@pytest.fixture
def portfolio(account):
    """Three accounts with hand-computed scores.

    - account (gold, cadence 30): last visit 63 days ago (11), one open complaint past due (5),
      nobody covering (8), an opposed decision maker (7): 31, medium.
    - calm: visited 5 days ago, two people covering, satisfaction 80: 0, low.
    - lapsed (no tier): never visited (20), nobody covering (8), two complaints past due (10),
      a regression (5), satisfaction fell from 70 to 35 (12 + 8): 63, high.
    """
    account.tier = tier("gold")
    account.save()
    visited(account, -63)
    ComplaintFactory(account=account, opened_on=day(-20), due_on=day(-6))
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )

    calm = AccountFactory(tier=tier("gold"))
    visited(calm, -5)
    covered(calm)
    SurveyFactory(account=calm, answered_on=day(-30), satisfaction_index=Decimal("80.00"))

    lapsed = AccountFactory(tier=None)
    for opened in (-40, -30):
        ComplaintFactory(account=lapsed, opened_on=day(opened), due_on=day(opened + 5))
    StageChangeFactory(account=lapsed, changed_at=at(-15), is_regression=True)
    SurveyFactory(account=lapsed, answered_on=day(-10), satisfaction_index=Decimal("35.00"))
    SurveyFactory(account=lapsed, answered_on=day(-400), satisfaction_index=Decimal("70.00"))
    return account, calm, lapsed


def test_the_first_run_writes_every_account_and_todays_snapshot(portfolio):
    account, calm, lapsed = portfolio

    result = run()

    assert result.status == RunStatus.FINISHED
    assert (result.accounts, result.changed, result.errors) == (3, 3, 0)
    assert result.finished_at is not None and result.as_of == AS_OF
    health = {h.account_id: h for h in AccountHealth.objects.all()}
    assert (health[account.pk].risk_score, health[account.pk].risk_level) == (31, "medium")
    assert (health[calm.pk].risk_score, health[calm.pk].risk_level) == (0, "low")
    assert (health[lapsed.pk].risk_score, health[lapsed.pk].risk_level) == (63, "high")
    for h in health.values():
        assert sum(f["points"] for f in h.factors) == h.risk_score
        assert [f["code"] for f in h.factors] == list(engine.RISK_FACTORS)
        assert h.as_of == AS_OF
    points = {f["code"]: f["points"] for f in health[account.pk].factors}
    assert points == {
        "contact_recency": 11,
        "satisfaction_level": 0,
        "satisfaction_trend": 0,
        "revenue_trend": 0,
        "overdue_receivables": 0,
        "complaints_past_due": 5,
        "complaint_silence": 0,
        "single_threaded": 8,
        "decision_maker": 7,
        "stage_regression": 0,
    }
    assert health[lapsed.pk].satisfaction_index == Decimal("35.00")
    assert health[lapsed.pk].satisfaction_change == Decimal("-35.00")
    assert health[lapsed.pk].high_since == AS_OF
    assert health[calm.pk].surveys_counted == 1
    snapshots = {s.account_id: s for s in HealthSnapshot.objects.filter(day=AS_OF)}
    assert len(snapshots) == 3
    for pk, h in health.items():
        snap = snapshots[pk]
        assert (snap.risk_score, snap.risk_level, snap.satisfaction_index) == (
            h.risk_score,
            h.risk_level,
            h.satisfaction_index,
        )


def test_a_second_run_over_unchanged_data_writes_nothing(portfolio):
    with CaptureQueriesContext(connection) as captured_first:
        first = run()
    # The filter sees the first run's upserts and alert (so its silence below means something).
    assert len(writes_to_watched_tables(captured_first.captured_queries)) == 3
    before = health_values()
    calculated = dict(AccountHealth.objects.values_list("account_id", "calculated_at"))
    notifications = Notification.objects.count()
    assert first.alerts == 1  # lapsed crossed into high risk

    with CaptureQueriesContext(connection) as captured:
        second = run()

    assert writes_to_watched_tables(captured.captured_queries) == []
    assert (second.status, second.accounts, second.changed, second.alerts) == (
        RunStatus.FINISHED,
        3,
        0,
        0,
    )
    assert health_values() == before
    assert dict(AccountHealth.objects.values_list("account_id", "calculated_at")) == calculated
    assert HealthSnapshot.objects.count() == 3
    assert Notification.objects.count() == notifications


def test_a_change_touches_exactly_its_account_and_todays_snapshot(portfolio):
    account, calm, _lapsed = portfolio
    run()
    before = health_values()
    calculated = dict(AccountHealth.objects.values_list("account_id", "calculated_at"))
    ComplaintFactory(account=calm, opened_on=day(-20), due_on=day(-1))  # past due: +5

    result = run()

    assert result.changed == 1
    after = health_values()
    assert after[calm.pk]["risk_score"] == 5
    assert {pk: v for pk, v in after.items() if pk != calm.pk} == {
        pk: v for pk, v in before.items() if pk != calm.pk
    }
    new_calculated = dict(AccountHealth.objects.values_list("account_id", "calculated_at"))
    assert new_calculated[account.pk] == calculated[account.pk]
    assert new_calculated[calm.pk] > calculated[calm.pk]
    # One row per account per day: today's snapshot of calm was updated, not duplicated.
    assert HealthSnapshot.objects.filter(account=calm).count() == 1
    assert HealthSnapshot.objects.get(account=calm, day=AS_OF).risk_score == 5


def test_the_next_day_adds_a_snapshot_and_keeps_the_old_one(portfolio):
    account, _calm, _lapsed = portfolio
    run()
    runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=day(1))

    days = list(HealthSnapshot.objects.filter(account=account).values_list("day", "risk_score"))
    # A day later the visit is 64 days old: (64/30 − 1)/2 × 20 = 11.33 → 11 still.
    assert days == [(AS_OF, 31), (day(1), 31)]


def test_a_weight_change_changes_the_scores(portfolio):
    account, calm, lapsed = portfolio
    run()
    RiskFactor.objects.filter(code=engine.SINGLE_THREADED).update(weight=20)

    result = run()

    scores = dict(AccountHealth.objects.values_list("account_id", "risk_score"))
    assert scores == {account.pk: 43, calm.pk: 0, lapsed.pk: 75}  # +12 where nobody covers
    # calm's score stays 0, but its stored factor now says the weight is 20: changed too.
    assert result.changed == 3
    single = next(
        f
        for f in AccountHealth.objects.get(pk=account.pk).factors
        if f["code"] == "single_threaded"
    )
    assert (single["points"], single["weight"]) == (20, 20)


def _mixed_portfolio(count=30):
    accounts = []
    for n in range(count):
        account = AccountFactory(tier=tier(("gold", "platinum", "iron")[n % 3]) if n % 4 else None)
        if n % 5:
            visited(account, -(n * 7))
        if n % 3 == 0:
            covered(account, people=1 + n % 2)
        if n % 4 == 0:
            ComplaintFactory(account=account, opened_on=day(-50 - n), due_on=day(-40 - n))
        if n % 6 == 0:
            SurveyFactory(account=account, answered_on=day(-n), satisfaction_index=Decimal(40 + n))
        TransactionFactory(
            account=account, date=day(-10 - n), amount=Decimal(1000 + 100 * n), gross_margin=0
        )
        TransactionFactory(account=account, date=day(-100 - n), amount=Decimal(3000))
        accounts.append(account)
    return accounts


def test_small_batches_give_the_same_result_as_one_batch():
    accounts = _mixed_portfolio()

    small = run(batch_size=7)
    by_sevens = health_values()
    alerts = set(Notification.objects.values_list("key", flat=True))
    AccountHealth.objects.all().delete()
    HealthSnapshot.objects.all().delete()
    Notification.objects.all().delete()
    large = run(batch_size=1000)

    assert small.accounts == large.accounts == len(accounts) == 30
    assert by_sevens == health_values()
    assert alerts == set(Notification.objects.values_list("key", flat=True))
    assert len({v["risk_score"] for v in by_sevens.values()}) > 3  # a real spread of scores


def _high(account):
    """Never visited (20), nobody covering (8), an opposed decision maker (7), two complaints
    past due (10), a regression (5): 50, high."""
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )
    for _ in range(2):
        ComplaintFactory(account=account, opened_on=day(-30), due_on=day(-20))
    StageChangeFactory(account=account, changed_at=at(-3), is_regression=True)


def test_a_failing_batch_is_recorded_and_the_others_are_written(monkeypatch):
    accounts = [AccountFactory() for _ in range(15)]
    bad = accounts[5:10]
    real = recalculation.read_batch

    def read_batch(lo, hi, **kwargs):
        if lo <= bad[0].pk <= hi:
            raise RuntimeError("measure query failed")
        return real(lo, hi, **kwargs)

    monkeypatch.setattr(recalculation, "read_batch", read_batch)

    result = run(batch_size=5)

    assert result.status == RunStatus.FAILED
    assert result.errors == 1
    assert f"{bad[0].pk}–{bad[-1].pk}: RuntimeError: measure query failed" in result.error_text
    assert result.accounts == result.changed == 10
    written = set(AccountHealth.objects.values_list("account_id", flat=True))
    assert written == {a.pk for a in accounts} - {a.pk for a in bad}
    assert not HealthSnapshot.objects.filter(account__in=bad).exists()


def test_a_batch_failing_after_its_writes_leaves_nothing_of_them(monkeypatch):
    accounts = [AccountFactory() for _ in range(6)]
    for account in accounts:
        _high(account)
    bad = accounts[3:]
    real = recalculation.new_alerts

    def alerts(crossings, as_of):
        if any(c.account_id == bad[0].pk for c in crossings):
            raise RuntimeError("the notification insert failed")
        return real(crossings, as_of)

    monkeypatch.setattr(recalculation, "new_alerts", alerts)

    result = run(batch_size=3)

    assert (result.status, result.errors, result.accounts, result.alerts) == (
        RunStatus.FAILED,
        1,
        3,
        3,
    )
    # The failed batch had written its health and snapshots before the alerts: rolled back.
    assert not AccountHealth.objects.filter(account__in=bad).exists()
    assert not HealthSnapshot.objects.filter(account__in=bad).exists()
    assert AccountHealth.objects.filter(account__in=accounts[:3], risk_level="high").count() == 3

    monkeypatch.setattr(recalculation, "new_alerts", real)
    again = run(batch_size=3)
    assert (again.status, again.changed, again.alerts) == (RunStatus.FINISHED, 3, 3)
    assert Notification.objects.filter(key__startswith="risk:").count() == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the guard is a PostgreSQL advisory lock"
)
def test_a_run_is_skipped_while_another_holds_the_lock(portfolio):
    with second_connection() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [runs.LOCK_KEY])
        skipped = run()
        other.execute("SELECT pg_advisory_unlock(%s)", [runs.LOCK_KEY])

    assert skipped.status == RunStatus.SKIPPED
    assert skipped.finished_at is not None and skipped.accounts == 0
    assert not AccountHealth.objects.exists() and not HealthSnapshot.objects.exists()

    after = run()
    assert (after.status, after.changed) == (RunStatus.FINISHED, 3)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the guard is a PostgreSQL advisory lock"
)
def test_the_lock_is_released_after_a_run(portfolio):
    run()
    with second_connection() as other:
        acquired = other.execute("SELECT pg_try_advisory_lock(%s)", [runs.LOCK_KEY])
        assert acquired.fetchone()[0] is True


def test_a_run_left_running_is_marked_interrupted_by_the_next(portfolio):
    stale = HealthRun.objects.create(
        trigger=RunTrigger.NIGHTLY, as_of=day(-1), status=RunStatus.RUNNING, accounts=2
    )

    result = run()

    stale.refresh_from_db()
    assert stale.status == RunStatus.INTERRUPTED
    assert stale.finished_at is not None and stale.accounts == 2
    assert result.status == RunStatus.FINISHED


def test_a_single_account_run_touches_only_that_account(portfolio):
    _account, calm, _lapsed = portfolio

    result = runs.account_health_recalculate(account_id=calm.pk, as_of=AS_OF)

    assert (result.status, result.account_id, result.trigger) == (
        RunStatus.FINISHED,
        calm.pk,
        RunTrigger.SURVEY,
    )
    assert (result.accounts, result.changed) == (1, 1)
    assert list(AccountHealth.objects.values_list("account_id", flat=True)) == [calm.pk]
    assert list(HealthSnapshot.objects.values_list("account_id", flat=True)) == [calm.pk]


def test_an_empty_portfolio_finishes_with_nothing():
    result = run()
    assert (result.status, result.accounts, result.changed) == (RunStatus.FINISHED, 0, 0)


@pytest.mark.parametrize("count", [3, 40])
def test_a_batch_costs_the_same_queries_for_few_and_many_accounts(
    count, django_assert_max_num_queries
):
    accounts = [AccountFactory() for _ in range(count)]
    for account in accounts[:2]:
        _high(account)  # alerts: one owner query, one insert
    model = current_risk_model()
    # 9 reads + previous values, today's snapshots, week-ago scores + 2 upserts +
    # owners + alerts already sent + notifications.
    with django_assert_max_num_queries(17):
        result = recalculation.health_batch_recalculate(
            accounts[0].pk, accounts[-1].pk, as_of=AS_OF, model=model
        )
    assert (result.accounts, result.changed, result.alerts) == (count, count, 2)


def test_resolving_complaints_lowers_the_score_on_the_next_run(portfolio):
    _account, _calm, lapsed = portfolio
    run()
    lapsed.complaints.update(
        status=ComplaintStatus.RESOLVED, resolved_on=day(-1), resolution="Replaced"
    )

    run()

    health = AccountHealth.objects.get(pk=lapsed.pk)
    assert health.risk_score == 53  # 63 − 10
    assert health.risk_level == "high"
    assert health.high_since == AS_OF


def test_the_change_since_last_week_is_against_the_latest_snapshot_a_week_old(account):
    _high(account)  # 50 today
    for offset, score in ((-10, 20), (-7, 30), (-3, 40)):
        HealthSnapshot.objects.create(
            account=account, day=day(offset), risk_score=score, risk_level="low"
        )
    other = AccountFactory()  # only a snapshot from 2 days ago: nothing a week old

    HealthSnapshot.objects.create(account=other, day=day(-2), risk_score=9, risk_level="low")
    run()

    assert AccountHealth.objects.get(pk=account.pk).risk_change == 50 - 30
    assert AccountHealth.objects.get(pk=other.pk).risk_change is None


@pytest.mark.django_db(transaction=True)
def test_a_full_run_vacuums_the_rows_it_rewrote():
    """Outside a transaction (as in the worker), a full run that changed rows leaves no dead row
    versions behind for the pages to read."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    shipped_risk_model()
    for _ in range(3):
        AccountFactory()
    runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=AS_OF)
    runs.health_recalculate_all(
        trigger=RunTrigger.COMMAND, as_of=AS_OF + datetime.timedelta(days=1)
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_dead_tup, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'scoring_accounthealth'"
        )
        dead, vacuumed = cursor.fetchone()
    assert vacuumed and dead == 0
