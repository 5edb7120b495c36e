"""Write side of the stakeholder map. Every change goes through here, in a transaction, with the
acting user recorded in the history; the rules (same account, no reporting loops, private notes for
the team only) are checked here whatever form or script sent the data."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, versions
from accounts.conflicts import claim, nothing_changed
from accounts.models import (
    Account,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    StakeholderStatus,
)
from accounts.stakeholders.rules import reporting_cycle

STAKEHOLDER_FIELDS = (
    "name",
    "title",
    "department",
    "reports_to",
    "buying_role",
    "attitude",
    "influence",
    "involvement",
    "social_style",
    "motivations",
    "email",
    "phone",
    "wechat",
)
NEED_FIELDS = ("description", "scope", "openness", "expression")
NOTE_FIELDS = ("birthday", "hometown", "interests", "family", "notes")


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


def _check_reports_to(account: Account, stakeholder: Stakeholder, previous_id) -> None:
    manager = stakeholder.reports_to
    if manager is None:
        return
    if manager.account_id != account.pk:
        raise ValidationError(
            {"reports_to": _("Choose someone who works at %(account)s.") % {"account": account}}
        )
    if manager.has_left and manager.pk != previous_id:
        raise ValidationError(
            {"reports_to": _("%(name)s has left the company.") % {"name": manager.name}}
        )
    if stakeholder.pk is None:
        return  # nobody reports to a new person yet, so no loop can close
    if manager.pk == stakeholder.pk:
        raise ValidationError({"reports_to": _("A person cannot report to themself.")})
    people = dict(account.stakeholders.values_list("pk", "name"))
    managers = dict(account.stakeholders.values_list("pk", "reports_to_id"))
    cycle = reporting_cycle(managers, stakeholder.pk, manager.pk)
    if cycle:
        names = [stakeholder.name if pk == stakeholder.pk else people[pk] for pk in cycle]
        loop = " → ".join([*names, names[0]])
        raise ValidationError(
            {
                "reports_to": _(
                    "This would make a reporting loop: %(loop)s. Somebody in it has to report "
                    "to someone outside it."
                )
                % {"loop": loop}
            }
        )


def _save_needs(actor, stakeholder: Stakeholder, needs: Iterable[dict]) -> None:
    """Make the person's needs exactly `needs`: rows with an id are updated, rows without are
    added, and needs not listed are removed."""
    existing = {need.pk: need for need in stakeholder.needs.all()}
    keep = set()
    for data in needs:
        need_id = data.get("id")
        if need_id is not None:
            if need_id not in existing:
                raise ValidationError(_("A need does not belong to this person."))
            need = existing[need_id]
            keep.add(need_id)
        else:
            need = StakeholderNeed(stakeholder=stakeholder)
        changed = need.pk is None
        for name in NEED_FIELDS:
            if name in data and getattr(need, name) != data[name]:
                setattr(need, name, data[name])
                changed = True
        if changed:
            need.full_clean()
            _with_history_user(need, actor).save()
    for need_id, need in existing.items():
        if need_id not in keep:
            _with_history_user(need, actor).delete()


def _save_private_note(actor, stakeholder: Stakeholder, note: dict) -> None:
    if not access.can_see_private_notes(actor, stakeholder.account):
        raise PermissionDenied
    record = StakeholderPrivateNote.objects.filter(stakeholder=stakeholder).first()
    if record is None:
        if not any(note.get(name) for name in NOTE_FIELDS):
            return  # nothing to keep: no empty row
        record = StakeholderPrivateNote(stakeholder=stakeholder)
    changed = record.pk is None
    for name in NOTE_FIELDS:
        if name in note and getattr(record, name) != note[name]:
            setattr(record, name, note[name])
            changed = True
    if changed:
        record.full_clean()
        _with_history_user(record, actor).save()


@transaction.atomic
def stakeholder_save(
    *,
    actor,
    account: Account,
    stakeholder: Stakeholder | None = None,
    expected_version: int | None = None,
    fields: dict,
    needs: Iterable[dict] | None = None,
    private_note: dict | None = None,
) -> Stakeholder:
    """Add a person to the account (stakeholder=None) or change one, with their needs and, for
    the account team only, their private notes. `needs=None` leaves the needs alone;
    `private_note=None` leaves the notes alone.

    A change is made from a form loaded at the person's `expected_version` (EditConflict if
    someone saved them since). Their needs and private notes ride on the same form and have no
    version of their own, so every save claims and saves the person, whatever it changes: a
    change to the needs or the notes alone moves the person's version on too."""
    access.require_edit(actor, account)
    unknown = set(fields) - set(STAKEHOLDER_FIELDS)
    if unknown:
        raise TypeError(f"unknown stakeholder fields: {sorted(unknown)}")
    if stakeholder is None:
        stakeholder = Stakeholder(account=account)
    elif stakeholder.account_id != account.pk:
        raise PermissionDenied
    else:
        claim(stakeholder, expected_version=expected_version)
    stakeholder.account = account
    previous_manager_id = stakeholder.reports_to_id
    for name, value in fields.items():
        setattr(stakeholder, name, value)
    if not (stakeholder.name or "").strip():
        raise ValidationError({"name": _("Give the person's name.")})
    stakeholder.name = stakeholder.name.strip()
    _check_reports_to(account, stakeholder, previous_manager_id)
    stakeholder.full_clean(exclude=["account"])
    _with_history_user(stakeholder, actor).save()
    if needs is not None:
        _save_needs(actor, stakeholder, needs)
    if private_note is not None:
        _save_private_note(actor, stakeholder, private_note)
    return stakeholder


def restorable_stakeholder_fields(actor, account: Account) -> set[str]:
    """The fields of an earlier version of a person that `actor` may put back: what the person's
    form edits (leaving and coming back have their own buttons)."""
    return set(STAKEHOLDER_FIELDS) if access.can_edit_account(actor, account) else set()


@transaction.atomic
def stakeholder_restore(
    *,
    actor,
    account: Account,
    stakeholder: Stakeholder,
    expected_version: int,
    version,
    fields: Iterable[str],
) -> Stakeholder:
    """Put the chosen fields of an earlier version of the person back, through stakeholder_save
    (so the reporting-line rules hold), as a change whose history names that version."""
    access.require_edit(actor, account)
    chosen = set(fields)
    if version.id != stakeholder.pk or stakeholder.account_id != account.pk:
        raise PermissionDenied
    versions.check_chosen(chosen, restorable_stakeholder_fields(actor, account))
    tracked = versions.tracked_fields(Stakeholder)
    values = versions.values_of(version, tracked, chosen)
    if (
        values.get("reports_to") is None
        and version.reports_to_id is not None
        and "reports_to" in chosen
    ):
        raise ValidationError(
            {"fields_to_restore": _("The person they reported to then is no longer on the map.")}
        )
    stakeholder._change_reason = versions.restore_reason(version)
    return stakeholder_save(
        actor=actor,
        account=account,
        stakeholder=stakeholder,
        expected_version=expected_version,
        fields=values,
    )


@transaction.atomic
def stakeholder_mark_left(
    *, actor, stakeholder: Stakeholder, expected_version: int, left_on: date | None = None
):
    """The person left the company. Their direct reports keep their line to them, so the chart
    still shows who they worked for until the team maps the new manager."""
    access.require_edit(actor, stakeholder.account)
    claim(stakeholder, expected_version=expected_version)
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The leaving date cannot be in the future.")})
    stakeholder.status = StakeholderStatus.LEFT
    stakeholder.left_on = left_on
    _with_history_user(stakeholder, actor).save()
    return stakeholder


@transaction.atomic
def stakeholder_reinstate(*, actor, stakeholder: Stakeholder, expected_version: int) -> Stakeholder:
    access.require_edit(actor, stakeholder.account)
    claim(stakeholder, expected_version=expected_version)
    if stakeholder.status == StakeholderStatus.ACTIVE:
        nothing_changed()
        return stakeholder
    stakeholder.status = StakeholderStatus.ACTIVE
    stakeholder.left_on = None
    _with_history_user(stakeholder, actor).save()
    return stakeholder
