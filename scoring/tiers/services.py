"""Write side of the tier rules: editing the policy and the rules, and applying them to every
account. Applying is set-based (one query reads every account's value, only the accounts whose
tier changes are written) and idempotent: the nightly task and the admin's button both call
apply_tier_rules, and running it twice changes nothing the second time."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict, check_unchanged, claim
from accounts.models import Account, Tier
from scoring.models import TierMethod, TierPolicy, TierRule
from scoring.tiers import queries

CHANGE_REASON = "Tier rules applied"
BATCH = 2000
UPDATE_BATCH = 10000  # ids per UPDATE … WHERE id IN (…)


@dataclass(frozen=True)
class RuleValues:
    min_value: Decimal | None
    top_percent: Decimal | None


def plain_number(value: Decimal | None) -> Decimal | None:
    """50000000.00 → 50000000 and 5.50 → 5.5, for forms and messages."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def min_value_field(tier: Tier) -> str:
    return f"min_value_{tier.code}"


def top_percent_field(tier: Tier) -> str:
    return f"top_percent_{tier.code}"


def validate_rules(tiers: list[Tier], method: str, rules: Mapping[int, RuleValues]) -> None:
    """Raise a ValidationError keyed by form field (min_value_<code>, top_percent_<code>)."""
    errors: dict[str, str] = {}
    if not tiers:
        raise ValidationError(_("There are no tiers to give rules to."))
    *upper, last = tiers
    for tier in tiers:
        values = rules.get(tier.pk, RuleValues(None, None))
        if values.min_value is not None and values.min_value < 0:
            errors[min_value_field(tier)] = _("A threshold cannot be negative.")
        if values.top_percent is not None and not 0 < values.top_percent <= 100:
            errors[top_percent_field(tier)] = _("Give a percentage above 0 and at most 100.")
    last_values = rules.get(last.pk, RuleValues(None, None))
    if last_values.min_value is not None:
        errors[min_value_field(last)] = _(
            "The last tier takes every account the tiers above leave: leave it empty."
        )
    if last_values.top_percent is not None:
        errors[top_percent_field(last)] = _(
            "The last tier takes every account the tiers above leave: leave it empty."
        )
    for tier in upper:
        values = rules.get(tier.pk, RuleValues(None, None))
        if method == TierMethod.THRESHOLD and values.min_value is None:
            errors.setdefault(
                min_value_field(tier), _("With value thresholds every tier but the last needs one.")
            )
        if method == TierMethod.PERCENTILE and values.top_percent is None:
            errors.setdefault(
                top_percent_field(tier),
                _("With portfolio percentiles every tier but the last needs a top percentage."),
            )
    _check_order(upper, rules, errors)
    if errors:
        raise ValidationError(errors)


def _check_order(upper: list[Tier], rules: Mapping[int, RuleValues], errors: dict) -> None:
    """Thresholds fall and percentages rise as the tiers go down; else a tier stays empty."""
    higher_min = higher_percent = None
    for tier in upper:
        values = rules.get(tier.pk, RuleValues(None, None))
        if values.min_value is not None and min_value_field(tier) not in errors:
            if higher_min is not None and values.min_value >= higher_min[1]:
                errors[min_value_field(tier)] = _(
                    "Must be lower than %(tier)s's threshold (%(value)s): a lower tier asks "
                    "for less."
                ) % {"tier": higher_min[0].label, "value": plain_number(higher_min[1])}
            higher_min = (tier, values.min_value)
        if values.top_percent is not None and top_percent_field(tier) not in errors:
            if higher_percent is not None and values.top_percent <= higher_percent[1]:
                errors[top_percent_field(tier)] = _(
                    "Must be more than %(tier)s's %(value)s %%: each tier reaches further down "
                    "the portfolio."
                ) % {"tier": higher_percent[0].label, "value": plain_number(higher_percent[1])}
            higher_percent = (tier, values.top_percent)


def _claimed_policy(expected_version: int) -> TierPolicy:
    """The policy row, claimed at the version the page was loaded at (0: the page saw none, and
    it is created now). The policy's row_version covers the rules too: every rule is written by
    tier_rules_save, which moves it on."""
    policy, created = TierPolicy.objects.get_or_create(pk=1)
    if not created:
        claim(policy, expected_version=expected_version)
    elif expected_version:
        raise EditConflict(model=TierPolicy, pk=1, current=None)  # the page saw one: now gone
    return policy


@transaction.atomic
def tier_rules_save(
    *, actor, basis: str, method: str, rules: Mapping[int, RuleValues], expected_version: int
) -> TierPolicy:
    """Save the policy and one rule per tier, from a form loaded at the policy's
    `expected_version`. Nothing is applied to accounts here: the admin previews first, then
    applies (or the nightly run does)."""
    access.require_admin(actor)
    policy = _claimed_policy(expected_version)
    tiers = list(Tier.objects.order_by("rank"))
    validate_rules(tiers, method, rules)
    policy.basis, policy.method = basis, method
    policy.updated_by, policy.updated_at = actor, timezone.now()
    policy._history_user = actor
    policy.save()
    existing = {rule.tier_id: rule for rule in TierRule.objects.select_for_update()}
    for tier in tiers:
        values = rules.get(tier.pk, RuleValues(None, None))
        rule = existing.get(tier.pk) or TierRule(tier=tier)
        if rule.pk and (rule.min_value, rule.top_percent) == (values.min_value, values.top_percent):
            continue
        rule.min_value, rule.top_percent = values.min_value, values.top_percent
        rule._history_user = actor
        rule.save()
    return policy


def _write_tiers(new_tier: Mapping[int, int | None], actor) -> None:
    """Set the changed accounts' tiers and record one history row each.

    This is simple_history's bulk_update_with_history with the update done as one UPDATE per
    target tier: bulk_update's CASE over every row grows slow with tens of thousands of changes,
    where one plain UPDATE per tier stays quick."""
    by_tier: dict[int | None, list[int]] = {}
    for account_id, tier_id in new_tier.items():
        by_tier.setdefault(tier_id, []).append(account_id)
    for tier_id, ids in by_tier.items():
        for start in range(0, len(ids), UPDATE_BATCH):
            Account.objects.filter(pk__in=ids[start : start + UPDATE_BATCH]).update(
                tier_id=tier_id, row_version=F("row_version") + 1
            )
    ids = list(new_tier)
    for start in range(0, len(ids), BATCH):
        # Whole rows, read after the update: the history rows copy every field of the account.
        batch = list(Account.objects.filter(pk__in=ids[start : start + BATCH]))
        Account.history.bulk_history_create(
            batch,
            batch_size=BATCH,
            update=True,
            default_user=actor,
            default_change_reason=CHANGE_REASON,
        )


def tier_rules_apply(*, actor=None, today=None, expected_version: int | None = None) -> dict:
    """Give every account the tier the rules assign. Returns the counts: accounts, changed, up,
    down, placed (had no tier), and accounts per tier code afterwards.

    Only the accounts whose tier changes are written, with a history row each (shown on the
    account's History tab as "Tier: Gold → Platinum"). The policy row is locked for the run, so
    the nightly task and an admin pressing Apply do not interleave.

    `expected_version`: the policy's row_version on the preview the admin applies from, so that
    rules changed since are refused with EditConflict rather than applied unseen. None for the
    nightly run, which applies the rules as they are stored."""
    access.require_admin_or_system(actor)
    with transaction.atomic():
        policy, created = TierPolicy.objects.get_or_create(pk=1)
        if expected_version is not None and not (created and expected_version == 0):
            # Apply the rules the admin previewed; applying is not an edit of them, so an admin
            # editing the rules meanwhile is not told they changed.
            check_unchanged(policy, expected_version=expected_version)
        elif not created:
            policy = TierPolicy.objects.select_for_update().get(pk=1)
        tiers = queries.tiers_with_rules()
        if not tiers:
            return {"accounts": 0, "changed": 0, "up": 0, "down": 0, "placed": 0, "per_tier": {}}
        assignment = queries.assign(policy, tiers, today=today)
        new_tier = dict(assignment.changes)
        _write_tiers(new_tier, actor)
        # When they were last applied is a note on the rules, not a change of them: written
        # without moving the version (or a history row of its own).
        TierPolicy.objects.filter(pk=policy.pk).update(last_applied_at=timezone.now())
    codes = {tier.pk: tier.code for tier in tiers}
    return {
        "accounts": assignment.accounts,
        "changed": assignment.changed,
        "up": assignment.up,
        "down": assignment.down,
        "placed": assignment.placed,
        "per_tier": {codes[pk]: n for pk, n in assignment.after.items() if pk in codes},
    }
