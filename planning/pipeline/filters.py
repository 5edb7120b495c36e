"""The opportunity list's order: `?sort=` one of its columns (`-` in front for the reverse), the
way every table is sorted (accounts.filters)."""

from django.utils.translation import gettext_lazy as _

from accounts.filters import Order, SortedFilterSet, SortFilter
from planning.models import Opportunity

# Over queries.opportunities_for_list, which annotates stage_order and weighted_order.
OPPORTUNITY_ORDERS = (
    Order("name", _("Opportunity"), ("name", "pk")),
    Order("stage", _("Stage"), ("stage_order", "expected_close", "pk")),
    Order("value", _("Value"), ("value", "pk")),
    Order("probability", _("Probability"), ("probability", "pk")),
    Order("weighted", _("Weighted value"), ("weighted_order", "pk")),
    Order("expected_close", _("Expected close"), ("expected_close", "pk")),
    Order("owner", _("Owner"), ("owner__last_name", "owner__first_name", "pk")),
)


class OpportunityListFilter(SortedFilterSet):
    sort = SortFilter(orders=OPPORTUNITY_ORDERS, default="expected_close")

    class Meta:
        model = Opportunity
        fields = ["sort"]
