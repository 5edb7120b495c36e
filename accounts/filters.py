import django_filters
from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import queries
from accounts.models import Account, Category, Industry, Region


def _descending(label) -> str:
    return gettext("%s (descending)") % label


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter formats its "(descending)" labels once, when the filter is declared (at
    import, in English): format them when shown instead, in the reader's language."""

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        ascending = dict(choices)
        return [
            (value, lazy(_descending, str)(ascending[value[1:]]) if value[:1] == "-" else label)
            for value, label in choices
        ]


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, legal name or external ID"), "type": "search"}
        ),
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label=_("Any category"))
    tier = django_filters.ModelChoiceFilter(
        queryset=lambda request: queries.tiers(), empty_label=_("Any tier")
    )
    industry = django_filters.ChoiceFilter(choices=Industry.choices, empty_label=_("Any industry"))
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: queries.account_managers(), empty_label=_("Any account manager")
    )
    sort = OrderingFilter(
        fields=(
            ("name", "name"),
            ("category", "category"),
            ("tier__rank", "tier"),
            ("owner__first_name", "owner"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"),
            "category": _("Category"),
            "tier__rank": _("Tier"),
            "owner__first_name": _("Account manager"),
            "updated_at": _("Last updated"),
        },
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Account
        fields = ["q", "category", "tier", "industry", "region", "owner"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(legal_name__icontains=value) | Q(external_id=value)
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by("name", "pk")
        return queryset
