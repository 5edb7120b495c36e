"""Write side of the value scorecard. One function, in a transaction: it checks the rules whatever
form or script sent the data, recomputes the potential class and records who changed what (the
model keeps a simple-history trail)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict, claim
from accounts.models import Account
from scoring import engine
from scoring.models import ValueScorecard

SCORECARD_FIELDS = (
    "current_purchases",
    "purchase_capacity",
    "growth_potential",
    "strategic_value",
    "is_vip",
    "vip_reason",
    "expected_years",
    "revenue_target",
    "margin_rate_target",
    "on_time_delivery_target",
    "on_time_delivery_actual",
    "complaints_on_time_target",
    "satisfaction_target",
    "satisfaction_actual",
    "share_of_wallet_target",
    "visits_target",
    "pipeline_target",
)


@transaction.atomic
def scorecard_save(
    *, account: Account, actor, expected_version: int, fields: dict
) -> ValueScorecard:
    """Create or change the account's scorecard from a form loaded at `expected_version` (0:
    the account had no scorecard then). Raises ValidationError naming the field, EditConflict if
    someone saved the scorecard since (or created it, for a form that saw none)."""
    access.require_edit(actor, account)
    unknown = set(fields) - set(SCORECARD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    # Lock the account row: two people saving the first scorecard at once must not both insert
    # (the second then finds the first's and is refused by the claim below).
    Account.objects.select_for_update().filter(pk=account.pk).values_list("pk").get()
    scorecard = ValueScorecard.objects.filter(account=account).first()
    if scorecard is not None:
        claim(scorecard, expected_version=expected_version)
    elif expected_version:
        # The form showed a scorecard that is gone: nothing to merge with.
        raise EditConflict(model=ValueScorecard, pk=None, current=None)
    else:
        scorecard = ValueScorecard(account=account)
    for name, value in fields.items():
        setattr(scorecard, name, value)
    scorecard.vip_reason = (scorecard.vip_reason or "").strip()
    if scorecard.is_vip and not scorecard.vip_reason:
        raise ValidationError(
            {"vip_reason": _("Say why this account is a VIP: what influence does it have?")}
        )
    if not scorecard.is_vip:
        scorecard.vip_reason = ""
    scorecard.full_clean(exclude={"account", "updated_by"})
    scorecard.potential_class = (
        engine.potential_class(scorecard.current_purchases, scorecard.purchase_capacity) or ""
    )
    scorecard.updated_by = actor
    scorecard.updated_at = timezone.now()
    scorecard._history_user = actor
    scorecard.save()
    return scorecard
