"""`manage.py seed_demo`: the account-health side of the demo — surveys, the back-filled snapshot
history, today's recalculation with its alerts — and `manage.py recalculate_health`.

The class's tests only read, so one seed serves them; the other tests seed their own."""

import re
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from accounts.demo import DEMO_LOGINS, DemoContext
from accounts.models import (
    Account,
    Category,
    Complaint,
    ComplaintStatus,
    RelationshipStage,
    User,
)
from planning.models import Notification
from scoring import defaults, engine
from scoring import demo as scoring_demo
from scoring.demo.health import FULL_BACKFILL_UP_TO, backfill_accounts, backfill_days
from scoring.health import risk_model, runs
from scoring.health.inputs import read_batch
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RiskFactor,
    RiskLevel,
    RunStatus,
    RunTrigger,
    Survey,
    SurveyAnswer,
    SurveyChannel,
    SurveyIndicator,
    SurveyStatus,
)
from tests.factories import AccountFactory, shipped_risk_model
from tests.servers import second_connection

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo_site():
    """seed_demo runs only on a demo or development site (KAM_DEMO_MODE or DEBUG)."""
    with override_settings(KAM_DEMO_MODE=True):
        yield


ACCOUNTS = 150
LOGINS = [person.username for person in DEMO_LOGINS]


def _reset():
    from accounts.demo import delete_demo_data

    delete_demo_data()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = StringIO()
        call_command("seed_demo", "--accounts", str(ACCOUNTS), stdout=output)
        yield output.getvalue()
        _reset()


def _fingerprint():
    """The surveys the demo made, by account external ID (ids change between runs)."""
    surveys = sorted(
        Survey.objects.values_list(
            "account__external_id",
            "respondent_name",
            "channel",
            "status",
            "language",
            "answered_on",
            "satisfaction_index",
            "comments",
        ),
        key=repr,
    )
    answers = sorted(
        SurveyAnswer.objects.values_list(
            "survey__account__external_id",
            "survey__answered_on",
            "survey__respondent_name",
            "indicator__code",
            "importance",
            "performance",
        ),
        key=repr,
    )
    snapshots = sorted(
        HealthSnapshot.objects.values_list(
            "account__external_id", "day", "risk_score", "satisfaction_index"
        )
    )
    return surveys, answers, snapshots


@pytest.mark.usefixtures("seeded")
class TestTheSeededHealth:
    def test_every_account_has_its_health_from_one_command_run(self):
        run = HealthRun.objects.get()

        assert AccountHealth.objects.count() == Account.objects.count() == ACCOUNTS
        assert (run.trigger, run.status, run.account_id) == (
            RunTrigger.COMMAND,
            RunStatus.FINISHED,
            None,
        )
        assert (run.accounts, run.changed, run.errors) == (ACCOUNTS, ACCOUNTS, 0)
        assert run.as_of == timezone.localdate()
        assert not AccountHealth.objects.exclude(as_of=run.as_of).exists()

    def test_key_accounts_have_two_to_five_surveys_from_different_active_stakeholders(self):
        completed = Survey.objects.filter(status=SurveyStatus.COMPLETED)
        today = timezone.localdate()
        per_key = Counter(
            completed.filter(account__category=Category.KEY).values_list("account_id", flat=True)
        )
        keys = Account.objects.filter(category=Category.KEY).count()

        assert len(per_key) >= 0.8 * keys
        assert set(per_key.values()) <= {2, 3, 4, 5}
        for account_id, count in per_key.items():
            respondents = completed.filter(account_id=account_id).values_list(
                "respondent_id", flat=True
            )
            assert len(set(respondents)) == count
        assert not completed.filter(respondent=None).exists()
        for survey in completed.select_related("respondent")[:50]:
            assert survey.respondent_name == survey.respondent.name
            assert survey.respondent.account_id == survey.account_id
        assert not completed.filter(answered_on__lt=today - timedelta(days=730)).exists()
        assert not completed.filter(answered_on__gt=today).exists()
        others = completed.exclude(account__category=Category.KEY)
        assert others.filter(account__category=Category.NORMAL).exists()
        per_other = Counter(
            others.exclude(account__category=Category.LOST).values_list("account_id", flat=True)
        )
        assert set(per_other.values()) <= {1, 2}

    def test_the_stored_index_is_the_engines_for_the_stored_answers(self):
        pairs = defaultdict(list)
        for survey_id, importance, performance in SurveyAnswer.objects.values_list(
            "survey_id", "importance", "performance"
        ):
            pairs[survey_id].append((importance, performance))
        completed = Survey.objects.filter(status=SurveyStatus.COMPLETED)

        assert completed.count() == len(pairs)
        for survey_id, index in completed.values_list("pk", "satisfaction_index"):
            assert index == engine.satisfaction_index(pairs[survey_id])

    def test_answers_cover_the_twelve_indicators_with_a_few_left_blank(self):
        per_survey = Counter(SurveyAnswer.objects.values_list("survey_id", flat=True))
        shipped = len(defaults.SURVEY_INDICATORS)

        assert set(per_survey.values()) <= {shipped - 2, shipped - 1, shipped}
        assert Counter(per_survey.values())[shipped] > 0.6 * len(per_survey)
        assert any(count < shipped for count in per_survey.values())

    def test_delivery_quality_and_problem_resolution_matter_more_than_reputation_and_range(self):
        by_code = defaultdict(list)
        for code, value in SurveyAnswer.objects.values_list("indicator__code", "importance"):
            by_code[code].append(value)
        average = {code: sum(values) / len(values) for code, values in by_code.items()}

        assert set(average) == {row[0] for row in defaults.SURVEY_INDICATORS}
        for high in ("delivery", "quality", "problem_resolution"):
            assert average[high] >= 4
            for low in ("reputation", "range"):
                assert average[high] > average[low] + 1.5

    def test_troubled_accounts_answer_worse_than_partners(self):
        today = timezone.localdate()
        past_due = set(
            Complaint.objects.filter(due_on__lt=today)
            .exclude(status=ComplaintStatus.RESOLVED)
            .values_list("account_id", flat=True)
        )
        rows = Survey.objects.filter(status=SurveyStatus.COMPLETED).values_list(
            "account_id", "account__relationship_stage", "satisfaction_index"
        )
        troubled, partners = [], []
        for account_id, stage, index in rows:
            if stage == RelationshipStage.UNCOUPLING or account_id in past_due:
                troubled.append(index)
            elif stage in (RelationshipStage.PARTNERSHIP, RelationshipStage.SYNERGISTIC):
                partners.append(index)

        assert troubled and partners
        assert sum(partners) / len(partners) > sum(troubled) / len(troubled) + 10

    def test_comments_are_in_the_accounts_language(self):
        commented = Survey.objects.exclude(comments="").select_related("account")

        assert commented.count() > 0.5 * Survey.objects.filter(status="completed").count()
        languages = Counter()
        for survey in commented:
            chinese = not survey.account.name.isascii()
            assert survey.comments.isascii() != chinese
            assert survey.language == ("zh-hans" if chinese else "en")
            languages[survey.language] += 1
        assert languages["zh-hans"] > languages["en"]

    def test_manager_has_two_open_links_and_one_expired(self):
        links = Survey.objects.filter(status=SurveyStatus.SENT).select_related("account__owner")
        now = timezone.now()

        assert links.count() == 3
        for link in links:
            assert link.account.owner.username == "manager"
            assert link.created_by.username == "manager"
            assert link.channel == SurveyChannel.LINK
            assert link.respondent.account_id == link.account_id
            assert link.answered_on is None and link.satisfaction_index is None
            assert not link.answers.exists()
        open_links = [link for link in links if link.link_is_open]
        assert len(open_links) == 2
        for link in open_links:
            left = link.link_expires_at - now
            assert timedelta(days=9, hours=23) < left <= timedelta(days=10)
        (expired,) = [link for link in links if not link.link_is_open]
        assert expired.link_expires_at < now

    def test_snapshots_cover_twelve_weeks_weekly_and_two_weeks_daily(self):
        today = timezone.localdate()
        days = set(HealthSnapshot.objects.values_list("day", flat=True).distinct())
        per_account = Counter(HealthSnapshot.objects.values_list("account_id", flat=True))

        assert days == {*backfill_days(today), today}
        assert len(days) == 25  # 12 weeks + the last 13 days (day 7 and 14 in both) + today
        assert min(days) == today - timedelta(weeks=12)
        assert set(per_account.values()) == {25}
        assert len(per_account) == ACCOUNTS

    def test_a_large_portfolio_keeps_history_for_key_and_demo_login_accounts_only(self):
        users = {user.username: user for user in User.objects.filter(username__in=LOGINS)}
        large = DemoContext(seed=2026, account_count=FULL_BACKFILL_UP_TO + 1, users=users)
        small = DemoContext(seed=2026, account_count=FULL_BACKFILL_UP_TO, users=users)

        chosen = backfill_accounts(large)

        expected = set(
            Account.objects.filter(
                Q(category=Category.KEY)
                | Q(owner__username__in=LOGINS)
                | Q(team_members__user__username__in=LOGINS)
            ).values_list("pk", flat=True)
        )
        assert chosen == expected
        assert 0 < len(chosen) < ACCOUNTS
        assert backfill_accounts(small) is None

    def test_todays_snapshot_is_the_accounts_health(self):
        today = timezone.localdate()
        snapshots = {
            account_id: (score, level, index)
            for account_id, score, level, index in HealthSnapshot.objects.filter(
                day=today
            ).values_list("account_id", "risk_score", "risk_level", "satisfaction_index")
        }
        health = {
            account_id: (score, level, index)
            for account_id, score, level, index in AccountHealth.objects.values_list(
                "account_id", "risk_score", "risk_level", "satisfaction_index"
            )
        }
        assert snapshots == health

    def test_a_past_snapshot_is_the_risk_read_as_of_its_day(self):
        model = risk_model.current_risk_model()
        day = timezone.localdate() - timedelta(weeks=6)
        checked = 0
        stored = HealthSnapshot.objects.filter(day=day).order_by("account_id")
        for account_id, score, index in stored.values_list(
            "account_id", "risk_score", "satisfaction_index"
        )[:15]:
            (facts,) = read_batch(account_id, account_id, as_of=day, windows=model.windows)
            assert score == engine.risk_score_json(facts.measures, model.rules)[0]
            assert index == facts.measures.satisfaction
            checked += 1
        assert checked == 15

    def test_the_history_moves_for_some_accounts(self):
        today = timezone.localdate()
        then = dict(
            HealthSnapshot.objects.filter(day=today - timedelta(weeks=12)).values_list(
                "account_id", "risk_score"
            )
        )
        now = dict(HealthSnapshot.objects.filter(day=today).values_list("account_id", "risk_score"))
        moved = [pk for pk in now if now[pk] != then[pk]]

        assert 0.1 * ACCOUNTS < len(moved) < ACCOUNTS

    def test_all_three_levels_occur_with_most_accounts_at_low_risk(self):
        levels = Counter(AccountHealth.objects.values_list("risk_level", flat=True))

        assert set(levels) == {RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH}
        assert levels[RiskLevel.LOW] > 0.5 * ACCOUNTS
        assert 0.15 * ACCOUNTS < levels[RiskLevel.MEDIUM] < 0.4 * ACCOUNTS
        assert 0.02 * ACCOUNTS <= levels[RiskLevel.HIGH] < 0.15 * ACCOUNTS

    def test_every_factor_contributes_somewhere(self):
        contributing = {
            factor["code"]
            for factors in AccountHealth.objects.values_list("factors", flat=True)
            for factor in factors
            if factor["points"]
        }
        assert contributing == set(engine.RISK_FACTORS)

    def test_manager_has_high_risk_accounts_each_with_a_notification(self):
        today = timezone.localdate()
        high = AccountHealth.objects.filter(
            account__owner__username="manager", risk_level=RiskLevel.HIGH
        )

        assert 1 <= high.count() <= 4
        for health in high:
            notification = Notification.objects.get(
                user__username="manager", key=f"risk:{health.account_id}:{today.isoformat()}"
            )
            assert notification.url == f"/accounts/{health.account_id}/health/"
            assert str(health.risk_score) in notification.text
        assert high.filter(account__category=Category.KEY).exists()

    def test_one_of_managers_key_accounts_is_falling_out_of_love(self):
        """Satisfied two years ago, unhappy now: the trend factor has something to say."""
        declining = AccountHealth.objects.filter(
            account__owner__username="manager",
            account__category=Category.KEY,
            satisfaction_change__lte=-15,
        )
        assert declining.exists()
        for health in declining:
            indices = list(
                Survey.objects.filter(account_id=health.account_id, status="completed")
                .order_by("answered_on")
                .values_list("satisfaction_index", flat=True)
            )
            assert indices[0] > indices[-1]

    def test_it_reports_what_it_loaded(self, seeded):
        assert re.search(
            r"\d+ surveys, [\d,]+ survey answers, 3 survey links, [\d,]+ health snapshots, "
            rf"{ACCOUNTS} accounts scored, \d+ high-risk alerts",
            seeded,
        )
        snapshots = HealthSnapshot.objects.count()
        assert f"{snapshots:,} health snapshots" in seeded


def test_the_same_seed_gives_the_same_surveys_and_history():
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())
    first = _fingerprint()
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())

    assert all(first)
    assert _fingerprint() == first


def test_reset_removes_the_health_rows_and_keeps_the_configuration():
    call_command("seed_demo", "--accounts", "30", stdout=StringIO())
    indicators = list(SurveyIndicator.objects.values_list("pk", "code"))
    factors = list(RiskFactor.objects.values_list("pk", "weight"))
    assert Survey.objects.exists() and HealthSnapshot.objects.exists()

    scoring_demo.delete_demo_data()

    for model in (Survey, SurveyAnswer, AccountHealth, HealthSnapshot, HealthRun):
        assert not model.objects.exists()
    assert not Survey.history.exists()
    assert list(SurveyIndicator.objects.values_list("pk", "code")) == indicators
    assert list(RiskFactor.objects.values_list("pk", "weight")) == factors

    call_command("seed_demo", "--accounts", "30", "--reset", stdout=StringIO())
    assert AccountHealth.objects.count() == 30
    assert HealthRun.objects.count() == 1


def test_it_recreates_the_shipped_indicators_and_risk_model_after_a_flush():
    SurveyIndicator.objects.all().delete()
    RiskFactor.objects.all().delete()

    call_command("seed_demo", "--accounts", "20", stdout=StringIO())

    codes = [row[0] for row in defaults.SURVEY_INDICATORS]
    assert list(SurveyIndicator.objects.values_list("code", flat=True)) == codes
    assert list(RiskFactor.objects.values_list("code", "weight")) == [
        (row[0], row[1]) for row in defaults.RISK_FACTORS
    ]
    assert AccountHealth.objects.count() == 20


# --- manage.py recalculate_health -----------------------------------------------------------


def _recalculate(*args) -> str:
    output = StringIO()
    call_command("recalculate_health", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def three_accounts():
    shipped_risk_model()
    return [AccountFactory() for _ in range(3)]


def test_the_command_recalculates_every_account_and_prints_the_figures(three_accounts):
    output = _recalculate()

    run = HealthRun.objects.get()
    assert (run.trigger, run.status, run.accounts, run.changed) == ("command", "finished", 3, 3)
    assert re.fullmatch(
        rf"Run {run.pk} \(every account, as of {run.as_of:%Y-%m-%d}\): accounts 3, changed 3, "
        r"alerts \d+, errors 0, \d+\.\d s\.\nFinished\.\n",
        output,
    )
    assert AccountHealth.objects.count() == 3

    again = _recalculate()
    assert "accounts 3, changed 0, alerts 0, errors 0" in again


def test_account_recalculates_only_that_account(three_accounts):
    first = three_accounts[0]

    output = _recalculate("--account", str(first.pk))

    run = HealthRun.objects.get()
    assert (run.account_id, run.accounts) == (first.pk, 1)
    assert f"(account {first.pk}, " in output
    assert list(AccountHealth.objects.values_list("account_id", flat=True)) == [first.pk]


def test_as_of_and_batch_size_are_passed_to_the_run(three_accounts):
    day = timezone.localdate() - timedelta(days=30)

    _recalculate("--as-of", day.isoformat(), "--batch-size", "1")

    run = HealthRun.objects.get()
    assert (run.as_of, run.accounts) == (day, 3)
    assert set(AccountHealth.objects.values_list("as_of", flat=True)) == {day}
    assert set(HealthSnapshot.objects.values_list("day", flat=True)) == {day}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "999999999"], "There is no account with id 999999999."),
        (["--account", "99999999999999999999999"], "There is no account with id"),
        (["--account", "0"], "There is no account with id 0."),
        (["--as-of", "2026-02-30"], "--as-of must be a date as YYYY-MM-DD"),
        (["--as-of", "yesterday"], "--as-of must be a date as YYYY-MM-DD"),
        (["--batch-size", "0"], "--batch-size must be from 1 to 100,000."),
        (["--batch-size", "1000000"], "--batch-size must be from 1 to 100,000."),
        (["--account", "x"], "invalid int value"),
    ],
)
def test_bad_options_fail_with_a_message_and_start_no_run(three_accounts, args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        _recalculate(*args)

    assert raised.value.returncode == 1
    assert not HealthRun.objects.exists()


def test_a_date_in_the_future_is_refused(three_accounts):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(CommandError, match="cannot be in the future"):
        _recalculate("--as-of", tomorrow.isoformat())


def test_a_failed_run_exits_with_status_1_and_says_why(three_accounts):
    # The database does not enforce the factor codes' choices; the engine refuses an unknown one,
    # so every batch fails.
    RiskFactor.objects.create(code="gut_feeling", weight=5, start=Decimal(0), full=Decimal(1))

    with pytest.raises(CommandError, match=r"failed for 1 batch\(es\)") as raised:
        _recalculate()

    assert raised.value.returncode == 1
    assert "unknown risk factor 'gut_feeling'" in str(raised.value)
    run = HealthRun.objects.get()
    assert (run.status, run.errors) == (RunStatus.FAILED, 1)
    assert not AccountHealth.objects.exists()


@pytest.fixture
def another_run_holds_the_lock():
    """The lock as another worker would hold it: on PostgreSQL a session advisory lock from a
    second connection, elsewhere the cache key."""
    if connection.vendor != "postgresql":
        assert cache.add(runs.CACHE_LOCK, True, 60)
        yield
        cache.delete(runs.CACHE_LOCK)
        return
    with second_connection() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [runs.LOCK_KEY])
        yield
        other.execute("SELECT pg_advisory_unlock(%s)", [runs.LOCK_KEY])


@pytest.mark.usefixtures("another_run_holds_the_lock")
def test_a_run_skipped_for_another_in_progress_exits_with_status_1(three_accounts):
    with pytest.raises(CommandError, match="another recalculation is in progress") as raised:
        _recalculate()

    assert raised.value.returncode == 1
    run = HealthRun.objects.get()
    assert run.status == RunStatus.SKIPPED
    assert not AccountHealth.objects.exists()
