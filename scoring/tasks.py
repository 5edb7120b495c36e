"""Celery tasks of the scoring app: thin wrappers over services, taking primary keys (settings'
beat schedule names "scoring.tasks.apply_tier_rules"). Each is idempotent, so a message the broker
delivers again (its worker died) does no harm; the health runs also recognise their own message
(`task_id`) and leave the decision to retry to an admin. Time limits: kam/settings.py."""

from celery import shared_task
from django.contrib.auth import get_user_model

from scoring.assessments import services as assessment_services
from scoring.dashboard import services as dashboard_services
from scoring.health import retention as health_retention
from scoring.health import runs as health_runs
from scoring.models import RunStatus, RunTrigger
from scoring.tiers import services as tier_services


def _user(pk: int | None):
    return get_user_model().objects.filter(pk=pk).first() if pk else None


@shared_task(acks_late=True)
def carry_over_scores(criteria_set_id: int, actor_id: int | None = None) -> int:
    """After a criteria set is published: every scored account gets an assessment under it.
    Idempotent: accounts already assessed under the set are skipped."""
    return assessment_services.scores_carry_over(criteria_set_id=criteria_set_id, actor_id=actor_id)


@shared_task(acks_late=True)
def apply_tier_rules(actor_id: int | None = None) -> dict:
    """Place every account in its tier by the tier rules (nightly, as revenue moves). Idempotent:
    a second run changes nothing."""
    return tier_services.tier_rules_apply(actor=_user(actor_id))


@shared_task(bind=True, acks_late=True)
def recalculate_health(
    self,
    trigger: str = RunTrigger.NIGHTLY,
    actor_id: int | None = None,
    batch_size: int | None = None,
) -> dict:
    """Satisfaction and churn risk for every account (nightly, and an admin's "recalculate
    now"). Idempotent and crash-safe batch by batch; a second concurrent run is skipped.
    `batch_size` overrides the default batch (accounts per transaction)."""
    run = health_runs.health_recalculate_all(
        trigger=trigger,
        requested_by=_user(actor_id),
        batch_size=batch_size,
        task_id=self.request.id or "",
    )
    return _run_summary(run)


@shared_task(bind=True, acks_late=True)
def retry_health_run(
    self, run_id: int, actor_id: int | None = None, batch_size: int | None = None
) -> dict | None:
    """An admin's retry of an interrupted run: a new run that carries on after what it saved."""
    run = health_runs.health_run_resume(
        run_id=run_id,
        requested_by=_user(actor_id),
        batch_size=batch_size,
        task_id=self.request.id or "",
    )
    return _run_summary(run) if run else None


@shared_task(bind=True, acks_late=True, max_retries=20)
def recalculate_account_health(self, account_id: int) -> dict:
    """One account, after a survey. While a full run holds the lock, try again shortly: the full
    run may have read the account before the survey was saved."""
    run = health_runs.account_health_recalculate(
        account_id=account_id, task_id=self.request.id or ""
    )
    if run.status == RunStatus.SKIPPED:
        raise self.retry(countdown=15)
    return _run_summary(run)


@shared_task(acks_late=True)
def reap_dead_health_runs() -> int:
    """Every minute: mark interrupted the runs whose worker died (see health_runs_reap_dead)."""
    return health_runs.health_runs_reap_dead()


@shared_task(acks_late=True)
def warm_dashboards() -> int:
    """After a full health run: cache the dashboards people open first. Idempotent."""
    return dashboard_services.dashboards_warm()


@shared_task(acks_late=True)
def thin_health_snapshots() -> dict:
    """Nightly: daily health snapshots thinned to one a week after 90 days and one a month after
    two years. Idempotent: a second run the same day deletes nothing."""
    thinned = health_retention.thin_snapshots()
    return {"deleted": thinned.deleted, "periods": thinned.periods}


def _run_summary(run) -> dict:
    return {
        "run": run.pk,
        "status": run.status,
        "accounts": run.accounts,
        "changed": run.changed,
        "alerts": run.alerts,
        "errors": run.errors,
    }
