"""What the records say about a batch of accounts, read set-based: one grouped query per source
table over a primary-key range of accounts (never a query per account), merged into one
`engine.AccountMeasures` per account. Everything is read as it stood on `as_of`, so a past day can
be recomputed (the demo back-fills its trend lines that way)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Avg, Count, F, Max, Min, Q, Sum
from django.utils import timezone

from accounts.coverage.rules import COUNTED_STRENGTH
from accounts.models import (
    Account,
    Attitude,
    BuyingRole,
    Complaint,
    ComplaintStatus,
    Coverage,
    StageChange,
    Stakeholder,
    StakeholderStatus,
    Transaction,
    User,
)
from accounts.queries import years_before
from planning.models import AccountPlan, PlanStatus, Visit, VisitStatus
from scoring import engine
from scoring.models import Survey, SurveyStatus

DEFAULT_CADENCE_DAYS = 30  # an account without a tier is expected to be visited monthly
ZERO = Decimal(0)


@dataclass(frozen=True)
class Windows:
    """The look-back windows the factors use (days), from the risk model."""

    satisfaction: int
    revenue: int
    overdue_grace: int
    silence: int
    decision_maker: int
    regression: int


@dataclass(frozen=True)
class AccountInputs:
    account_id: int
    name: str
    owner_id: int | None
    category: str
    measures: engine.AccountMeasures
    revenue_12m: Decimal
    margin_12m: Decimal
    surveys_counted: int
    revenue_prev_12m: Decimal = ZERO
    last_visit_on: datetime.date | None = None
    has_active_plan: bool = False

    @property
    def visited_in_cadence(self) -> bool:
        days = self.measures.days_since_contact
        return days is not None and days <= self.measures.cadence_days


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def _by_account(rows, key="account_id") -> dict:
    return {row.pop(key): row for row in rows}


def read_batch(lo: int, hi: int, *, as_of: datetime.date, windows: Windows) -> list[AccountInputs]:
    """The facts of every account with lo ≤ pk ≤ hi: nine grouped queries."""
    in_range = {"account_id__gte": lo, "account_id__lte": hi}
    accounts = list(
        Account.objects.filter(pk__range=(lo, hi))
        .order_by("pk")
        .values_list("pk", "name", "owner_id", "category", "tier__visit_cadence_days")
    )
    if not accounts:
        return []

    last_visits = _by_account(
        Visit.objects.filter(**in_range, status=VisitStatus.REPORTED, starts_at__lt=_end_of(as_of))
        .values("account_id")
        .annotate(last=Max("starts_at"))
        .order_by()
    )

    window = datetime.timedelta(days=windows.satisfaction)
    current = Q(answered_on__gt=as_of - window)
    surveys = _by_account(
        Survey.objects.filter(
            **in_range,
            status=SurveyStatus.COMPLETED,
            answered_on__gt=as_of - 2 * window,
            answered_on__lte=as_of,
        )
        .values("account_id")
        .annotate(
            current=Avg("satisfaction_index", filter=current),
            before=Avg("satisfaction_index", filter=~current),
            counted=Count("pk", filter=current),
        )
        .order_by()
    )

    active_plans = set(
        AccountPlan.objects.filter(**in_range, status=PlanStatus.ACTIVE, year=as_of.year)
        .filter(created_at__lt=_end_of(as_of))
        .values_list("account_id", flat=True)
    )

    year_start = years_before(as_of, 1)
    two_years_start = years_before(as_of, 2)
    revenue_window = datetime.timedelta(days=windows.revenue)
    overdue_before = as_of - datetime.timedelta(days=windows.overdue_grace)
    unpaid_then = Q(paid_on__isnull=True) | Q(paid_on__gt=as_of)
    overdue = unpaid_then & Q(invoice_due__lt=overdue_before, date__lte=as_of)
    last_year = Q(date__gt=year_start, date__lte=as_of)
    trading = _by_account(
        Transaction.objects.filter(**in_range)
        .filter(
            Q(date__gt=min(two_years_start, as_of - 2 * revenue_window), date__lte=as_of) | overdue
        )
        .values("account_id")
        .annotate(
            recent=Sum("amount", filter=Q(date__gt=as_of - revenue_window, date__lte=as_of)),
            before=Sum(
                "amount",
                filter=Q(date__gt=as_of - 2 * revenue_window, date__lte=as_of - revenue_window),
            ),
            revenue_12m=Sum("amount", filter=last_year),
            margin_12m=Sum("gross_margin", filter=last_year),
            revenue_prev_12m=Sum(
                "amount", filter=Q(date__gt=two_years_start, date__lte=year_start)
            ),
            overdue=Sum(F("amount") - F("returned_amount"), filter=overdue),
            oldest_due=Min("invoice_due", filter=overdue),
        )
        .order_by()
    )

    silence = datetime.timedelta(days=windows.silence)
    open_then = ~Q(status=ComplaintStatus.RESOLVED) | Q(resolved_on__gt=as_of)
    complaints = _by_account(
        Complaint.objects.filter(**in_range, opened_on__lte=as_of)
        .values("account_id")
        .annotate(
            past_due=Count("pk", filter=open_then & Q(due_on__lt=as_of)),
            recent=Count("pk", filter=Q(opened_on__gt=as_of - silence)),
            before=Count(
                "pk",
                filter=Q(
                    opened_on__gt=years_before(as_of - silence, 1),
                    opened_on__lte=as_of - silence,
                ),
            ),
        )
        .order_by()
    )

    coverage = _covering_people(lo, hi)

    decision_makers = _by_account(
        Stakeholder.objects.filter(**in_range, buying_role=BuyingRole.DECISION_MAKER)
        .values("account_id")
        .annotate(
            opposed=Count(
                "pk", filter=Q(status=StakeholderStatus.ACTIVE, attitude=Attitude.OPPONENT)
            ),
            left=Count(
                "pk",
                filter=Q(
                    status=StakeholderStatus.LEFT,
                    left_on__gt=as_of - datetime.timedelta(days=windows.decision_maker),
                    left_on__lte=as_of,
                ),
            ),
        )
        .order_by()
    )

    regressions = _by_account(
        StageChange.objects.filter(
            **in_range,
            is_regression=True,
            changed_at__gte=_end_of(as_of - datetime.timedelta(days=windows.regression)),
            changed_at__lt=_end_of(as_of),
        )
        .values("account_id")
        .annotate(count=Count("pk"))
        .order_by()
    )

    facts = []
    for account_id, name, owner_id, category, cadence in accounts:
        visit = last_visits.get(account_id)
        survey = surveys.get(account_id, {})
        money = trading.get(account_id, {})
        complaint = complaints.get(account_id, {})
        people = decision_makers.get(account_id, {})
        oldest_due = money.get("oldest_due")
        measures = engine.AccountMeasures(
            days_since_contact=(
                (as_of - timezone.localtime(visit["last"]).date()).days if visit else None
            ),
            cadence_days=cadence or DEFAULT_CADENCE_DAYS,
            satisfaction=_two_places(survey.get("current")),
            satisfaction_before=_two_places(survey.get("before")),
            revenue_recent=money.get("recent") or ZERO,
            revenue_before=money.get("before") or ZERO,
            revenue_12m=money.get("revenue_12m") or ZERO,
            overdue_amount=money.get("overdue") or ZERO,
            oldest_overdue_days=(as_of - oldest_due).days if oldest_due else None,
            complaints_past_due=complaint.get("past_due", 0),
            complaints_recent=complaint.get("recent", 0),
            complaints_before=complaint.get("before", 0),
            covering_people=coverage.get(account_id, {}).get("people", 0),
            decision_makers_opposed=people.get("opposed", 0),
            decision_makers_left=people.get("left", 0),
            regressions=regressions.get(account_id, {}).get("count", 0),
        )
        facts.append(
            AccountInputs(
                account_id=account_id,
                name=name,
                owner_id=owner_id,
                category=category,
                measures=measures,
                revenue_12m=(money.get("revenue_12m") or ZERO).quantize(engine.TWO_PLACES),
                margin_12m=(money.get("margin_12m") or ZERO).quantize(engine.TWO_PLACES),
                surveys_counted=survey.get("counted", 0),
                revenue_prev_12m=(money.get("revenue_prev_12m") or ZERO).quantize(
                    engine.TWO_PLACES
                ),
                last_visit_on=timezone.localtime(visit["last"]).date() if visit else None,
                has_active_plan=account_id in active_plans,
            )
        )
    return facts


# PostgreSQL hash-joins the whole coverage table for the ORM's join, for every batch; handing it
# each account's stakeholder ids as an array makes it use the (stakeholder, user) index instead
# (tests/perf/test_health_recalculation.py times the full run).
COVERING_PEOPLE_SQL = """
SELECT s.account_id, (
    SELECT COUNT(DISTINCT c.user_id)
    FROM {coverage} c JOIN {user} u ON u.id = c.user_id
    WHERE c.stakeholder_id = ANY(array_agg(s.id)) AND c.strength >= %s AND u.is_active
)
FROM {stakeholder} s
WHERE s.account_id BETWEEN %s AND %s AND s.status = %s
GROUP BY s.account_id
"""


def _covering_people(lo: int, hi: int) -> dict[int, dict]:
    """{account id: {"people": our active people who know an active stakeholder}}."""
    if connection.vendor == "postgresql":
        sql = COVERING_PEOPLE_SQL.format(
            coverage=Coverage._meta.db_table,
            user=User._meta.db_table,
            stakeholder=Stakeholder._meta.db_table,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [COUNTED_STRENGTH, lo, hi, StakeholderStatus.ACTIVE])
            return {account_id: {"people": people} for account_id, people in cursor.fetchall()}
    return _by_account(
        Coverage.objects.filter(
            stakeholder__account_id__gte=lo,
            stakeholder__account_id__lte=hi,
            stakeholder__status=StakeholderStatus.ACTIVE,
            strength__gte=COUNTED_STRENGTH,
            user__is_active=True,
        )
        .values(account_id=F("stakeholder__account_id"))
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )


def _two_places(value) -> Decimal | None:
    if value is None:
        return None
    # Half up, as everywhere in the engine (quantize's default would round half to even).
    return Decimal(value).quantize(engine.TWO_PLACES, rounding=ROUND_HALF_UP)
