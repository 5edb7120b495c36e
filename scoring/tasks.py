"""Celery tasks of the scoring app: thin wrappers over services, taking primary keys (settings'
beat schedule names "scoring.tasks.apply_tier_rules")."""

from celery import shared_task
from django.contrib.auth import get_user_model

from scoring.criteria import services as criteria_services
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
