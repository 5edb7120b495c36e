"""The nightly health recalculation at 100,000 accounts (make bench; issue 6, Bars).

Measures a full `health_recalculate_all` (first run: every AccountHealth and snapshot written) and a
second run over unchanged data (nothing written), the naive per-account ORM loop it replaces on a
sample (and checks both compute the same thing), and the peak memory of a worker process running
the full recalculation.

The demo seed has no surveys: the first run here adds completed surveys to a spread of accounts
with one INSERT … SELECT (kept for later runs), so the satisfaction measures have data.

Every test here runs inside a transaction that is rolled back (pytest-django), except the memory
test's child process, which commits its recalculation like the nightly job would.
"""

import datetime
import os
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.coverage.rules import COUNTED_STRENGTH
from accounts.models import (
    Account,
    Attitude,
    BuyingRole,
    Complaint,
    ComplaintStatus,
    Coverage,
    StageChange,
    Stakeholder,
    StakeholderStatus,
    Transaction,
)
from accounts.queries import years_before
from planning.models import Notification, Visit, VisitStatus
from scoring import engine
from scoring.health import risk_model, runs
from scoring.health.inputs import DEFAULT_CADENCE_DAYS
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RunStatus,
    RunTrigger,
    Survey,
    SurveyStatus,
)
from tests.perf.conftest import BENCH_ACCOUNTS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FULL_RUN_BUDGET_S = 60
NAIVE_SAMPLE = 500
BENCH_MARK = "bench: seeded survey"

# A completed survey for every fourth account in the last year, and an earlier one (the window
# before) for every eighth, with indices spread over 35–100 by a hash of the id.
SURVEY_ACCOUNTS = """
INSERT INTO scoring_survey
    (account_id, respondent_name, channel, status, language, answered_on, comments,
     satisfaction_index, created_at, link_nonce, completed_at)
SELECT a.id, 'Bench respondent', 'recorded', 'completed', 'en', s.answered_on, %(mark)s,
       s.idx, now(), '', now()
FROM accounts_account a
CROSS JOIN LATERAL (
    SELECT current_date - (a.id %% 300)::int AS answered_on,
           35 + ((a.id * 7919) %% 6501) / 100.0 AS idx
    UNION ALL
    SELECT current_date - 400 - (a.id %% 300)::int,
           35 + ((a.id * 104729) %% 6501) / 100.0
    WHERE a.id %% 8 = 0
) s
WHERE a.id %% 4 = 0
"""


@pytest.fixture(scope="module", autouse=True)
def surveyed_portfolio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Survey.objects.filter(comments=BENCH_MARK).exists():
            with connection.cursor() as cursor:
                cursor.execute(SURVEY_ACCOUNTS, {"mark": BENCH_MARK})
                print(f"\nAdded {cursor.rowcount:,} completed surveys (once; kept for later runs)")
                cursor.execute("ANALYZE scoring_survey")


def _clear_health():
    """Start from nothing (rolled back with the test), so the first run writes every row."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scoring_healthsnapshot")
        cursor.execute("DELETE FROM scoring_accounthealth")
    Notification.objects.filter(key__startswith="risk:").delete()
    HealthRun.objects.filter(status=RunStatus.RUNNING).delete()


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


HEALTH_COMPARED = (
    "risk_score",
    "risk_level",
    "factors",
    "satisfaction_index",
    "satisfaction_change",
    "surveys_counted",
    "revenue_12m",
    "margin_12m",
)


def test_full_recalculation_and_a_second_run_that_changes_nothing():
    assert Account.objects.count() == BENCH_ACCOUNTS
    _clear_health()

    first, first_s = _timed(lambda: runs.health_recalculate_all(trigger=RunTrigger.COMMAND))
    assert first.status == RunStatus.FINISHED, first.error_text
    assert first.accounts == first.changed == BENCH_ACCOUNTS
    assert AccountHealth.objects.count() == BENCH_ACCOUNTS
    levels = dict(
        AccountHealth.objects.values_list("risk_level").annotate(n=Count("pk")).order_by()
    )

    second, second_s = _timed(lambda: runs.health_recalculate_all(trigger=RunTrigger.COMMAND))
    assert second.status == RunStatus.FINISHED, second.error_text
    assert (second.accounts, second.changed, second.alerts) == (BENCH_ACCOUNTS, 0, 0)

    # What the nightly job meets: a day later every "days since" has moved, so nearly every
    # account's explanation changes and gets rewritten, with a snapshot for the new day.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    nightly, nightly_s = _timed(
        lambda: runs.health_recalculate_all(trigger=RunTrigger.NIGHTLY, as_of=tomorrow)
    )
    assert nightly.status == RunStatus.FINISHED, nightly.error_text

    print(
        f"\n\nHealth recalculation, {BENCH_ACCOUNTS:,} accounts, batches of "
        f"{runs.BATCH_SIZE:,}:\n"
        f"  first run (everything written): {first_s:7.2f} s  "
        f"{BENCH_ACCOUNTS / first_s:9,.0f} accounts/s  ({first.alerts:,} alerts)\n"
        f"  second run (nothing changed):   {second_s:7.2f} s  "
        f"{BENCH_ACCOUNTS / second_s:9,.0f} accounts/s\n"
        f"  next day (the nightly job):     {nightly_s:7.2f} s  "
        f"{BENCH_ACCOUNTS / nightly_s:9,.0f} accounts/s  ({nightly.changed:,} changed)\n"
        f"  levels: {levels}"
    )
    assert first_s < FULL_RUN_BUDGET_S
    assert nightly_s < FULL_RUN_BUDGET_S


# --- The naive loop it replaces ---------------------------------------------------------------


def _end_of(day):
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def _avg(values):
    if not values:
        return None
    return (sum(values) / len(values)).quantize(engine.TWO_PLACES, rounding=ROUND_HALF_UP)


def naive_measures(account, as_of, windows):
    """The obvious implementation: one account at a time, a query per measure."""
    last = (
        Visit.objects.filter(
            account=account, status=VisitStatus.REPORTED, starts_at__lt=_end_of(as_of)
        )
        .order_by("-starts_at")
        .first()
    )
    window = datetime.timedelta(days=windows.satisfaction)
    completed = Survey.objects.filter(account=account, status=SurveyStatus.COMPLETED)
    now_scores = list(
        completed.filter(answered_on__gt=as_of - window, answered_on__lte=as_of).values_list(
            "satisfaction_index", flat=True
        )
    )
    before_scores = list(
        completed.filter(
            answered_on__gt=as_of - 2 * window, answered_on__lte=as_of - window
        ).values_list("satisfaction_index", flat=True)
    )
    sales = Transaction.objects.filter(account=account)
    revenue_days = datetime.timedelta(days=windows.revenue)
    recent = sales.filter(date__gt=as_of - revenue_days, date__lte=as_of).aggregate(
        s=Sum("amount")
    )["s"]
    before = sales.filter(
        date__gt=as_of - 2 * revenue_days, date__lte=as_of - revenue_days
    ).aggregate(s=Sum("amount"))["s"]
    year = sales.filter(date__gt=years_before(as_of, 1), date__lte=as_of).aggregate(
        revenue=Sum("amount"), margin=Sum("gross_margin")
    )
    overdue_amount, oldest_due = Decimal(0), None
    grace_before = as_of - datetime.timedelta(days=windows.overdue_grace)
    for sale in sales.filter(invoice_due__lt=grace_before, date__lte=as_of):
        if sale.paid_on is None or sale.paid_on > as_of:
            overdue_amount += sale.amount - sale.returned_amount
            oldest_due = min(oldest_due or sale.invoice_due, sale.invoice_due)
    complaints = Complaint.objects.filter(account=account, opened_on__lte=as_of)
    past_due = sum(
        1
        for c in complaints.filter(due_on__lt=as_of)
        if c.status != ComplaintStatus.RESOLVED or (c.resolved_on and c.resolved_on > as_of)
    )
    silence = as_of - datetime.timedelta(days=windows.silence)
    complaints_recent = complaints.filter(opened_on__gt=silence).count()
    complaints_before = complaints.filter(
        opened_on__gt=years_before(silence, 1), opened_on__lte=silence
    ).count()
    people = (
        Coverage.objects.filter(
            stakeholder__account=account,
            stakeholder__status=StakeholderStatus.ACTIVE,
            strength__gte=COUNTED_STRENGTH,
        )
        .values("user_id")
        .distinct()
        .count()
    )
    deciders = Stakeholder.objects.filter(account=account, buying_role=BuyingRole.DECISION_MAKER)
    opposed = deciders.filter(status=StakeholderStatus.ACTIVE, attitude=Attitude.OPPONENT).count()
    left = deciders.filter(
        status=StakeholderStatus.LEFT,
        left_on__gt=as_of - datetime.timedelta(days=windows.decision_maker),
        left_on__lte=as_of,
    ).count()
    regressions = StageChange.objects.filter(
        account=account,
        is_regression=True,
        changed_at__gte=_end_of(as_of - datetime.timedelta(days=windows.regression)),
        changed_at__lt=_end_of(as_of),
    ).count()
    measures = engine.AccountMeasures(
        days_since_contact=(
            (as_of - timezone.localtime(last.starts_at).date()).days if last else None
        ),
        cadence_days=(account.tier.visit_cadence_days if account.tier else None)
        or DEFAULT_CADENCE_DAYS,
        satisfaction=_avg(now_scores),
        satisfaction_before=_avg(before_scores),
        revenue_recent=recent or Decimal(0),
        revenue_before=before or Decimal(0),
        revenue_12m=year["revenue"] or Decimal(0),
        overdue_amount=overdue_amount,
        oldest_overdue_days=(as_of - oldest_due).days if oldest_due else None,
        complaints_past_due=past_due,
        complaints_recent=complaints_recent,
        complaints_before=complaints_before,
        covering_people=people,
        decision_makers_opposed=opposed,
        decision_makers_left=left,
        regressions=regressions,
    )
    return measures, year, len(now_scores)


def naive_recalculate(accounts, as_of, model):
    values = {}
    for account in accounts:
        m, year, counted = naive_measures(account, as_of, model.windows)
        score, factors = engine.risk_score_json(m, model.rules)
        change = None
        if m.satisfaction is not None and m.satisfaction_before is not None:
            change = m.satisfaction - m.satisfaction_before
        row = {
            "risk_score": score,
            "risk_level": model.level(score),
            "factors": factors,
            "satisfaction_index": m.satisfaction,
            "satisfaction_change": change,
            "surveys_counted": counted,
            "revenue_12m": (year["revenue"] or Decimal(0)).quantize(engine.TWO_PLACES),
            "margin_12m": (year["margin"] or Decimal(0)).quantize(engine.TWO_PLACES),
        }
        AccountHealth.objects.update_or_create(
            account=account,
            defaults={**row, "as_of": as_of, "calculated_at": timezone.now()},
        )
        HealthSnapshot.objects.update_or_create(
            account=account,
            day=as_of,
            defaults={k: row[k] for k in ("risk_score", "risk_level", "satisfaction_index")},
        )
        values[account.pk] = row
    return values


def test_the_naive_per_account_loop_on_a_sample():
    _clear_health()
    as_of = timezone.localdate()
    model = risk_model.current_risk_model()
    # A spread sample: every n-th account, n odd so that it meets every residue of the survey
    # spread (ids divisible by 4 and by 8).
    step = max(1, BENCH_ACCOUNTS // NAIVE_SAMPLE) | 1
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True)[::step][:NAIVE_SAMPLE])
    accounts = list(Account.objects.filter(pk__in=ids).select_related("tier").order_by("pk"))

    naive, naive_s = _timed(lambda: naive_recalculate(accounts, as_of, model))
    per_account_naive = naive_s / len(accounts)

    # The set-based side, over the whole portfolio so its per-account cost is its real one.
    _clear_health()
    run, full_s = _timed(lambda: runs.health_recalculate_all(trigger=RunTrigger.COMMAND))
    assert run.status == RunStatus.FINISHED, run.error_text
    per_account_set = full_s / run.accounts

    stored = {
        row.pop("account_id"): row
        for row in AccountHealth.objects.filter(pk__in=ids).values("account_id", *HEALTH_COMPARED)
    }
    mismatches = [pk for pk in ids if stored[pk] != naive[pk]]
    assert not mismatches, (mismatches[:5], stored[mismatches[0]], naive[mismatches[0]])
    with_surveys = sum(1 for row in naive.values() if row["satisfaction_index"] is not None)
    scored = sum(1 for row in naive.values() if row["risk_score"] > 0)
    assert with_surveys and scored  # the comparison covered real data

    print(
        f"\n\nNaive per-account ORM loop on {len(accounts)} accounts: {naive_s:.2f} s "
        f"({1000 * per_account_naive:.2f} ms/account; {with_surveys} with surveys, {scored} "
        f"scoring above 0)\n"
        f"  set-based: {1000 * per_account_set:.3f} ms/account over {run.accounts:,}\n"
        f"  ratio: the naive loop is {per_account_naive / per_account_set:.0f}× slower per "
        f"account; at {BENCH_ACCOUNTS:,} accounts it would take "
        f"~{per_account_naive * BENCH_ACCOUNTS:.0f} s against {full_s:.1f} s"
    )


# --- Peak memory of a worker ------------------------------------------------------------------

CHILD = """
import resource, sys, time
import django
django.setup()
from scoring.health import runs
from scoring.models import RunTrigger
from django.db import connection
from django.utils import timezone
# Start from nothing, so the run writes every row (as the first night would).
with connection.cursor() as cursor:
    cursor.execute("DELETE FROM scoring_healthsnapshot WHERE day = %s", [timezone.localdate()])
    cursor.execute("DELETE FROM scoring_accounthealth")
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
run = runs.health_recalculate_all(trigger=RunTrigger.COMMAND)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(run.status, run.accounts, run.changed, baseline, peak, f"{elapsed:.2f}")
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


def test_peak_memory_of_a_worker_running_the_full_recalculation():
    """A separate process, as a Celery worker would be: Django set up, then the full run."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "kam.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
    }
    env.pop("REDIS_URL", None)
    output = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert output.returncode == 0, output.stderr[-3000:]
    status, accounts, changed, baseline_kb, peak_kb, elapsed = output.stdout.split()[-6:]
    assert status == RunStatus.FINISHED
    assert int(accounts) == BENCH_ACCOUNTS
    print(
        f"\n\nWorker process: full recalculation of {int(accounts):,} accounts "
        f"({int(changed):,} changed) in {elapsed} s; peak RSS {int(peak_kb) / 1024:.1f} MB "
        f"(after Django setup: {int(baseline_kb) / 1024:.1f} MB, so the run added "
        f"{(int(peak_kb) - int(baseline_kb)) / 1024:.1f} MB)"
    )
    # Batches bound the memory: a whole-portfolio load would grow with the account count.
    assert int(peak_kb) - int(baseline_kb) < 300 * 1024
