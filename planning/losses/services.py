"""Write side of lost accounts: marking an account lost stores why, the plan to win it back and a
frozen snapshot of the account, in one transaction. It changes the account (its category), so it
names the account's version its form was loaded at and is refused with EditConflict if anyone
saved the account since: the snapshot and the reason are about the account the person saw."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts import services as account_services
from accounts.conflicts import claim
from accounts.models import Account, Category
from planning.losses.snapshot import build_snapshot
from planning.models.losses import LossReason, LossRecord

# What account_mark_lost takes from the person besides the account.
LOSS_FIELDS = ("reason", "notes", "win_back_plan", "review_on")


def _check(reason: str, review_on: date | None, today: date) -> None:
    errors = {}
    if reason not in LossReason.values:
        errors["reason"] = _("Choose the main reason the account was lost.")
    if review_on is not None and review_on < today:
        errors["review_on"] = _("The review date cannot be in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_mark_lost(
    *,
    actor,
    account: Account,
    expected_version: int,
    reason: str,
    notes: str = "",
    win_back_plan: str = "",
    review_on: date | None = None,
) -> LossRecord:
    """Record why the account was lost and set its category to lost (through account_update, so
    the account's history shows who did it), from a form loaded when the account was at
    `expected_version`. The snapshot is taken before anything changes."""
    access.require_edit(actor, account)
    claim(account, expected_version=expected_version)
    today = timezone.localdate()
    _check(reason, review_on, today)
    record = LossRecord(
        account=account,
        reason=reason,
        notes=(notes or "").strip(),
        win_back_plan=(win_back_plan or "").strip(),
        review_on=review_on,
        snapshot=build_snapshot(account, today=today),
        recorded_by=actor,
    )
    if account.category != Category.LOST:
        account_services.account_update(
            actor=actor,
            account=account,
            expected_version=account.row_version,  # the version claimed just above
            category=Category.LOST,
        )
    record.full_clean()
    record._history_user = actor
    record.save()
    return record
