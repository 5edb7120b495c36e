"""Write side of the relationship. The stage fields of an account change only here, each move
kept as a StageChange (from, to, target, who, when, why) in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict, claim, nothing_changed
from accounts.models import (
    Account,
    DecisionStyle,
    HighLow,
    RelationshipStage,
    StageAssessment,
    StageChange,
    is_regression,
)
from accounts.relationship import ladder, queries

PROFILE_FIELDS = {
    "seller_intent": HighLow.values,
    "buyer_intent": HighLow.values,
    "offering_importance": HighLow.values,
    "relative_spend": HighLow.values,
    "decision_style": DecisionStyle.values,
}


@transaction.atomic
def stage_change(
    *,
    actor,
    account: Account,
    expected_version: int,
    to_stage: str,
    target_stage: str = "",
    rationale: str,
) -> StageChange | None:
    """Set the current and target stage with a reason, from a form loaded at the account's
    `expected_version` (EditConflict if someone saved the account since). Returns None when
    nothing changes."""
    access.require_edit(actor, account)
    claim(account, expected_version=expected_version)
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
        nothing_changed()
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
def stage_assess(*, actor, account: Account, expected_latest: int, signs) -> StageAssessment:
    """Store a run of the checklist and the stage it suggests.

    Assessments are never changed, only followed by newer ones, and the form starts from the
    latest one: the id of the latest assessment the form showed (`expected_latest`, 0 for none)
    is the checklist's version. EditConflict if someone saved an assessment since, so a run
    started from an older checklist cannot silently replace theirs."""
    access.require_edit(actor, account)
    # Like claim(): lock, then compare. The account's row is the lock, so two runs saved at
    # the same moment are taken one after the other and the second one sees the first.
    Account.objects.select_for_update().filter(pk=account.pk).values("pk").get()
    latest = queries.latest_assessment(account)
    if (latest.pk if latest else 0) != expected_latest:
        raise _assessed_since(account, latest)
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


def _assessed_since(account: Account, latest: StageAssessment | None) -> EditConflict:
    if latest is None:  # what the form showed was deleted: the checklist is empty again
        empty = StageAssessment(account=account, signs=[])
        empty.row_version = 0
        return EditConflict(model=StageAssessment, pk=None, current=empty)
    latest.row_version = latest.pk  # the version a form saved again after the conflict takes
    return EditConflict(
        model=StageAssessment,
        pk=latest.pk,
        current=latest,
        changed_by=latest.assessed_by,
        changed_at=latest.assessed_at,
    )


@transaction.atomic
def relationship_profile_update(
    *, actor, account: Account, expected_version: int, **fields
) -> Account:
    """How the two sides see each other and the decision-making unit; blank means not assessed.
    From a form loaded at the account's `expected_version` (EditConflict if someone saved the
    account since)."""
    access.require_edit(actor, account)
    claim(account, expected_version=expected_version)
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
        nothing_changed()
        return account
    for name in changed:
        setattr(account, name, fields[name] or "")
    account._history_user = actor
    account.save(update_fields=[*changed, "updated_at"])
    return account
