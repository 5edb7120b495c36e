"""Read side of the Value tab: the account's scorecard, the actuals its records give and the
scorecard's recent changes. Every computed actual comes from two aggregate queries (transactions;
then complaints, visits and pipeline as scalar subqueries of the account row), whatever the number
of rows behind them. scoring.scorecard.page assembles what the tab shows."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Complaint, ComplaintStatus, Transaction
from accounts.queries import years_before
from planning.models import Opportunity, Visit
from planning.models.pipeline import OPEN_STAGES
from planning.models.visits import VisitStatus
from scoring import engine
from scoring.models import ValueScorecard

# The words of the 0–4 scales (X, Y, growth, strategic value).
LEVEL_WORDS = {
    0: _("none"),
    1: _("small"),
    2: _("medium"),
    3: _("large"),
    4: _("very large"),
}
LEVEL_FIELD_NAMES = (
    "current_purchases",
    "purchase_capacity",
    "growth_potential",
    "strategic_value",
)

ONE_PLACE = Decimal("0.1")

# Fields whose changes the page lists (updated_by is who, not what; row_version is not kept).
HISTORY_FIELDS = [
    f
    for f in ValueScorecard._meta.concrete_fields
    if f.name not in {"id", "account", "updated_by", "updated_at", "row_version"}
]


def get_scorecard(account: Account) -> ValueScorecard | None:
    return ValueScorecard.objects.select_related("updated_by").filter(account=account).first()


@dataclass(frozen=True)
class Actuals:
    revenue_12m: Decimal
    margin_12m: Decimal
    returns_12m: Decimal
    orders_12m: int
    revenue_window: Decimal  # sales over the lifetime window (the last three years at most)
    first_order: date | None
    complaints_resolved: int
    complaints_with_due: int
    complaints_on_time: int
    visits_12m: int
    pipeline_value: Decimal
    pipeline_count: int

    @property
    def margin_rate(self) -> Decimal | None:
        if not self.revenue_12m:
            return None
        return (self.margin_12m * 100 / self.revenue_12m).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def net_revenue_12m(self) -> Decimal:
        return self.revenue_12m - self.returns_12m

    @property
    def complaints_on_time_rate(self) -> Decimal | None:
        if not self.complaints_with_due:
            return None
        return (Decimal(self.complaints_on_time) * 100 / self.complaints_with_due).quantize(
            ONE_PLACE, ROUND_HALF_UP
        )

    @property
    def complaints_without_due(self) -> int:
        return self.complaints_resolved - self.complaints_with_due


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _scalar(queryset, **aggregate):
    """One aggregate of an account's rows as a scalar subquery of the account row."""
    (name,) = aggregate
    return Subquery(
        queryset.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(**aggregate)
        .values(name)
    )


def account_actuals(account: Account, *, today: date | None = None) -> Actuals:
    """Revenue, margin and returns are invoiced figures dated in the last 12 months (the same
    window as the account header); complaints count when resolved in that window; visits when
    reported and held in it; the pipeline is every open opportunity, whatever its close date."""
    today = today or timezone.localdate()
    year_ago = years_before(today, 1)
    last_12 = Q(date__gt=year_ago, date__lte=today)
    window = Q(date__gt=years_before(today, engine.LIFETIME_WINDOW_YEARS), date__lte=today)
    sales = Transaction.objects.filter(account=account).aggregate(
        revenue_12m=Sum("amount", filter=last_12),
        margin_12m=Sum("gross_margin", filter=last_12),
        returns_12m=Sum("returned_amount", filter=last_12),
        orders_12m=Count("pk", filter=last_12),
        revenue_window=Sum("amount", filter=window),
        first_order=Min("date"),
    )
    resolved = Complaint.objects.filter(
        status=ComplaintStatus.RESOLVED, resolved_on__gt=year_ago, resolved_on__lte=today
    )
    with_due = resolved.filter(due_on__isnull=False)
    visits = Visit.objects.filter(
        status=VisitStatus.REPORTED,
        starts_at__gte=_start_of(year_ago + timedelta(days=1)),
        starts_at__lt=_start_of(today + timedelta(days=1)),
    )
    pipeline = Opportunity.objects.filter(stage__in=OPEN_STAGES)
    counted = IntegerField()
    records = (
        Account.objects.filter(pk=account.pk)
        .annotate(
            complaints_resolved=_scalar(resolved, n=Count("pk", output_field=counted)),
            complaints_with_due=_scalar(with_due, n=Count("pk", output_field=counted)),
            complaints_on_time=_scalar(
                with_due.filter(resolved_on__lte=F("due_on")), n=Count("pk", output_field=counted)
            ),
            visits_12m=_scalar(visits, n=Count("pk", output_field=counted)),
            pipeline_value=_scalar(pipeline, total=Sum("value")),
            pipeline_count=_scalar(pipeline, n=Count("pk", output_field=counted)),
        )
        .values(
            "complaints_resolved",
            "complaints_with_due",
            "complaints_on_time",
            "visits_12m",
            "pipeline_value",
            "pipeline_count",
        )
        .get()
    )
    zero = Decimal(0)
    return Actuals(
        revenue_12m=sales["revenue_12m"] or zero,
        margin_12m=sales["margin_12m"] or zero,
        returns_12m=sales["returns_12m"] or zero,
        orders_12m=sales["orders_12m"],
        revenue_window=sales["revenue_window"] or zero,
        first_order=sales["first_order"],
        complaints_resolved=records["complaints_resolved"] or 0,
        complaints_with_due=records["complaints_with_due"] or 0,
        complaints_on_time=records["complaints_on_time"] or 0,
        visits_12m=records["visits_12m"] or 0,
        pipeline_value=records["pipeline_value"] or zero,
        pipeline_count=records["pipeline_count"] or 0,
    )


# --- History ----------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime
    who: object
    changes: list[FieldChange] = field(default_factory=list)


def _shown(f, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.name in LEVEL_FIELD_NAMES:
        return f"{value} · {LEVEL_WORDS.get(value, '')}"
    if isinstance(value, Decimal):
        # 4000000.00 → 4,000,000 and 22.50 → 22.5: as typed, grouped like every amount on the page.
        return number_format(Decimal(f"{value.normalize():f}"), force_grouping=True)
    return str(value)


def _label(f) -> str:
    label = str(f.verbose_name)
    return label[:1].upper() + label[1:]


def recent_changes(scorecard: ValueScorecard | None, limit: int = 5) -> list[Change]:
    """The last changes to the scorecard, newest first: one query for limit + 1 records."""
    if scorecard is None:
        return []
    records = list(
        scorecard.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    changes = []
    for position, record in enumerate(records[:limit]):
        previous = records[position + 1] if position + 1 < len(records) else None
        fields = []
        for f in HISTORY_FIELDS:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, "", False):
                continue
            fields.append(
                FieldChange(
                    _label(f),
                    _shown(f, old) if previous is not None else "",
                    _shown(f, new),
                )
            )
        if fields:
            changes.append(Change(record.history_date, record.history_user, fields))
    return changes
