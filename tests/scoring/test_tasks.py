"""The scoring app's Celery tasks: declared in the beat schedule, and thin wrappers that do what
their services do when a worker (here: in process) runs them."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kam.celery import app
from scoring import tasks
from tests.factories import (
    AccountFactory,
    TransactionFactory,
    shipped_tier_rules,
    tier,
)


def test_the_nightly_tier_run_is_scheduled_and_registered():
    entry = settings.CELERY_BEAT_SCHEDULE["apply-tier-rules"]
    assert entry["task"] == "scoring.tasks.apply_tier_rules"
    assert entry["task"] in app.tasks


def test_the_tier_task_applies_the_rules_once(admin_user, owner):
    shipped_tier_rules()
    big = AccountFactory(owner=owner, tier=tier("lead"))
    TransactionFactory(
        account=big,
        date=timezone.localdate() - timedelta(days=30),
        amount=Decimal("60000000"),
        gross_margin=Decimal("9000000"),
    )

    first = tasks.apply_tier_rules.delay(admin_user.pk).get()
    second = tasks.apply_tier_rules.delay(admin_user.pk).get()

    big.refresh_from_db()
    assert big.tier.code == "platinum"
    assert first["changed"] == 1
    assert second["changed"] == 0
    latest = big.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason
