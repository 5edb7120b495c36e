"""The dashboard's filters (the portfolio filters, the tier, and the period the tiles compare
with) and the drill-down list's (those plus one slice: a stage, a quadrant, a risk band…). GET
parameters, so a filtered view is a URL a director can bookmark or send."""

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.filters import Order, PortfolioFilter, SortedFilterSet, SortFilter, TierFilter
from accounts.models import RelationshipStage, StageChange, Transaction
from planning.models import DevelopmentStage, Opportunity
from scoring.dashboard import account_columns, queries
from scoring.models import Survey, SurveyStatus
from scoring.models.assessments import Quadrant
from scoring.models.health import RiskLevel
from scoring.portfolio.queries import TOP_PERCENT

COMPARE_CHOICES = (
    ("week", _("a week ago")),
    ("month", _("a month ago")),
    ("quarter", _("a quarter ago")),
)


class DashboardFilter(PortfolioFilter):
    tier = TierFilter()
    compare = django_filters.ChoiceFilter(
        method="keep",
        choices=COMPARE_CHOICES,
        empty_label=None,
        label=_("Compare with"),
    )

    # "My portfolio": a manager's dashboard holds only their own accounts.
    owner_for_all_accounts_only = True

    class Meta(PortfolioFilter.Meta):
        fields = [*PortfolioFilter.Meta.fields, "tier", "compare"]

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


# --- The list behind a figure (drill.py) -----------------------------------------------------

# The slices a link may carry, besides the dashboard's own filters (region, industry, owner,
# tier, category):
#   stage=<RelationshipStage>      moved=up|down (with stage: moved into it this quarter)
#   quadrant=<engine quadrant>     band=0…9 (risk 0–9 … 90–100)     level=low|medium|high
#   exception=no_plan|no_owner|not_visited|mismatch|any               past_due=1
#   pipeline=<open DevelopmentStage>   month=YYYY-MM   quarter=YYYY-MM-DD (its first day)
#   top=20 (the top 20 % by revenue)   tier=null (no tier)   sort=revenue|risk|satisfaction|name
SLICES = (
    "stage",
    "moved",
    "quadrant",
    "band",
    "level",
    "exception",
    "past_due",
    "pipeline",
    "month",
    "quarter",
    "top",
    "sort",
)
# The dashboard's own filters, which the link back to it keeps (tier=null is a slice).
DASHBOARD_FILTERS = ("region", "industry", "owner", "tier", "category")

MOVED_CHOICES = (("up", _("moved up this quarter")), ("down", _("moved down this quarter")))
EXCEPTION_CHOICES = (*account_columns.EXCEPTION_LABELS.items(), ("any", _("Any exception")))
# Over the facts (account_columns.with_columns), each in the one direction that finds what needs
# attention.
DRILL_ORDERS = (
    Order("revenue", _("Revenue, last 12 months"), (F("f_revenue").desc(), "name", "pk")),
    Order("risk", _("Churn risk"), (F("f_risk").desc(nulls_last=True), "name", "pk")),
    Order(
        "satisfaction",
        _("Satisfaction"),
        (F("f_satisfaction").asc(nulls_last=True), "name", "pk"),
    ),
    Order("name", _("Name"), ("name", "pk")),
)


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}


class QuarterField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Enter the first day of a quarter as YYYY-MM-DD, for example 2026-04-01."),
        "not_quarter": _("A quarter starts on 1 January, 1 April, 1 July or 1 October."),
    }

    def validate(self, value):
        super().validate(value)
        if value and value != queries.quarter_start(value):
            raise ValidationError(self.error_messages["not_quarter"], code="not_quarter")


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class QuarterFilter(django_filters.Filter):
    field_class = QuarterField


class DrillFilter(SortedFilterSet, DashboardFilter):
    """The dashboard's filters and one slice (or several) of the figures, over accounts annotated by
    account_columns.with_columns, so each slice counts exactly what the dashboard counts."""

    tier = TierFilter(null_label=_("No tier"), null_value="null")
    stage = django_filters.ChoiceFilter(
        choices=RelationshipStage.choices, method="filter_stage", label=_("Relationship stage")
    )
    moved = django_filters.ChoiceFilter(
        choices=MOVED_CHOICES, method="filter_moved", label=_("Stage change")
    )
    quadrant = django_filters.ChoiceFilter(
        field_name="f_quadrant", choices=Quadrant.choices, label=_("Quadrant")
    )
    band = django_filters.ChoiceFilter(
        field_name="f_band",
        choices=[(str(band), str(band)) for band in range(account_columns.RISK_BANDS)],
        label=_("Risk band"),
    )
    level = django_filters.ChoiceFilter(
        field_name="f_level", choices=RiskLevel.choices, label=_("Risk level")
    )
    exception = django_filters.ChoiceFilter(
        choices=EXCEPTION_CHOICES, method="filter_exception", label=_("Exception")
    )
    past_due = django_filters.ChoiceFilter(
        choices=(("1", _("Complaints past due")),),
        method="filter_past_due",
        label=_("Complaints past due"),
    )
    pipeline = django_filters.ChoiceFilter(
        choices=[(stage, DevelopmentStage(stage).label) for stage in queries.OPEN_PIPELINE],
        method="filter_pipeline",
        label=_("Development stage"),
    )
    month = MonthFilter(method="filter_month", label=_("Month"))
    quarter = QuarterFilter(method="filter_quarter", label=_("Quarter"))
    top = django_filters.ChoiceFilter(
        choices=lambda: ((str(TOP_PERCENT), _("Top %(percent)s%%") % {"percent": TOP_PERCENT}),),
        method="keep",
        label=_("Top by revenue"),
    )
    sort = SortFilter(orders=DRILL_ORDERS, default="revenue", reversible=False)

    class Meta(DashboardFilter.Meta):
        fields = [*DashboardFilter.Meta.fields, *SLICES]

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        del self.filters["compare"]  # the list has no period to compare with

    @property
    def quarter_began(self) -> datetime.datetime:
        day = queries.quarter_start(self.today)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    def filter_stage(self, queryset, name, value):
        if self.form.cleaned_data.get("moved"):
            return queryset  # with a move, the stage is the one moved into (filter_moved)
        return queryset.filter(relationship_stage=value)

    def filter_moved(self, queryset, name, value):
        # The same moves as queries.stage_rows counts.
        moves = StageChange.objects.filter(
            account=OuterRef("pk"),
            changed_at__gte=self.quarter_began,
            is_regression=value == "down",
        )
        if stage := self.form.cleaned_data.get("stage"):
            moves = moves.filter(to_stage=stage)
        return queryset.filter(Exists(moves))

    def filter_exception(self, queryset, name, value):
        if value == "any":
            return queryset.filter(account_columns.any_exception())
        return queryset.filter(**{f"f_{value}": True})

    def filter_past_due(self, queryset, name, value):
        # The complaints aggregates.portfolio_aggregates counts
        # (account_columns.past_due_complaints).
        past_due = account_columns.past_due_complaints(self.today).filter(account=OuterRef("pk"))
        return queryset.filter(Exists(past_due))

    def filter_pipeline(self, queryset, name, value):
        return queryset.filter(
            Exists(Opportunity.objects.filter(account=OuterRef("pk"), stage=value))
        )

    def filter_month(self, queryset, name, value):
        # As queries.monthly_revenue: the month's transactions, none after today.
        following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        dated = Transaction.objects.filter(
            account=OuterRef("pk"), date__gte=value, date__lt=following, date__lte=self.today
        )
        return queryset.filter(Exists(dated))

    def filter_quarter(self, queryset, name, value):
        # As queries.satisfaction_by_quarter: completed surveys with an index, none after today.
        following = queries.quarter_start(value + datetime.timedelta(days=93))
        surveys = Survey.objects.filter(
            account=OuterRef("pk"),
            status=SurveyStatus.COMPLETED,
            satisfaction_index__isnull=False,
            answered_on__gte=value,
            answered_on__lt=following,
            answered_on__lte=self.today,
        )
        return queryset.filter(Exists(surveys))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.cleaned("top"):
            # Of the accounts every other filter keeps, in the chosen order again.
            queryset = self.sort_queryset(top_by_revenue(queryset, int(self.cleaned("top"))))
        return queryset

    def cleaned(self, name: str):
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.form.cleaned_data.get(name) or None

    def dashboard_url(self) -> str:
        """Back to the dashboard under the same filters, without the slice."""
        params = {}
        for name in DASHBOARD_FILTERS:
            value = self.data.get(name) if self.is_bound else None
            if name in self.filters and value and value != "null":
                params[name] = value
        url = reverse("scoring:dashboard")
        return f"{url}?{urlencode(params)}" if params else url


def top_by_revenue(queryset: QuerySet, percent: int) -> QuerySet:
    """The first ceil(percent % × n) accounts of `queryset` ranked as queries.pareto ranks
    them (revenue 12 m descending, then pk)."""
    order = [F("f_revenue").desc(), F("pk").asc()]
    ranked = queryset.annotate(
        d_position=Window(RowNumber(), order_by=order),
        d_population=Window(Count("pk")),
    )
    # ceil(n × p / 100) in integers
    return ranked.filter(d_position__lte=(F("d_population") * percent + 99) / 100)
