"""Write side of the relationship. The stage fields of an account change only here, each move
kept as a StageChange (from, to, target, who, when, why) in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import (
    Account,
    DecisionStyle,
    HighLow,
    RelationshipStage,
    StageAssessment,
    StageChange,
    is_regression,
)
from accounts.relationship import ladder

PROFILE_FIELDS = {
    "seller_intent": HighLow.values,
    "buyer_intent": HighLow.values,
    "offering_importance": HighLow.values,
    "relative_spend": HighLow.values,
    "decision_style": DecisionStyle.values,
}


@transaction.atomic
def stage_change(
    *, actor, account: Account, to_stage: str, target_stage: str = "", rationale: str
) -> StageChange | None:
    """Set the current and target stage with a reason. Returns None when nothing changes."""
    access.require_edit(actor, account)
    errors = {}
    if to_stage not in RelationshipStage.values:
        errors["to_stage"] = _("Choose a stage on the ladder.")
    if target_stage and (
        target_stage not in RelationshipStage.values or target_stage == RelationshipStage.UNCOUPLING
    ):
        errors["target_stage"] = _("The target must be a stage on the ladder.")
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = _("Say why the stage changes.")
    if errors:
        raise ValidationError(errors)
    if to_stage == account.relationship_stage and target_stage == account.target_stage:
        return None
    change = StageChange.objects.create(
        account=account,
        from_stage=account.relationship_stage,
        to_stage=to_stage,
        target_stage=target_stage,
        rationale=rationale,
        is_regression=is_regression(account.relationship_stage, to_stage),
        changed_by=actor,
        changed_at=timezone.now(),
    )
    account.relationship_stage = to_stage
    account.target_stage = target_stage
    account._history_user = actor
    account._change_reason = rationale[:100]
    account.save(update_fields=["relationship_stage", "target_stage", "updated_at"])
    return change


@transaction.atomic
def stage_assess(*, actor, account: Account, signs) -> StageAssessment:
    """Store a run of the checklist and the stage it suggests."""
    access.require_edit(actor, account)
    signs = list(dict.fromkeys(signs))
    unknown = ladder.unknown_signs(signs)
    if unknown:
        raise ValidationError(
            {"signs": _("Unknown signs: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return StageAssessment.objects.create(
        account=account,
        signs=signs,
        suggested_stage=ladder.suggest_stage(signs),
        assessed_by=actor,
        assessed_at=timezone.now(),
    )


@transaction.atomic
def relationship_profile_update(*, actor, account: Account, **fields) -> Account:
    """How the two sides see each other and the decision-making unit; blank means not assessed."""
    access.require_edit(actor, account)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    errors = {
        name: _("Choose one of the options.")
        for name, value in fields.items()
        if value and value not in PROFILE_FIELDS[name]
    }
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in fields.items() if getattr(account, name) != (value or "")]
    if not changed:
        return account
    for name in changed:
        setattr(account, name, fields[name] or "")
    account._history_user = actor
    account.save(update_fields=[*changed, "updated_at"])
    return account
