"""Scoring in Django's admin is read-only: criteria, tier rules and segments are changed through
the product's own pages, whose services check drafts, versions and rules. The admin shows every
version and, through simple-history, who changed what and when."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scoring.models import CriteriaSet, Criterion, Segment, TierRule


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("code", "dimension", "name", "name_zh_hans", "weight", "scale_min", "scale_max")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ("kind", "version", "name", "status", "published_at", "published_by")
    list_filter = ("kind", "status")
    list_select_related = ("published_by",)
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "criteria_set", "dimension", "weight")
    list_filter = ("criteria_set", "dimension")
    list_select_related = ("criteria_set",)


@admin.register(TierRule)
class TierRuleAdmin(ReadOnlyAdmin):
    list_display = ("tier", "min_value", "top_percent")
    list_select_related = ("tier",)


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "name_zh_hans", "industry")
