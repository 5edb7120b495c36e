"""A notification says what it says in its reader's language, whatever the language it was
written in (issue 17, defect 13): it is stored as a message (codes and values) and put into words
when shown. One written before messages existed still shows its stored text."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Attitude, BuyingRole, Category
from planning.models import Notification
from planning.reminders import services
from scoring.health import runs
from scoring.models import RunTrigger
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    StageChangeFactory,
    StakeholderFactory,
    VisitFactory,
    shipped_risk_model,
    tier,
)

pytestmark = pytest.mark.django_db


def notifications_page(client_for, user, language):
    client = client_for(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("my:notifications"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_churn_alert_written_in_english_reads_in_chinese(client_for, account, owner):
    shipped_risk_model()
    as_of = datetime.date(2026, 6, 30)
    for _ in range(2):
        ComplaintFactory(
            account=account, opened_on=as_of - timedelta(days=30), due_on=as_of - timedelta(days=20)
        )
    StakeholderFactory(
        account=account, buying_role=BuyingRole.DECISION_MAKER, attitude=Attitude.OPPONENT
    )
    StageChangeFactory(
        account=account,
        changed_at=timezone.make_aware(datetime.datetime(2026, 6, 27, 10)),
        is_regression=True,
    )
    owner.language = "en"
    owner.save()
    runs.health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=as_of)
    (alert,) = Notification.objects.filter(user=owner, key__startswith="risk:")
    assert "is now at high churn risk" in alert.text  # written in the owner's language then

    chinese = notifications_page(client_for, owner, "zh-hans")
    english = notifications_page(client_for, owner, "en")

    assert f"{account.name} 现已处于高流失风险" in chinese
    assert "is now at high churn risk" not in chinese and "No reported visit" not in chinese
    assert f"{account.name} is now at high churn risk" in english


def test_a_digest_item_reads_in_the_readers_language(client_for, owner):
    key = AccountFactory(owner=owner, category=Category.KEY, tier=tier("platinum"))
    VisitFactory(account=key, starts_at=timezone.now() - timedelta(days=2))  # to report
    owner.language = "en"
    owner.save()
    services.digests_send_daily(timezone.localdate())
    assert Notification.objects.filter(user=owner).count() == 2  # never visited, to report

    chinese = notifications_page(client_for, owner, "zh-hans")

    for english in ("Never visited", "Visits to report", "Key accounts not visited", " with "):
        assert english not in chinese
    assert "从未拜访" in chinese
    assert "待填写报告的拜访" in chinese


def test_a_notification_from_before_messages_shows_its_stored_text(client_for, owner):
    Notification.objects.create(user=owner, key="old:1", text="Written before messages existed")

    assert "Written before messages existed" in notifications_page(client_for, owner, "zh-hans")
