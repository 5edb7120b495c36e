"""The accounts behind a figure of the dashboard: every chart element and tile links here with
the dashboard's filters and one slice (a stage, a quadrant, a risk band…)."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts import queries as account_queries
from accounts.models import Account, RelationshipStage, StageChange, Transaction
from planning.models import DevelopmentStage, Opportunity
from scoring.dashboard import facts, queries
from scoring.dashboard.filters import DashboardFilter
from scoring.models import Survey, SurveyStatus
from scoring.models.assessments import Quadrant
from scoring.models.health import RiskLevel
from scoring.portfolio.queries import TOP_PERCENT

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


def drill_url(chosen: dict, **slice_values) -> str:
    """The account list behind a figure: `chosen` is DashboardFilter.chosen (model instances by
    primary key); a slice given here replaces a filter of the same name (tier=…)."""
    params = {name: getattr(value, "pk", value) for name, value in chosen.items()}
    params.update({name: value for name, value in slice_values.items() if value is not None})
    query = urlencode(sorted(params.items()))
    url = reverse("scoring:dashboard_accounts")
    return f"{url}?{query}" if query else url


# --- The list behind a figure ----------------------------------------------------------------

PAGE_SIZE = 50
MOVED_CHOICES = (("up", _("moved up this quarter")), ("down", _("moved down this quarter")))
EXCEPTION_CHOICES = (
    (facts.NO_PLAN, _("Key account without an active plan")),
    (facts.NO_OWNER, _("Key account without an account manager")),
    (facts.NOT_VISITED, _("Key account not visited within cadence")),
    (facts.MISMATCH, _("Quadrant disagrees with category")),
    ("any", _("Any exception")),
)
BADGES = {
    facts.NO_PLAN: _("no plan"),
    facts.NO_OWNER: _("no account manager"),
    facts.NOT_VISITED: _("not visited"),
    facts.MISMATCH: _("quadrant mismatch"),
}
SORT_CHOICES = (
    ("revenue", _("Revenue 12 m")),
    ("risk", _("Churn risk")),
    ("satisfaction", _("Satisfaction")),
    ("name", _("Name")),
)
ORDERINGS = {
    "revenue": (F("f_revenue").desc(), "name", "pk"),
    "risk": (F("f_risk").desc(nulls_last=True), "name", "pk"),
    "satisfaction": (F("f_satisfaction").asc(nulls_last=True), "name", "pk"),
    "name": ("name", "pk"),
}
DEFAULT_SORT = "revenue"
# The dashboard's own filters, which the link back to it keeps (tier=null is a slice).
DASHBOARD_FILTERS = ("region", "industry", "owner", "tier", "category")


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


class DrillFilter(DashboardFilter):
    """The dashboard's filters and one slice (or several) of the figures, over accounts
    annotated by facts.with_facts, so each slice counts exactly what the dashboard counts."""

    tier = django_filters.ModelChoiceFilter(
        queryset=lambda request: account_queries.tiers(),
        empty_label=_("Any tier"),
        null_label=_("No tier"),
        null_value="null",
    )
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
        choices=[(str(band), str(band)) for band in range(facts.RISK_BANDS)],
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
        choices=lambda: ((str(TOP_PERCENT), _("Top %(percent)s %%") % {"percent": TOP_PERCENT}),),
        method="keep",
        label=_("Top by revenue"),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", label=pgettext_lazy("order of a list", "Sort by")
    )

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
            return queryset.filter(facts.any_exception())
        return queryset.filter(**{f"f_{value}": True})

    def filter_past_due(self, queryset, name, value):
        # The complaints queries.portfolio_figures counts (facts.past_due_complaints).
        past_due = facts.past_due_complaints(self.today).filter(account=OuterRef("pk"))
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
            queryset = top_by_revenue(queryset, int(self.cleaned("top")))
        return queryset.order_by(*ORDERINGS[self.chosen_sort])

    def cleaned(self, name: str):
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.form.cleaned_data.get(name) or None

    @property
    def chosen_sort(self) -> str:
        return self.cleaned("sort") or DEFAULT_SORT

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


# --- What the list is, in words --------------------------------------------------------------

EXCEPTION_TITLES = {
    facts.NO_PLAN: _("Key accounts without an active plan"),
    facts.NO_OWNER: _("Key accounts without an account manager"),
    facts.NOT_VISITED: _("Key accounts not visited within their cadence"),
    facts.MISMATCH: _("Accounts whose quadrant disagrees with their category"),
    "any": _("Accounts with an exception"),
}


def _band_words(band: int) -> str:
    lowest = band * 10
    highest = 100 if band == facts.RISK_BANDS - 1 else lowest + 9
    return _("Risk %(lowest)s–%(highest)s") % {"lowest": lowest, "highest": highest}


def _quarter_words(start: datetime.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def _slice_phrases(data: dict) -> list[str]:
    """One phrase per slice of the list, most telling first."""
    phrases = []
    if kind := data.get("exception"):
        phrases.append(str(EXCEPTION_TITLES[kind]))
    stage, moved = data.get("stage"), data.get("moved")
    if stage:
        words = _("Relationship stage: %(stage)s") % {"stage": RelationshipStage(stage).label}
        if moved:
            words = f"{words}, {dict(MOVED_CHOICES)[moved]}"
        phrases.append(words)
    elif moved == "up":
        phrases.append(_("Accounts that moved up a relationship stage this quarter"))
    elif moved == "down":
        phrases.append(_("Accounts that moved down a relationship stage this quarter"))
    if quadrant := data.get("quadrant"):
        phrases.append(_("Matrix quadrant: %(quadrant)s") % {"quadrant": Quadrant(quadrant).label})
    if (band := data.get("band")) not in (None, ""):
        phrases.append(_band_words(int(band)))
    if level := data.get("level"):
        phrases.append(_("Churn risk: %(level)s") % {"level": RiskLevel(level).label})
    if data.get("past_due"):
        phrases.append(_("Accounts with complaints past due"))
    if pipeline := data.get("pipeline"):
        phrases.append(
            _("Open opportunities at “%(stage)s”") % {"stage": DevelopmentStage(pipeline).label}
        )
    if month := data.get("month"):
        phrases.append(
            _("Traded in %(month)s") % {"month": formats.date_format(month, "YEAR_MONTH_FORMAT")}
        )
    if quarter := data.get("quarter"):
        phrases.append(_("Surveyed in %(quarter)s") % {"quarter": _quarter_words(quarter)})
    if top := data.get("top"):
        phrases.append(_("Top %(percent)s %% of accounts by revenue 12 m") % {"percent": top})
    if data.get("tier") == "null":
        phrases.append(_("Accounts without a tier"))
    return phrases


def title(drill: DrillFilter, *, sees_all: bool) -> str:
    if not drill.is_valid():
        return _("The accounts behind a dashboard figure")
    phrases = _slice_phrases(drill.form.cleaned_data)
    if phrases:
        return " · ".join(str(phrase) for phrase in phrases)
    return _("All accounts") if sees_all else _("All your accounts")


@dataclass(frozen=True)
class Chip:
    name: str
    label: str
    remove_url: str


def _chip_value(drill: DrillFilter, name: str, value) -> str:
    if name == "tier" and value == "null":
        return str(_("No tier"))
    if name == "band":
        return _band_words(int(value))
    if name == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if name == "quarter":
        return _quarter_words(value)
    field = drill.form.fields[name]
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value))
    return str(value)


def chips(drill: DrillFilter, request) -> list[Chip]:
    """The active filters, each with the link that drops it (and the page number)."""
    if not drill.is_valid():
        return []
    found = []
    for name, value in drill.form.cleaned_data.items():
        if name == "sort" or value in (None, ""):
            continue
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        query = params.urlencode()
        url = request.path + (f"?{query}" if query else "")
        label = f"{drill.form.fields[name].label}: {_chip_value(drill, name, value)}"
        found.append(Chip(name, label, url))
    return found


# --- The page ------------------------------------------------------------------------------


def page_rows(account_ids: list[int], *, today: datetime.date) -> list[Account]:
    """One page of the list, whole and in order, in one query: the facts of 50 accounts."""
    rows = facts.with_facts(
        Account.objects.filter(pk__in=account_ids), today=today, compare_before=None
    ).select_related("owner", "tier")
    position = {pk: index for index, pk in enumerate(account_ids)}
    accounts = sorted(rows, key=lambda account: position[account.pk])
    for account in accounts:
        account.exceptions = [
            (kind, BADGES[kind]) for kind in facts.EXCEPTIONS if getattr(account, f"f_{kind}")
        ]
        account.level_label = RiskLevel(account.f_level).label if account.f_level else ""
    return accounts


def account_list(request) -> TemplateResponse:
    today = timezone.localdate()
    accounts = facts.with_facts(
        access.visible_accounts(request.user), today=today, compare_before=None
    )
    # Always bound, so that the default order applies to an empty query string too.
    drill = DrillFilter(request.GET, queryset=accounts, request=request, today=today)
    sees_all = access.sees_every_account(request.user)
    context = {
        "filter": drill,
        "title": title(drill, sees_all=sees_all),
        "chips": chips(drill, request),
        "dashboard_url": drill.dashboard_url(),
        "sees_all": sees_all,
        "sort": drill.chosen_sort,
        "sort_choices": SORT_CHOICES,
        "invalid": not drill.is_valid(),
        "page": None,
        "rows": [],
    }
    if not context["invalid"]:
        # The order is found on the ids alone (one count, one page of ids); only the page's
        # rows are read whole.
        paginator = Paginator(drill.qs.values_list("pk", flat=True), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = page_rows(list(page.object_list), today=today)
    return TemplateResponse(request, "scoring/dashboard/accounts.html", context)
