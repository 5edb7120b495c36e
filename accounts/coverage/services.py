"""Write side of coverage: who of ours knows which stakeholder, and how well."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Account, Coverage, Stakeholder


def _on_team(account: Account, user) -> bool:
    return account.owner_id == user.pk or account.team_members.filter(user_id=user.pk).exists()


@transaction.atomic
def coverage_set(
    *, actor, account: Account, stakeholder: Stakeholder, user, strength: int, last_contact
) -> Coverage | None:
    """Set how well `user` (one of the account team) knows `stakeholder`. Strength 0 with no last
    contact removes the coverage row: nothing is left to remember. Returns the row, or None."""
    access.require_edit(actor, account)
    errors = {}
    if stakeholder.account_id != account.pk:
        errors["stakeholder"] = _("This stakeholder does not belong to this account.")
    if user is None or not _on_team(account, user):
        errors["user"] = _("Only the account manager and the account team can cover a stakeholder.")
    if strength is None or not 0 <= strength <= 3:
        errors["strength"] = _("Strength goes from 0 (no relationship) to 3 (trusted).")
    if isinstance(last_contact, date) and last_contact > timezone.localdate():
        errors["last_contact"] = _("The last contact cannot be in the future.")
    if errors:
        raise ValidationError(errors)

    coverage = (
        Coverage.objects.select_for_update().filter(stakeholder=stakeholder, user=user).first()
    )
    if strength == 0 and last_contact is None:
        if coverage is not None:
            coverage._history_user = actor
            coverage.delete()
        return None
    if coverage is None:
        coverage = Coverage(stakeholder=stakeholder, user=user)
    elif coverage.strength == strength and coverage.last_contact == last_contact:
        return coverage  # nothing changed: no history row, the map does not look fresher
    coverage.strength = strength
    coverage.last_contact = last_contact
    coverage.full_clean(validate_unique=False)
    coverage._history_user = actor
    coverage.save()
    return coverage
