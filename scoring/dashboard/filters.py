"""The dashboard's filters: the portfolio filters, the tier, and the period the tiles compare
with. GET parameters, so a filtered dashboard is a URL a director can bookmark or send."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts import queries as account_queries
from scoring.dashboard import queries
from scoring.portfolio.filters import PortfolioFilter

COMPARE_CHOICES = (
    ("week", _("a week ago")),
    ("month", _("a month ago")),
    ("quarter", _("a quarter ago")),
)


class DashboardFilter(PortfolioFilter):
    tier = django_filters.ModelChoiceFilter(
        queryset=lambda request: account_queries.tiers(), empty_label=_("Any tier")
    )
    compare = django_filters.ChoiceFilter(
        method="keep",
        choices=COMPARE_CHOICES,
        empty_label=None,
        label=_("Compare with"),
    )

    class Meta(PortfolioFilter.Meta):
        fields = [*PortfolioFilter.Meta.fields, "tier", "compare"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # "My portfolio": a manager's dashboard holds only their own accounts.
        if request is None or not access.sees_every_account(request.user):
            del self.filters["owner"]

    def keep(self, queryset, name, value):
        return queryset  # the period is not a filter on accounts

    @property
    def valid_values(self) -> dict:
        """The values that passed validation. django-filter filters on these even when another
        field has an error, so the figures, their cache key and their links must use them too."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def chosen_compare(self) -> str:
        return self.valid_values.get("compare") or queries.DEFAULT_COMPARE

    @property
    def chosen(self) -> dict:
        """The valid filter values that narrow the accounts, by name (for the cache key, the
        workbook's header and the links to the accounts behind a chart)."""
        return {
            name: value
            for name, value in self.valid_values.items()
            if name != "compare" and value not in (None, "")
        }

    @property
    def is_filtered(self) -> bool:
        return bool(self.chosen)
