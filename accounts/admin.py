"""Django's admin for the accounts app. Records with a lifecycle or side effects are read-only
here: complaints (the open → resolved lifecycle, its dates and resolution), account team members
(owner and team kept in step, only those who manage the team may change it) and transactions
(the figures health and tiers are computed from; added through the account's page or the import,
which check the order number). KAM's own pages change them through the services. Accounts stay
editable (the change form refuses a stale page) except owner and category, which move through
the team page and the loss record. Users, roles and tiers (reference data) are edited here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.forms import VersionedAdminForm
from accounts.models import Account, AccountTeamMember, Complaint, Tier, Transaction, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language",)}))
    list_display = ("username", "get_full_name", "email", "is_active", "role_names")
    list_filter = ("groups", "is_active", "is_superuser")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("rank", "code", "name", "name_zh_hans", "visit_cadence_days")
    list_editable = ("visit_cadence_days",)
    ordering = ("rank",)


class ReadOnlyMixin:
    """View only: add, change and delete answer 403."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeamInline(ReadOnlyMixin, admin.TabularInline):
    model = AccountTeamMember
    extra = 0


class VersionedAdmin(SimpleHistoryAdmin):
    """The change form of a Versioned record: a save from a page older than the stored record
    is refused (accounts.forms.VersionedAdminForm), as on KAM's own pages."""

    form = VersionedAdminForm

    def get_exclude(self, request, obj=None):
        # The hidden version is the form's own field. The model's column is not editable, so
        # the admin's form factory must not be asked to build a field for it.
        return [*(super().get_exclude(request, obj) or ()), "row_version"]


@admin.register(Account)
class AccountAdmin(VersionedAdmin):
    list_display = ("name", "category", "tier", "owner", "industry", "region", "updated_at")
    list_filter = ("category", "tier", "industry", "region")
    search_fields = ("name", "legal_name", "external_id")
    list_select_related = ("owner", "tier")
    autocomplete_fields = ("owner",)
    inlines = [TeamInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # On an existing account the owner moves on its Team page (which keeps the team in step)
        # and "lost" is reached by recording the loss.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "owner", "category") if obj is not None else fields


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("account", "date", "reference", "amount", "gross_margin", "paid_on")
    list_select_related = ("account",)
    raw_id_fields = ("account",)
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(AccountTeamMember)
class AccountTeamMemberAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("account", "user", "role")
    list_select_related = ("account", "user")
    raw_id_fields = ("account", "user")
    show_full_result_count = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, VersionedAdmin):
    list_display = ("title", "account", "severity", "status", "owner", "due_on")
    list_filter = ("status", "severity", "category")
    list_select_related = ("account", "owner")
    raw_id_fields = ("account",)
    show_full_result_count = False
