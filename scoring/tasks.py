"""Celery tasks of the scoring app: thin wrappers over services, taking primary keys (settings'
beat schedule names "scoring.tasks.apply_tier_rules")."""

from celery import shared_task
from django.contrib.auth import get_user_model

from scoring.criteria import services as criteria_services
from scoring.dashboard import services as dashboard_services
from scoring.health import services as health_services
from scoring.models import RunStatus, RunTrigger
from scoring.tiers import services as tier_services


@shared_task(acks_late=True)
def carry_over_scores(criteria_set_id: int, actor_id: int | None = None) -> int:
    """After a criteria set is published: every scored account gets an assessment under it.
    Idempotent: accounts already assessed under the set are skipped."""
    return criteria_services.carry_over_scores(criteria_set_id=criteria_set_id, actor_id=actor_id)


@shared_task(acks_late=True)
def apply_tier_rules(actor_id: int | None = None) -> dict:
    """Place every account in its tier by the tier rules (nightly, as revenue moves). Idempotent:
    a second run changes nothing."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return tier_services.apply_tier_rules(actor=actor)


@shared_task(acks_late=True)
def recalculate_health(
    trigger: str = RunTrigger.NIGHTLY, actor_id: int | None = None, batch_size: int | None = None
) -> dict:
    """Satisfaction and churn risk for every account (nightly, and an admin's "recalculate
    now"). Idempotent and crash-safe batch by batch; a second concurrent run is skipped.
    `batch_size` overrides the default batch (accounts per transaction)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = health_services.recalculate_all(
        trigger=trigger, requested_by=actor, batch_size=batch_size
    )
    return _run_summary(run)


@shared_task(bind=True, acks_late=True, max_retries=20)
def recalculate_account_health(self, account_id: int) -> dict:
    """One account, after a survey. While a full run holds the lock, try again shortly: the full
    run may have read the account before the survey was saved."""
    run = health_services.recalculate_account(account_id=account_id)
    if run.status == RunStatus.SKIPPED:
        raise self.retry(countdown=15)
    return _run_summary(run)


@shared_task(acks_late=True)
def warm_dashboards() -> int:
    """After a full health run: cache the dashboards people open first. Idempotent."""
    return dashboard_services.warm_dashboards()


def _run_summary(run) -> dict:
    return {
        "run": run.pk,
        "status": run.status,
        "accounts": run.accounts,
        "changed": run.changed,
        "alerts": run.alerts,
        "errors": run.errors,
    }
