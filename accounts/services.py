"""Write side of the accounts app. Every change that must be audited or touches several rows goes
through a function here, inside a transaction, with the acting user recorded in the history."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, lifecycle, versions
from accounts.conflicts import EditConflict, claim, nothing_changed
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Complaint,
    ComplaintStatus,
    TeamRole,
    Transaction,
)

ACCOUNT_FIELDS = (
    "name",
    "legal_name",
    "external_id",
    "category",
    "owner",
    "tier",
    "industry",
    "region",
    "employees",
    "annual_revenue",
    "registered_capital",
    "is_listed",
    "website",
    "description",
)


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


def _check_key_account_owner(account: Account) -> None:
    if account.category == Category.KEY and account.owner_id is None:
        raise ValidationError({"owner": _("A key account must have an account manager.")})


@transaction.atomic
def account_create(*, actor, **fields) -> Account:
    if not access.can_create_account(actor):
        raise PermissionDenied
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown account fields: {sorted(unknown)}")
    account = Account(**fields)
    if account.owner_id is None and access.is_account_manager(actor):
        # A manager creating an account becomes its owner, or they could not see it afterwards.
        account.owner = actor
    _check_key_account_owner(account)
    account.full_clean()
    _with_history_user(account, actor).save()
    return account


@transaction.atomic
def account_update(*, actor, account: Account, expected_version: int, **fields) -> Account:
    """Change the account's record from a form loaded at `expected_version` (EditConflict if
    someone saved it since)."""
    access.require_edit(actor, account)
    claim(account, expected_version=expected_version)
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown account fields: {sorted(unknown)}")
    if (
        "owner" in fields
        and fields["owner"] != account.owner
        and not access.can_manage_team(actor, account)
    ):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(account, name, value)
    _check_key_account_owner(account)
    account.full_clean()
    _with_history_user(account, actor).save()
    return account


def restorable_account_fields(actor, account: Account) -> set[str]:
    """The fields of an earlier version of the account that `actor` may put back: the record's
    own fields (the stage moves on the Relationship tab, with its history), the owner only for
    those who may reassign it."""
    if not access.can_edit_account(actor, account):
        return set()
    fields = set(ACCOUNT_FIELDS)
    if not access.can_manage_team(actor, account):
        fields.discard("owner")
    return fields


@transaction.atomic
def account_restore(
    *, actor, account: Account, expected_version: int, version, fields: Iterable[str]
) -> Account:
    """Put the chosen fields of an earlier version (a history row of the account) back, as a new
    change whose history says which version it came from. Refused like any stale form if the
    account changed since the comparison was loaded."""
    access.require_edit(actor, account)
    chosen = set(fields)
    if version.id != account.pk:
        raise PermissionDenied
    versions.check_chosen(chosen, restorable_account_fields(actor, account))
    fields = versions.tracked_fields(Account)
    values = versions.values_of(version, fields, chosen)
    if any(
        f.name in values and values[f.name] is None and getattr(version, f.attname) is not None
        for f in fields
    ):
        # A person or tier that version named has been deleted since.
        raise ValidationError({"fields_to_restore": _("What that version named no longer exists.")})
    if lifecycle.becomes_lost(account.category, values.get("category")):
        raise ValidationError(
            {
                "fields_to_restore": _(
                    "An account becomes lost by recording why it was lost: put the category back "
                    "from the account's edit form."
                )
            }
        )
    account._change_reason = versions.restore_reason(version)
    return account_update(actor=actor, account=account, expected_version=expected_version, **values)


@transaction.atomic
def account_set_owner(*, actor, account: Account, owner, expected_version: int) -> Account:
    """Reassign the account manager from a form loaded at the account's `expected_version`
    (EditConflict if someone saved the account since: the owner is one of its fields)."""
    access.require_team_management(actor, account)
    claim(account, expected_version=expected_version)
    if owner == account.owner:
        nothing_changed()
        return account
    if owner is None:
        _check_key_account_owner(Account(category=account.category, owner=None))
    previous_owner = account.owner
    account.owner = owner
    _with_history_user(account, actor).save(update_fields=["owner", "updated_at"])
    # The new owner no longer needs a separate team row; the previous one stays on the team so
    # the handover keeps their relationships visible.
    for member in AccountTeamMember.objects.filter(account=account, user=owner):
        _with_history_user(member, actor).delete()
    if previous_owner is not None and not account.team_members.filter(user=previous_owner).exists():
        _with_history_user(AccountTeamMember(account=account, user=previous_owner), actor).save()
    return account


def _already_on_team(member: AccountTeamMember) -> ValidationError:
    return ValidationError(
        {
            "user": _("%(name)s is already on the account team as %(role)s.")
            % {"name": member.user, "role": member.get_role_display()}
        }
    )


@transaction.atomic
def team_member_add(*, actor, account: Account, user, role: str = TeamRole.MEMBER):
    """Put someone who is not on the team yet on it. Someone already on it is refused whatever
    the role asked for: the form that asks has never seen their row, so it cannot know whether
    someone else has just given them the role they have now, and changing it would overwrite
    that silently."""
    access.require_team_management(actor, account)
    if user.pk == account.owner_id:
        raise ValidationError({"user": _("%(name)s already owns this account.") % {"name": user}})
    member = AccountTeamMember.objects.filter(account=account, user=user).first()
    if member is not None:
        raise _already_on_team(member)
    member = AccountTeamMember(account=account, user=user, role=role)
    try:
        # Two people adding the same person at once: the unique constraint refuses the second.
        with transaction.atomic():
            _with_history_user(member, actor).save()
    except IntegrityError:
        raise _already_on_team(
            AccountTeamMember.objects.select_related("user").get(account=account, user=user)
        ) from None
    return member


@transaction.atomic
def team_member_remove(
    *, actor, account: Account, member_pk: int, expected_version: int
) -> AccountTeamMember:
    """Take someone off the team from a page that showed their membership at `expected_version`.
    EditConflict, with nothing removed, if they were removed or given another role since."""
    access.require_team_management(actor, account)
    member = (
        AccountTeamMember.objects.select_related("user")
        .filter(account=account, pk=member_pk)
        .first()
    )
    if member is None:
        raise EditConflict.about(AccountTeamMember(pk=member_pk))
    claim(member, expected_version=expected_version)
    _with_history_user(member, actor).delete()
    return member


@transaction.atomic
def transaction_add(*, actor, account: Account, **fields) -> Transaction:
    access.require_edit(actor, account)
    record = Transaction(account=account, **fields)
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # full_clean checked the order number; someone (an import) added it in between.
        raise ValidationError(
            {"reference": _("This account already has a transaction with this order number.")}
        ) from None
    return record


@transaction.atomic
def complaint_open(*, actor, account: Account, **fields) -> Complaint:
    access.require_edit(actor, account)
    complaint = Complaint(account=account, **fields)
    if complaint.owner is None:
        complaint.owner = account.owner or actor
    complaint.full_clean()
    _with_history_user(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, expected_version: int, **fields) -> Complaint:
    """Change a complaint from a form loaded at `expected_version` (EditConflict if someone
    saved it since)."""
    access.require_edit(actor, complaint.account)
    claim(complaint, expected_version=expected_version)
    new_status = fields.pop("status", complaint.status)
    for name, value in fields.items():
        setattr(complaint, name, value)
    if new_status != complaint.status:
        _move(complaint, new_status)
    complaint.full_clean()
    _with_history_user(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_resolve(
    *,
    actor,
    complaint: Complaint,
    expected_version: int,
    resolution: str,
    resolved_on=None,
    conflict_mode="",
):
    access.require_edit(actor, complaint.account)
    claim(complaint, expected_version=expected_version)
    if not complaint.is_open:
        raise ValidationError(_("This complaint is already resolved."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the complaint was resolved.")})
    _move(complaint, ComplaintStatus.RESOLVED)
    complaint.resolution = resolution.strip()
    complaint.resolved_on = resolved_on or timezone.localdate()
    if complaint.resolved_on < complaint.opened_on:
        raise ValidationError(
            {"resolved_on": _("A complaint cannot be resolved before it was opened.")}
        )
    if conflict_mode:
        complaint.conflict_mode = conflict_mode
    complaint.full_clean()
    _with_history_user(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_reopen(*, actor, complaint: Complaint, expected_version: int) -> Complaint:
    access.require_edit(actor, complaint.account)
    claim(complaint, expected_version=expected_version)
    _move(complaint, ComplaintStatus.OPEN)
    complaint.resolved_on = None
    complaint.resolution = ""
    _with_history_user(complaint, actor).save()
    return complaint


def _move(complaint: Complaint, new_status: str) -> None:
    allowed = Complaint.ALLOWED_TRANSITIONS[ComplaintStatus(complaint.status)]
    if new_status not in allowed:
        raise ValidationError(
            {
                "status": _("A complaint that is %(current)s cannot become %(new)s.")
                % {
                    "current": ComplaintStatus(complaint.status).label,
                    "new": ComplaintStatus(new_status).label,
                }
            }
        )
    complaint.status = new_status


@transaction.atomic
def user_set_language(*, user, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
