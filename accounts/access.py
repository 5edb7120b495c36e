"""Who sees and who edits an account (DESIGN.md §3). Every view reaches accounts through here.

Reading: `visible_accounts(user)` is the only scope; anything hanging off an account is filtered
with `scope_to_visible_accounts`. An object outside the scope answers 404, never 403.
Writing: `can_edit_account` (team and admins) and `can_manage_team` (owner, directors, admins);
a view loads an account it is about to change with `get_editable_account_or_404` (404 if unseen,
403 if not editable). "On the team" (owner or member) is `accounts_on_team` / `is_on_team`.
Services check the actor again with the `require_*` calls below, so a task or a shell is held to
the same rules as a view (tests/kam/test_service_policy.py proves every service does).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountTeamMember

ACCOUNT_MANAGER = "account_manager"
SALES_DIRECTOR = "sales_director"
KAM_ADMIN = "kam_admin"
ROLES = (ACCOUNT_MANAGER, SALES_DIRECTOR, KAM_ADMIN)
ROLE_LABELS = {
    ACCOUNT_MANAGER: _("account manager"),
    SALES_DIRECTOR: _("sales director"),
    KAM_ADMIN: _("KAM admin"),
}


def _signed_in(user) -> bool:
    """A real, active user (not None: a service called without an actor has no rights)."""
    return user is not None and user.is_authenticated and user.is_active


def roles_of(user) -> frozenset[str]:
    """The user's KAM roles, read once per request and kept on the user object (the
    authentication backend reads them with the user itself)."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, "_kam_roles", None)
    if cached is None:
        cached = remember_roles(
            user, user.groups.filter(name__in=ROLES).values_list("name", flat=True)
        )
    return cached


def remember_roles(user, group_names) -> frozenset[str]:
    roles = frozenset(group_names) | ({KAM_ADMIN} if user.is_superuser else frozenset())
    user._kam_roles = roles
    return roles


def is_admin(user) -> bool:
    return KAM_ADMIN in roles_of(user)


def is_director(user) -> bool:
    return SALES_DIRECTOR in roles_of(user)


def is_account_manager(user) -> bool:
    return ACCOUNT_MANAGER in roles_of(user)


def sees_every_account(user) -> bool:
    return is_admin(user) or is_director(user)


def visible_accounts(user) -> QuerySet[Account]:
    accounts = Account.objects.all()
    if not user.is_authenticated or not user.is_active:
        return accounts.none()
    if sees_every_account(user):
        return accounts
    return accounts.filter(_on_team(user))


def accounts_on_team(user) -> QuerySet[Account]:
    """The accounts where the user is the owner or a team member, whatever their role (a
    director sees every account, but is on the team of only some)."""
    if not _signed_in(user):
        return Account.objects.none()
    return Account.objects.filter(_on_team(user))


def _on_team(user) -> Q:
    # "owner = me OR pk IN (my team rows)": PostgreSQL checks the team part as a hashed subplan,
    # so a list ordered by name walks the name index and stops at the page's last row
    # (tests/perf/test_account_pages.py::test_account_list). "pk IN (owned UNION team)" sorted
    # every visible account first, and a correlated EXISTS scanned every account.
    on_team = AccountTeamMember.objects.filter(user=user).order_by().values("account_id")
    return Q(owner=user) | Q(pk__in=on_team)


def scope_to_visible_accounts(user, queryset: QuerySet, account_path: str = "account") -> QuerySet:
    """Filter any queryset of things that hang off an account to the user's visible accounts."""
    if sees_every_account(user):
        return queryset
    return queryset.filter(**{f"{account_path}__in": visible_accounts(user).values("pk")})


def get_visible_account_or_404(user, pk) -> Account:
    """The account with its owner, tier and team (so the checks below cost no query), or 404."""
    try:
        return (
            visible_accounts(user)
            .select_related("owner", "tier")
            .prefetch_related(
                Prefetch("team_members", queryset=AccountTeamMember.objects.select_related("user"))
            )
            .get(pk=pk)
        )
    except (Account.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_editable_account_or_404(user, pk) -> Account:
    """The account a view is about to change: 404 if the user does not see it, 403
    (PermissionDenied) if they see it but may not edit it."""
    account = get_visible_account_or_404(user, pk)
    require_edit(user, account)
    return account


def get_team_account_or_404(user, pk) -> Account:
    """The account whose owner or team a view is about to change: 404 if unseen, 403 if the
    user may not manage its team."""
    account = get_visible_account_or_404(user, pk)
    require_team_management(user, account)
    return account


def is_on_team(user, account: Account) -> bool:
    """Owner or team member of the account."""
    if user is None or user.pk is None:
        return False
    if account.owner_id == user.pk:
        return True
    if "team_members" in getattr(account, "_prefetched_objects_cache", {}):
        # Prefetched by get_visible_account_or_404: no extra query.
        return any(member.user_id == user.pk for member in account.team_members.all())
    return account.team_members.filter(user_id=user.pk).exists()


def can_create_account(user) -> bool:
    return is_admin(user) or is_account_manager(user)


def can_import(user) -> bool:
    """Importing writes records: account managers (into their own accounts) and KAM admins."""
    return is_admin(user) or is_account_manager(user)


def can_edit_account(user, account: Account) -> bool:
    """Edit the record and everything that hangs off it: the account team and admins."""
    if not _signed_in(user):
        return False
    return is_admin(user) or is_on_team(user, account)


def can_manage_team(user, account: Account) -> bool:
    """Reassign the owner and change the team: the owner, directors and admins."""
    if not _signed_in(user):
        return False
    return is_admin(user) or is_director(user) or account.owner_id == user.pk


def can_see_private_notes(user, account: Account) -> bool:
    """Private stakeholder notes: the account team only (not directors, not admins off the team)."""
    if not _signed_in(user):
        return False
    return is_on_team(user, account)


def require_admin(user, message: str = "") -> None:
    """Only KAM admins edit the configuration: criteria, tier rules, segments, survey
    indicators and the churn-risk model."""
    if not is_admin(user):
        raise PermissionDenied(message)


def require_admin_or_system(actor, message: str = "") -> None:
    """Portfolio-wide runs (tier rules applied, health recalculated) started by a person need an
    admin; started by KAM itself (actor None: a scheduled task, a command, the demo data) they
    need nothing."""
    if actor is not None:
        require_admin(actor, message)


def require_edit(user, account: Account) -> None:
    if not can_edit_account(user, account):
        raise PermissionDenied


def require_team_management(user, account: Account) -> None:
    if not can_manage_team(user, account):
        raise PermissionDenied
