"""Each account of the portfolio with the figures the dashboard counts, as ORM annotations.

One definition serves both the dashboard, which aggregates these rows in SQL (queries.py), and
the list of accounts behind each chart (the drill-down filters), so a bar that says 12 always
opens a list of 12. The money, risk, satisfaction and visit figures are the ones the nightly
health recalculation stores (AccountHealth); plans, owners, complaints, stages and quadrants are
read live.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from accounts.models import Category, Complaint, ComplaintStatus
from planning.models import AccountPlan, PlanStatus
from scoring import engine
from scoring.assessments.queries import NOT_YET_KEY
from scoring.models import CriteriaSet, HealthSnapshot, SetKind, SetStatus

MONEY = DecimalField(max_digits=18, decimal_places=2)
BOOLEAN = BooleanField()
DEFAULT_THRESHOLD = Decimal(50)
RISK_BANDS = 10  # 0–9, 10–19, … 90–100

# The exceptions the dashboard lists, in the order it lists them.
NO_PLAN = "no_plan"
NO_OWNER = "no_owner"
NOT_VISITED = "not_visited"
MISMATCH = "mismatch"
EXCEPTIONS = (NO_PLAN, NO_OWNER, NOT_VISITED, MISMATCH)
EXCEPTION_LABELS = {
    NO_PLAN: _("Key account without an active plan"),
    NO_OWNER: _("Key account without an account manager"),
    NOT_VISITED: _("Key account not visited within cadence"),
    MISMATCH: _("Quadrant disagrees with category"),
}
EXCEPTION_BADGES = {
    NO_PLAN: _("no plan"),
    NO_OWNER: _("no account manager"),
    NOT_VISITED: _("not visited"),
    MISMATCH: _("quadrant mismatch"),
}


def threshold(column: str):
    published = CriteriaSet.objects.filter(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED).values(
        column
    )[:1]
    return Coalesce(Subquery(published), Value(DEFAULT_THRESHOLD), output_field=MONEY)


def _quadrant():
    """The same rule as engine.quadrant under the published thresholds (at or above is high)."""
    high_a = Q(f_attractiveness__gte=threshold("attractiveness_threshold"))
    high_b = Q(f_advantage__gte=threshold("advantage_threshold"))
    return Case(
        When(f_attractiveness__isnull=True, then=Value("")),
        When(f_advantage__isnull=True, then=Value("")),
        When(high_a & high_b, then=Value(engine.KEY)),
        When(high_a, then=Value(engine.DEVELOP)),
        When(high_b, then=Value(engine.MAINTAIN)),
        default=Value(engine.OPPORTUNISTIC),
        output_field=CharField(),
    )


def _flag(condition: Q) -> Case:
    """TRUE or FALSE, never NULL: the LEFT JOINs leave NULLs that a bare comparison would keep."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BOOLEAN)


def comparison_day(not_after: datetime.date) -> Subquery:
    """The latest day with health snapshots on or before `not_after` (a walk down the day index)."""
    return Subquery(
        HealthSnapshot.objects.filter(day__lte=not_after).order_by("-day").values("day")[:1]
    )


def with_columns(
    accounts: QuerySet, *, today: datetime.date, compare_before: datetime.date | None
) -> QuerySet:
    """`accounts` annotated with the dashboard's per-account figures (names start with f_), and,
    given `compare_before`, with the same figures from the health snapshots of the latest day on
    or before it (p_…; NULL for an account without a snapshot that day)."""
    active_plan = AccountPlan.objects.filter(
        account=OuterRef("pk"), status=PlanStatus.ACTIVE, year=today.year
    )
    accounts = accounts.annotate(
        current=FilteredRelation("assessments", condition=Q(assessments__is_current=True))
    ).annotate(
        f_attractiveness=F("current__attractiveness"),
        f_advantage=F("current__advantage"),
        f_revenue=Coalesce(F("health__revenue_12m"), Value(Decimal(0)), output_field=MONEY),
        f_revenue_prev=Coalesce(
            F("health__revenue_prev_12m"), Value(Decimal(0)), output_field=MONEY
        ),
        f_risk=F("health__risk_score"),
        f_level=F("health__risk_level"),
        f_satisfaction=F("health__satisfaction_index"),
        f_in_cadence=_flag(Q(health__visited_in_cadence=True)),
        f_has_plan=Exists(active_plan),
        f_has_owner=_flag(Q(owner__is_active=True)),
        f_band=Least(F("health__risk_score") / Value(10), Value(RISK_BANDS - 1)),
        f_calculated=F("health__calculated_at"),
    )
    if compare_before is not None:
        accounts = _with_previous(accounts, comparison_day(compare_before))
    return accounts.annotate(f_quadrant=_quadrant()).annotate(
        f_is_key=_flag(Q(category=Category.KEY)),
        **{f"f_{kind}": _flag(condition) for kind, condition in exception_conditions().items()},
    )


def _with_previous(accounts: QuerySet, day: Subquery) -> QuerySet:
    return accounts.annotate(
        previous=FilteredRelation("health_snapshots", condition=Q(health_snapshots__day=day))
    ).annotate(
        p_day=F("previous__day"),
        p_seen=_flag(Q(previous__day__isnull=False)),
        p_category=F("previous__category"),
        p_revenue=Coalesce(F("previous__revenue_12m"), Value(Decimal(0)), output_field=MONEY),
        p_has_plan=_flag(Q(previous__has_active_plan=True)),
        p_in_cadence=_flag(Q(previous__visited_in_cadence=True)),
        p_satisfaction=F("previous__satisfaction_index"),
        p_level=F("previous__risk_level"),
        p_past_due=Coalesce(F("previous__complaints_past_due"), Value(0)),
    )


def past_due_complaints(today: datetime.date) -> QuerySet:
    """Open complaints past their due date. Counted per account by a grouped join (a subquery
    per account would probe the complaints once for every account)."""
    return Complaint.objects.filter(due_on__lt=today).exclude(status=ComplaintStatus.RESOLVED)


def exception_conditions() -> dict[str, Q]:
    """What makes each exception, on an account annotated by with_columns."""
    key = Q(category=Category.KEY)
    return {
        NO_PLAN: key & Q(f_has_plan=False),
        NO_OWNER: key & ~Q(f_has_owner=True),
        NOT_VISITED: key & Q(f_in_cadence=False),
        MISMATCH: (key & Q(f_quadrant=engine.OPPORTUNISTIC))
        | Q(category__in=NOT_YET_KEY, f_quadrant=engine.KEY),
    }


def any_exception() -> Q:
    conditions = list(exception_conditions().values())
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def band_of(score: int) -> int:
    return min(score // 10, RISK_BANDS - 1)
