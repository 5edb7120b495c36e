"""Write side of the pipeline. An opportunity's stage changes only here, each move kept as an
OpportunityStageChange (from, to, criteria skipped, reason, who, when) in the same transaction.
The rules themselves live in planning.pipeline.stages. A change of a stored opportunity names the
version its page showed (`expected_version`) and is refused with EditConflict if anyone saved the
opportunity since, so a move never starts from a stage that is no longer the current one."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import claim
from accounts.models import Account
from planning.models import DevelopmentStage, Opportunity, OpportunityStageChange
from planning.pipeline import stages

OPPORTUNITY_FIELDS = ("name", "value", "probability", "expected_close")


def _clean_fields(*, name, value, probability, expected_close) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Name the opportunity.")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        errors["value"] = _("Enter the value as a number.")
    else:
        if not value.is_finite() or value < 0:
            errors["value"] = _("The value cannot be negative.")
    try:
        probability = int(probability)
    except (TypeError, ValueError):
        probability = -1
    if not 0 <= probability <= 100:
        errors["probability"] = _("The probability is a percentage between 0 and 100.")
    if expected_close is None:
        errors["expected_close"] = _("Give the expected close date.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "value": value,
        "probability": probability,
        "expected_close": expected_close,
    }


@transaction.atomic
def opportunity_create(
    *, actor, account: Account, name, value, probability, expected_close
) -> Opportunity:
    """A new opportunity at the first stage, owned by whoever creates it."""
    access.require_edit(actor, account)
    fields = _clean_fields(
        name=name, value=value, probability=probability, expected_close=expected_close
    )
    opportunity = Opportunity(account=account, owner=actor, **fields)
    opportunity._history_user = actor
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    actor,
    opportunity: Opportunity,
    expected_version: int,
    name,
    value,
    probability,
    expected_close,
) -> Opportunity:
    """Change the opportunity's figures from a form loaded at `expected_version`."""
    access.require_edit(actor, opportunity.account)
    claim(opportunity, expected_version=expected_version)
    fields = _clean_fields(
        name=name, value=value, probability=probability, expected_close=expected_close
    )
    # From the database (locked by the claim): a bound ModelForm has already written the new
    # values on the instance.
    stored = Opportunity.objects.get(pk=opportunity.pk)
    changed = [key for key, new in fields.items() if getattr(stored, key) != new]
    if not changed:
        return opportunity
    for key in changed:
        setattr(opportunity, key, fields[key])
    opportunity._history_user = actor
    opportunity.save(update_fields=[*changed, "updated_at"])
    return opportunity


@transaction.atomic
def opportunity_criteria_update(
    *, actor, opportunity: Opportunity, expected_version: int, criteria
) -> Opportunity:
    """Tick the exit criteria of the current stage (the list replaces what was ticked), from a
    page that showed the opportunity at `expected_version`."""
    access.require_edit(actor, opportunity.account)
    claim(opportunity, expected_version=expected_version)
    if not stages.is_open(opportunity.stage):
        raise ValidationError({"criteria": _("A closed opportunity has no exit criteria.")})
    criteria = list(dict.fromkeys(criteria))
    unknown = stages.unknown_criteria(opportunity.stage, criteria)
    if unknown:
        message = _("Not criteria of this stage: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationError({"criteria": message})
    # Kept in the stage table's order, whatever order they were posted in.
    ordered = [c.code for c in stages.criteria_of(opportunity.stage) if c.code in criteria]
    if ordered == list(opportunity.criteria_met):
        return opportunity
    opportunity.criteria_met = ordered
    opportunity._history_user = actor
    opportunity.save(update_fields=["criteria_met", "updated_at"])
    return opportunity


@transaction.atomic
def opportunity_move(
    *, actor, opportunity: Opportunity, expected_version: int, to_stage: str, reason: str = ""
) -> OpportunityStageChange:
    """Move to another stage (see stages' module docstring for the rules), from a page that
    showed the opportunity at `expected_version`. Won closes it at 100 %, lost at 0 % with the
    reason kept as why it was lost; reopening clears the close."""
    access.require_edit(actor, opportunity.account)
    # Also what stops two moves at once from both starting from the same stage.
    claim(opportunity, expected_version=expected_version)
    reason = (reason or "").strip()
    from_stage = opportunity.stage
    errors = stages.move_errors(from_stage, to_stage, opportunity.criteria_met, reason)
    if errors:
        raise ValidationError(errors)
    skipped = stages.skipped_criteria(from_stage, to_stage, opportunity.criteria_met)
    today = timezone.localdate()
    opportunity.stage = to_stage
    opportunity.criteria_met = []
    opportunity.probability = stages.probability_after_move(
        from_stage, to_stage, opportunity.probability
    )
    if to_stage == DevelopmentStage.WON:
        opportunity.closed_on = today
        opportunity.lost_reason = ""
    elif to_stage == DevelopmentStage.LOST:
        opportunity.closed_on = today
        opportunity.lost_reason = reason
    else:
        opportunity.closed_on = None
        opportunity.lost_reason = ""
    opportunity._history_user = actor
    opportunity._change_reason = reason[:100] or None
    opportunity.save()
    return OpportunityStageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        criteria_skipped=skipped,
        reason=reason,
        changed_by=actor,
        changed_at=timezone.now(),
    )


def opportunity_mark_lost(*, actor, opportunity: Opportunity, expected_version: int, reason: str):
    return opportunity_move(
        actor=actor,
        opportunity=opportunity,
        expected_version=expected_version,
        to_stage=DevelopmentStage.LOST,
        reason=reason,
    )
