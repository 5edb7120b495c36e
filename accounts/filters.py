"""The filters of account lists, defined once and extended by every page that lists or charts
accounts, and the one way a table is sorted.

- PortfolioFilter: region, industry, account manager and category. The account list, the matrix
  and the 80/20 view, the dashboard and its drill-down, and the health overview extend it.
- TierFilter: the tier, for those that filter on it too.
- SortFilter in a SortedFilterSet: the `sort` GET parameter names one of the table's orders
  (`-` in front for its reverse, where it has one). Each order ends with tie-breaks down to the
  primary key, so a page never shares a row with the next; an unknown value is the default
  order. The filter set applies it after every other filter, and gives the column headers
  (SortedFilterSet.sort_headers: the link for each, and aria-sort).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import OrderBy, Q
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import access, queries
from accounts.models import Account, Category, Industry, Region

# --- Sorting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """One order of a table: `key` is its `sort` value, `label` its name in the sort menu or its
    column's header, `by` the terms of order_by() (ending in a unique column)."""

    key: str
    label: str
    by: tuple


@dataclass(frozen=True)
class SortHeader:
    """A sortable column's header: `next_sort` is the `sort` value its link asks for (the reverse
    when the table is sorted on it already)."""

    key: str
    label: str
    is_sorted: bool
    descending: bool
    next_sort: str


def _descending(label) -> str:
    return gettext("%s (descending)") % label


def _reversed(term):
    if isinstance(term, OrderBy):
        term = term.copy()
        term.reverse_ordering()
        return term
    return term[1:] if term.startswith("-") else f"-{term}"


class SortFilter(django_filters.ChoiceFilter):
    """The `sort` of a SortedFilterSet: a choice of `orders`, `default` when none is chosen.
    `reversible`: whether `-key` sorts the other way (not where each order is named for its
    direction, such as "highest risk first")."""

    def __init__(self, *, orders: Sequence[Order], default: str, reversible=True, **kwargs):
        self.orders = {order.key: order for order in orders}
        self.default = default
        self.reversible = reversible
        choices = []
        for order in orders:
            choices.append((order.key, order.label))
            if reversible:
                # Formatted when shown, in the reader's language.
                choices.append((f"-{order.key}", lazy(_descending, str)(order.label)))
        kwargs.setdefault("label", pgettext_lazy("order of a list", "Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(choices=choices, **kwargs)

    def filter(self, qs, value):
        return qs  # the filter set orders last (SortedFilterSet.filter_queryset)

    def order_by(self, value: str) -> list:
        """The order_by() terms of a valid `sort` value."""
        order = self.orders[value.removeprefix("-")]
        if value.startswith("-"):
            return [_reversed(term) for term in order.by]
        return list(order.by)


class SortedFilterSet(django_filters.FilterSet):
    """A filter set whose `sort` filter (a SortFilter) orders what the other filters keep."""

    def filter_queryset(self, queryset):
        return self.sort_queryset(super().filter_queryset(queryset))

    def sort_queryset(self, queryset):
        return queryset.order_by(*self.filters["sort"].order_by(self.chosen_sort))

    @property
    def chosen_sort(self) -> str:
        """The `sort` value asked for if valid (whatever the other filters' errors), else the
        default."""
        default = self.filters["sort"].default
        if not self.is_bound:
            return default
        self.form.is_valid()  # cleans what it can
        return self.form.cleaned_data.get("sort") or default

    @property
    def sort_headers(self) -> list[SortHeader]:
        """One header per order, for a table sorted by clicking its column headers (or a row of
        sort links)."""
        chosen = self.chosen_sort
        headers = []
        for order in self.filters["sort"].orders.values():
            is_sorted = chosen.removeprefix("-") == order.key
            descending = is_sorted and chosen.startswith("-")
            reverse = is_sorted and not descending and self.filters["sort"].reversible
            headers.append(
                SortHeader(
                    key=order.key,
                    label=order.label,
                    is_sorted=is_sorted,
                    descending=descending,
                    next_sort=f"-{order.key}" if reverse else order.key,
                )
            )
        return headers


# --- The portfolio filters -------------------------------------------------------------------


class TierFilter(django_filters.ModelChoiceFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", lambda request: queries.tiers())
        kwargs.setdefault("empty_label", _("Any tier"))
        super().__init__(**kwargs)


class PortfolioFilter(django_filters.FilterSet):
    """Region, industry, account manager and category: GET parameters, so a filtered view is a
    URL to bookmark or send."""

    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, empty_label=_("Any industry"))
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: queries.account_managers(),
        empty_label=_("Any account manager"),
        label=_("Account manager"),
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label=_("Any category"))

    # On a page that is "my portfolio" to a manager (their own accounts only), only those who see
    # every account choose the account manager.
    owner_for_all_accounts_only = False

    class Meta:
        model = Account
        fields = ["region", "industry", "owner", "category"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if self.owner_for_all_accounts_only and (
            request is None or not access.sees_every_account(request.user)
        ):
            del self.filters["owner"]

    @property
    def is_filtered(self) -> bool:
        """Whether a filter narrows the accounts (an order does not)."""
        return self.is_bound and any(self.data.get(name) for name in self.filters if name != "sort")


# --- The account list ------------------------------------------------------------------------

ACCOUNT_ORDERS = (
    Order("name", _("Name"), ("name", "pk")),
    Order("category", _("Category"), ("category", "name", "pk")),
    Order("tier", _("Tier"), ("tier__rank", "name", "pk")),
    Order("owner", _("Account manager"), ("owner__first_name", "name", "pk")),
    Order("updated", _("Last updated"), ("updated_at", "pk")),
)


class AccountFilter(SortedFilterSet, PortfolioFilter):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, legal name or external ID"), "type": "search"}
        ),
    )
    tier = TierFilter()
    sort = SortFilter(orders=ACCOUNT_ORDERS, default="name")

    class Meta(PortfolioFilter.Meta):
        fields = ["q", "category", "tier", "industry", "region", "owner", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(legal_name__icontains=value) | Q(external_id=value)
        )
