"""Write side of the accounts app. Every change that must be audited or touches several rows goes
through a function here, inside a transaction, with the acting user recorded in the history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import claim
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
    "industry",
    "region",
    "category",
    "tier",
    "owner",
    "employees",
    "annual_revenue",
    "registered_capital",
    "is_listed",
    "website",
    "description",
)


def _as(instance, actor):
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
    _as(account, actor).save()
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
    _as(account, actor).save()
    return account


@transaction.atomic
def account_set_owner(*, actor, account: Account, owner) -> Account:
    access.require_team_management(actor, account)
    if owner == account.owner:
        return account
    if owner is None:
        _check_key_account_owner(Account(category=account.category, owner=None))
    previous_owner = account.owner
    account.owner = owner
    _as(account, actor).save(update_fields=["owner", "updated_at"])
    # The new owner no longer needs a separate team row; the previous one stays on the team so
    # the handover keeps their relationships visible.
    for member in AccountTeamMember.objects.filter(account=account, user=owner):
        _as(member, actor).delete()
    if previous_owner is not None and not account.team_members.filter(user=previous_owner).exists():
        _as(AccountTeamMember(account=account, user=previous_owner), actor).save()
    return account


@transaction.atomic
def team_member_add(*, actor, account: Account, user, role: str = TeamRole.MEMBER):
    access.require_team_management(actor, account)
    if user.pk == account.owner_id:
        raise ValidationError({"user": _("%(name)s already owns this account.") % {"name": user}})
    member = AccountTeamMember.objects.filter(account=account, user=user).first()
    if member is None:
        member = AccountTeamMember(account=account, user=user, role=role)
        _as(member, actor).save()
    elif member.role == role:
        raise ValidationError(
            {"user": _("%(name)s is already on the account team.") % {"name": user}}
        )
    else:
        member.role = role
        _as(member, actor).save(update_fields=["role"])
    return member


@transaction.atomic
def team_member_remove(*, actor, account: Account, member: AccountTeamMember) -> None:
    access.require_team_management(actor, account)
    if member.account_id != account.pk:
        raise PermissionDenied
    _as(member, actor).delete()


@transaction.atomic
def transaction_add(*, actor, account: Account, **fields) -> Transaction:
    access.require_edit(actor, account)
    record = Transaction(account=account, **fields)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def complaint_open(*, actor, account: Account, **fields) -> Complaint:
    access.require_edit(actor, account)
    complaint = Complaint(account=account, **fields)
    if complaint.owner is None:
        complaint.owner = account.owner or actor
    complaint.full_clean()
    _as(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, **fields) -> Complaint:
    access.require_edit(actor, complaint.account)
    new_status = fields.pop("status", complaint.status)
    for name, value in fields.items():
        setattr(complaint, name, value)
    if new_status != complaint.status:
        _move(complaint, new_status)
    complaint.full_clean()
    _as(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor, complaint: Complaint, resolution: str, resolved_on=None, conflict_mode=""
):
    access.require_edit(actor, complaint.account)
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
    _as(complaint, actor).save()
    return complaint


@transaction.atomic
def complaint_reopen(*, actor, complaint: Complaint) -> Complaint:
    access.require_edit(actor, complaint.account)
    _move(complaint, ComplaintStatus.OPEN)
    complaint.resolved_on = None
    complaint.resolution = ""
    _as(complaint, actor).save()
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
