"""The health write services a person asks for: retry or dismiss an interrupted run, recalculate
now, and edit the risk model; and the receivers that queue a recalculation after an import or a
survey. The work itself runs in a worker (scoring.tasks; the runs: scoring.health.runs)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, outbox
from accounts.conflicts import EditConflict, claim
from accounts.models import ImportKind
from scoring.health.risk_model import FactorValues, validate_risk_model, weight_field
from scoring.health.runs import covering_runs, open_interrupted_run
from scoring.models import HealthRun, RiskFactor, RiskPolicy, RunTrigger

# The tasks (scoring.tasks, a layer above) are asked for by name.
RECALCULATE_HEALTH = "scoring.tasks.recalculate_health"
RECALCULATE_ACCOUNT_HEALTH = "scoring.tasks.recalculate_account_health"
RETRY_HEALTH_RUN = "scoring.tasks.retry_health_run"


@transaction.atomic
def health_run_retry(*, run: HealthRun, actor) -> HealthRun:
    """An admin's one-click retry: queue a new run that carries on after the accounts `run`
    saved (scoring.tasks.retry_health_run), once this commits. Refused while a retry asked for
    earlier waits for a worker."""
    access.require_admin(actor)
    run = open_interrupted_run(run)
    if covering_runs(run).exists():
        raise ValidationError(
            _("A later recalculation has covered these accounts already: nothing to retry.")
        )
    if run.retry_waiting():
        raise ValidationError(
            _("A retry of this run has been asked for already: it starts when a worker is free.")
        )
    run.retried_by, run.retried_at = actor, timezone.now()
    run.save(update_fields=["retried_by", "retried_at"])
    run_id, actor_id = run.pk, getattr(actor, "pk", None)
    outbox.enqueue(RETRY_HEALTH_RUN, run_id, actor_id)
    return run


@transaction.atomic
def health_run_dismiss(*, run: HealthRun, actor) -> HealthRun:
    """An admin's "dismiss": the interrupted run stays in the list as it is, marked seen and
    no longer offering a retry (the next nightly run recalculates every account anyway)."""
    access.require_admin(actor)
    run = open_interrupted_run(run)
    run.dismissed_by, run.dismissed_at = actor, timezone.now()
    run.save(update_fields=["dismissed_by", "dismissed_at"])
    return run


# --- Queueing runs -------------------------------------------------------------------------------


def health_recalculation_request(*, requested_by):
    """An admin's "recalculate now": queue the full run once the request commits. Returns the
    outbox row (None when tasks run in-process)."""
    access.require_admin(requested_by)
    actor_id = requested_by.pk if requested_by else None
    return outbox.enqueue(RECALCULATE_HEALTH, RunTrigger.ADMIN, actor_id)


def health_recalculate_after_import(sender, *, job, **kwargs) -> None:
    """Imported transactions move revenue, margin and risk: recalculate once the import commits
    (a receiver of accounts.signals.records_imported)."""
    if job.kind == ImportKind.TRANSACTIONS:
        outbox.enqueue(RECALCULATE_HEALTH, RunTrigger.IMPORT, job.user_id)


def recalculate_after_survey(sender, *, account_id: int, **kwargs) -> None:
    """A survey recorded, answered or deleted: recalculate that account once the survey commits
    (a receiver of scoring.surveys.signals.survey_changed)."""
    outbox.enqueue(RECALCULATE_ACCOUNT_HEALTH, account_id)


# --- Editing the risk model ----------------------------------------------------------------


@transaction.atomic
def risk_model_update(
    *, policy_data: dict, factor_rows: Mapping[str, FactorValues], actor, expected_version: int
) -> RiskPolicy:
    """Save the policy and the factors in one transaction, each change with a history row by
    `actor`, from a form loaded at the policy's `expected_version` (0: no policy was stored).
    The policy's row_version covers the factors too (they are written only here), so a model
    changed since the form was loaded is refused with EditConflict. Nothing is recalculated
    here: the admin decides when (or the nightly run does)."""
    access.require_admin(actor)
    policy, created = RiskPolicy.objects.get_or_create(pk=1)
    if not created:
        claim(policy, expected_version=expected_version)
    elif expected_version:
        raise EditConflict(model=RiskPolicy, pk=1, current=None)  # the form saw one: now gone
    validate_risk_model(policy_data, factor_rows)
    for name in ("medium_from", "high_from", "satisfaction_window_days"):
        setattr(policy, name, policy_data[name])
    policy.updated_by, policy.updated_at = actor, timezone.now()
    policy._history_user = actor
    policy.save()
    existing = {
        f.code: f for f in RiskFactor.objects.select_for_update().filter(code__in=factor_rows)
    }
    for code, values in factor_rows.items():
        factor = existing.get(code)
        if factor is None:
            raise ValidationError({weight_field(code): _("Unknown factor.")})
        new = (values.weight, values.start, values.full, values.days)
        if (factor.weight, factor.start, factor.full, factor.days) == new:
            continue
        factor.weight, factor.start, factor.full, factor.days = new
        factor._history_user = actor
        factor.save()
    return policy
