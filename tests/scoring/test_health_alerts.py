"""Alerts (issue 6 item 5): an account crossing into high churn risk notifies its owner once, in
the owner's language, saying why; the daily digest e-mails the alert once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.mail import send_pending_mail
from accounts.models import Attitude, BuyingRole, ComplaintStatus
from planning.models import Notification, VisitStatus
from planning.reminders import services as reminders
from scoring.health import runs
from scoring.models import AccountHealth, RunTrigger
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    StageChangeFactory,
    StakeholderFactory,
    TransactionFactory,
    VisitFactory,
    shipped_risk_model,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def risk_model(db):
    return shipped_risk_model()


def day(offset: int) -> datetime.date:
    return AS_OF + datetime.timedelta(days=offset)


def at(offset: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(10)))


def run(offset: int = 0):
    return runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=day(offset))


def make_high(account):
    """Never visited (20), two complaints past due (10), nobody covering (8), an opposed decision
    maker (7), a stage regression (5): 50, just high."""
    for _ in range(2):
        ComplaintFactory(account=account, opened_on=day(-30), due_on=day(-20))
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )
    StageChangeFactory(account=account, changed_at=at(-3), is_regression=True)


def alerts(user=None):
    qs = Notification.objects.filter(key__startswith="risk:")
    return list(qs.filter(user=user) if user else qs)


def test_crossing_into_high_risk_notifies_the_owner_once_saying_why(account, owner, teammate):
    make_high(account)

    result = run()

    (alert,) = alerts()
    assert result.alerts == 1
    assert alert.user == owner
    assert alert.key == f"risk:{account.pk}:2026-06-30"
    assert alert.url == f"/accounts/{account.pk}/health/"
    assert alert.due_on == AS_OF
    assert alert.text == (
        "Sinopec Digital is now at high churn risk (50): "
        "No reported visit on record; the cadence is every 30 days (+20) · "
        "2 open complaints past their due date (+10) · "
        "Nobody on our team has a relationship there (+8)"
    )
    assert alerts(teammate) == []
    assert AccountHealth.objects.get(pk=account.pk).high_since == AS_OF


def test_the_alert_is_in_the_owners_language(account, owner):
    owner.language = "zh-hans"
    owner.save()
    make_high(account)
    # Money in the reasons is formatted for the reader: ¥ in Chinese, CN¥ in English.
    TransactionFactory(
        account=account,
        date=day(-200),
        invoice_due=day(-140),
        amount=Decimal(5000),
        gross_margin=Decimal(0),
    )

    run()

    (alert,) = alerts(owner)
    assert alert.text.startswith("Sinopec Digital 现已处于高流失风险（60）：")  # 50 + overdue 10
    assert "¥5,000" in alert.text
    assert "CN¥" not in alert.text


def test_a_rerun_the_same_day_and_staying_high_give_no_new_alert(account, owner):
    make_high(account)
    VisitFactory(
        account=account, starts_at=at(-200), status=VisitStatus.REPORTED, reported_at=at(-200)
    )
    run()

    again = run()
    next_day = run(1)  # the facts moved (a day older) but the level stayed high

    assert again.alerts == next_day.alerts == 0
    assert next_day.changed == 1  # the last visit is a day older
    assert len(alerts(owner)) == 1
    assert AccountHealth.objects.get(pk=account.pk).high_since == AS_OF


def test_dropping_and_crossing_again_gives_a_new_alert(account, owner):
    make_high(account)
    run()
    account.complaints.update(
        status=ComplaintStatus.RESOLVED, resolved_on=day(1), resolution="Replaced the batch"
    )
    run(1)
    health = AccountHealth.objects.get(pk=account.pk)
    assert (health.risk_score, health.risk_level, health.high_since) == (40, "medium", None)

    ComplaintFactory(account=account, opened_on=day(-10), due_on=day(-2))
    ComplaintFactory(account=account, opened_on=day(-10), due_on=day(-1))
    crossed = run(2)

    assert crossed.alerts == 1
    assert sorted(a.key for a in alerts(owner)) == [
        f"risk:{account.pk}:2026-06-30",
        f"risk:{account.pk}:2026-07-02",
    ]
    assert AccountHealth.objects.get(pk=account.pk).high_since == day(2)


def test_an_account_without_an_active_owner_raises_no_alert(owner):
    orphan = AccountFactory(owner=None)
    make_high(orphan)
    departed = AccountFactory(owner=owner)
    owner.is_active = False
    owner.save()
    make_high(departed)

    result = run()

    assert result.alerts == 0
    assert alerts() == []
    assert AccountHealth.objects.filter(risk_level="high").count() == 2


def test_an_account_already_high_on_the_first_run_alerts_once(account, owner):
    """No previous health row counts as "not high": the first night raises the alert (a
    planned visit is no contact)."""
    make_high(account)
    VisitFactory(account=account, starts_at=at(-400), status=VisitStatus.PLANNED)

    run()
    run()

    assert len(alerts(owner)) == 1


def test_the_digest_emails_the_alert_once(account, owner):
    make_high(account)
    run()

    first = reminders.digests_send_daily(AS_OF)
    second = reminders.digests_send_daily(AS_OF)
    send_pending_mail()  # the mail queue's worker

    (message,) = [m for m in mail.outbox if m.to == [owner.email]]
    assert "Accounts at high churn risk" in message.body
    assert "Sinopec Digital is now at high churn risk (50)" in message.body
    assert f"/accounts/{account.pk}/health/" in message.body
    # The complaints past due are in the same mail, for the whole team.
    assert "Complaints past due" in message.body
    assert first["alerts"] == 1 and second["alerts"] == 0 and second["queued"] == 0
    (alert,) = alerts(owner)
    assert alert.emailed_at is not None


def test_a_lost_account_at_high_risk_warns_no_one(account):
    account.category = "lost"
    account.save()
    make_high(account)

    result = run()

    assert AccountHealth.objects.get(pk=account.pk).risk_level == "high"
    assert (result.alerts, alerts()) == (0, [])
