"""The portfolio filters shared by the matrix and the 80/20 view: GET parameters, so a filtered
view is a URL a director can bookmark or send."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts import queries as account_queries
from accounts.models import Account, Category, Industry, Region


class PortfolioFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, empty_label=_("Any industry"))
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: account_queries.account_managers(),
        empty_label=_("Any account manager"),
        label=_("Account manager"),
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label=_("Any category"))

    class Meta:
        model = Account
        fields = ["region", "industry", "owner", "category"]

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.Meta.fields)
