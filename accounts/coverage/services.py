"""Write side of coverage: who of ours knows which stakeholder, and how well."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict, claim, nothing_changed
from accounts.models import Account, Coverage, Stakeholder


@transaction.atomic
def coverage_set(
    *,
    actor,
    account: Account,
    stakeholder: Stakeholder,
    user,
    expected_version: int,
    strength: int,
    last_contact,
) -> Coverage | None:
    """Set how well `user` (one of the account team) knows `stakeholder`, from a cell loaded at
    `expected_version`: the coverage row's version, or 0 when there was none. EditConflict if
    the cell changed since (someone set, changed or removed it). Strength 0 with no last
    contact removes the coverage row: nothing is left to remember. Returns the row, or None."""
    access.require_edit(actor, account)
    errors = {}
    if stakeholder.account_id != account.pk:
        errors["stakeholder"] = _("This stakeholder does not belong to this account.")
    if user is None or not access.is_on_team(user, account):
        errors["user"] = _("Only the account manager and the account team can cover a stakeholder.")
    if errors:
        raise ValidationError(errors)

    coverage = Coverage.objects.filter(stakeholder=stakeholder, user=user).first()
    if coverage is not None:
        claim(coverage, expected_version=expected_version)
    elif expected_version != 0:
        raise _removed_since(stakeholder, user)

    errors = {}
    if strength is None or not 0 <= strength <= 3:
        errors["strength"] = _("Strength goes from 0 (no relationship) to 3 (trusted).")
    if isinstance(last_contact, date) and last_contact > timezone.localdate():
        errors["last_contact"] = _("The last contact cannot be in the future.")
    if errors:
        raise ValidationError(errors)

    if strength == 0 and last_contact is None:
        if coverage is not None:
            coverage._history_user = actor
            coverage.delete()
        return None
    if coverage is None:
        coverage = Coverage(stakeholder=stakeholder, user=user)
    elif coverage.strength == strength and coverage.last_contact == last_contact:
        nothing_changed()
        return coverage  # no history row, the map does not look fresher
    coverage.strength = strength
    coverage.last_contact = last_contact
    coverage.full_clean(validate_unique=False)
    coverage._history_user = actor
    if coverage.pk is not None:
        coverage.save()
        return coverage
    try:
        # Two people setting an empty cell at once: the unique pair refuses the second, whose
        # cell (version 0) is then out of date like any other.
        with transaction.atomic():
            coverage.save()
    except IntegrityError:
        stored = Coverage.objects.get(stakeholder=stakeholder, user=user)
        raise EditConflict.about(stored) from None
    return coverage


def _removed_since(stakeholder: Stakeholder, user) -> EditConflict:
    """The cell's row was removed after the cell was loaded: the conflict is with "no
    coverage", version 0, so that saving the cell again sets it anew."""
    removed = (
        Coverage.history.filter(stakeholder_id=stakeholder.pk, user_id=user.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return EditConflict(
        model=Coverage,
        pk=removed.id if removed else None,
        current=Coverage(stakeholder=stakeholder, user=user, strength=0, row_version=0),
        changed_by=removed.history_user if removed else None,
        changed_at=removed.history_date if removed else None,
    )
