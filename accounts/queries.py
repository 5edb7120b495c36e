"""Read side of the accounts app: figures, lists and exports, always for an already-scoped account
or queryset (see accounts.access)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import ACCOUNT_MANAGER
from accounts.models import (
    Account,
    AccountTeamMember,
    Complaint,
    ComplaintStatus,
    StageChange,
    Stakeholder,
    Tier,
    Transaction,
)

User = get_user_model()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How the product writes a person (User.__str__), from columns read with values()."""
    return str(User(first_name=first_name or "", last_name=last_name or "", username=username))


def account_managers() -> QuerySet:
    """People who can own accounts: active members of the account-manager role."""
    return User.objects.filter(is_active=True, groups__name=ACCOUNT_MANAGER).order_by(
        "first_name", "last_name", "username"
    )


def tiers() -> QuerySet[Tier]:
    return Tier.objects.all()


def revenue_last_12_months(account_ids, *, today: date | None = None) -> dict[int, Decimal]:
    """Revenue per account over the last 12 months, for one page of a list: one grouped query."""
    today = today or timezone.localdate()
    rows = (
        Transaction.objects.filter(
            account_id__in=list(account_ids), date__gt=years_before(today, 1), date__lte=today
        )
        .values("account_id")
        .annotate(revenue=Sum("amount"))
    )
    return {row["account_id"]: row["revenue"] for row in rows}


MONEY = DecimalField(max_digits=16, decimal_places=2)


def last_12_months(today: date | None = None) -> tuple[date, date]:
    """The trading window used across the product: after the same day a year ago, up to today."""
    today = today or timezone.localdate()
    return years_before(today, 1), today


def with_recent_trading(accounts: QuerySet[Account], *, today: date | None = None):
    """Join each account to its transactions of the last 12 months only (the date range in the
    join, so older orders are never read); sum them with `recent_sum`."""
    start, end = last_12_months(today)
    return accounts.annotate(
        recent=FilteredRelation(
            "transactions",
            condition=Q(transactions__date__gt=start, transactions__date__lte=end),
        )
    )


def recent_sum(column: str) -> Coalesce:
    """An account's 12-month total of a transaction column, 0 when it had none (a grouped
    aggregate over `with_recent_trading`)."""
    return Coalesce(Sum(f"recent__{column}"), Value(Decimal(0)), output_field=MONEY)


def team_for_display(account: Account) -> list[AccountTeamMember]:
    return list(account.team_members.all())


@dataclass(frozen=True)
class HeaderFigures:
    revenue_12m: Decimal
    open_complaints: int
    overdue_complaints: int
    last_change_regression: bool = False


def account_header_figures(account: Account, *, today: date | None = None) -> HeaderFigures:
    """The header's key figures in one query (scalar subqueries)."""
    today = today or timezone.localdate()
    revenue = (
        Transaction.objects.filter(
            account=OuterRef("pk"), date__gt=years_before(today, 1), date__lte=today
        )
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    open_complaints = Complaint.objects.filter(account=OuterRef("pk")).exclude(
        status=ComplaintStatus.RESOLVED
    )

    def count_of(complaints):
        return Subquery(complaints.order_by().values("account").annotate(n=Count("pk")).values("n"))

    figures = (
        Account.objects.filter(pk=account.pk)
        .annotate(
            revenue_12m=Subquery(revenue),
            open_complaints=count_of(open_complaints),
            overdue_complaints=count_of(open_complaints.filter(due_on__lt=today)),
            last_change_regression=Subquery(
                StageChange.objects.filter(account=OuterRef("pk"))
                .order_by("-changed_at", "-pk")
                .values("is_regression")[:1]
            ),
        )
        .values("revenue_12m", "open_complaints", "overdue_complaints", "last_change_regression")
        .get()
    )
    return HeaderFigures(
        revenue_12m=figures["revenue_12m"] or Decimal(0),
        open_complaints=figures["open_complaints"] or 0,
        overdue_complaints=figures["overdue_complaints"] or 0,
        last_change_regression=bool(figures["last_change_regression"]),
    )


@dataclass(frozen=True)
class TradingIndicators:
    revenue_12m: Decimal
    revenue_previous_12m: Decimal
    margin_12m: Decimal
    orders_12m: int
    average_order_12m: Decimal | None
    largest_order_12m: Decimal | None
    returns_12m: Decimal
    orders_total: int
    trading_since: date | None
    last_order: date | None
    average_days_to_pay: float | None
    outstanding: Decimal
    overdue: Decimal

    @property
    def revenue_change(self) -> float | None:
        """Relative change of the last 12 months against the 12 before (0.1 = +10 %)."""
        if not self.revenue_previous_12m:
            return None
        return float((self.revenue_12m - self.revenue_previous_12m) / self.revenue_previous_12m)

    @property
    def margin_rate(self) -> float | None:
        if not self.revenue_12m:
            return None
        return float(self.margin_12m / self.revenue_12m)

    @property
    def return_rate(self) -> float | None:
        if not self.revenue_12m:
            return None
        return float(self.returns_12m / self.revenue_12m)

    @property
    def average_interval_days(self) -> float | None:
        if self.orders_total < 2 or not self.trading_since or not self.last_order:
            return None
        return (self.last_order - self.trading_since).days / (self.orders_total - 1)


def trading_indicators(account: Account, *, today: date | None = None) -> TradingIndicators:
    """Trading and financial indicators of one account, in a single aggregate query."""
    today = today or timezone.localdate()
    year_ago = years_before(today, 1)
    last_12 = Q(date__gt=year_ago, date__lte=today)
    previous_12 = Q(date__gt=years_before(today, 2), date__lte=year_ago)
    unpaid = Q(paid_on__isnull=True)
    money = DecimalField(max_digits=16, decimal_places=2)
    net_amount = ExpressionWrapper(F("amount") - F("returned_amount"), output_field=money)
    days_to_pay = ExpressionWrapper(F("paid_on") - F("date"), output_field=DurationField())
    figures = Transaction.objects.filter(account=account).aggregate(
        revenue_12m=Sum("amount", filter=last_12),
        revenue_previous_12m=Sum("amount", filter=previous_12),
        margin_12m=Sum("gross_margin", filter=last_12),
        orders_12m=Count("pk", filter=last_12),
        average_order_12m=Avg("amount", filter=last_12, output_field=money),
        largest_order_12m=Max("amount", filter=last_12),
        returns_12m=Sum("returned_amount", filter=last_12),
        orders_total=Count("pk"),
        trading_since=Min("date"),
        last_order=Max("date"),
        average_days_to_pay=Avg(days_to_pay, filter=Q(paid_on__isnull=False) & last_12),
        outstanding=Sum(net_amount, filter=unpaid),
        overdue=Sum(net_amount, filter=unpaid & Q(invoice_due__lt=today)),
    )
    zero = Decimal(0)
    average_pay = figures["average_days_to_pay"]
    if isinstance(average_pay, timedelta):
        average_pay = average_pay.total_seconds() / 86400
    return TradingIndicators(
        revenue_12m=figures["revenue_12m"] or zero,
        revenue_previous_12m=figures["revenue_previous_12m"] or zero,
        margin_12m=figures["margin_12m"] or zero,
        orders_12m=figures["orders_12m"],
        average_order_12m=figures["average_order_12m"],
        largest_order_12m=figures["largest_order_12m"],
        returns_12m=figures["returns_12m"] or zero,
        orders_total=figures["orders_total"],
        trading_since=figures["trading_since"],
        last_order=figures["last_order"],
        average_days_to_pay=average_pay,
        outstanding=figures["outstanding"] or zero,
        overdue=figures["overdue"] or zero,
    )


def recent_transactions(account: Account, limit: int = 5) -> list[Transaction]:
    return list(account.transactions.all()[:limit])


def account_transactions(account: Account) -> QuerySet[Transaction]:
    return account.transactions.all()


def account_complaints(account: Account) -> QuerySet[Complaint]:
    return account.complaints.select_related("owner").order_by(
        # Open ones first, the most urgent at the top.
        F("resolved_on").desc(nulls_first=True),
        F("due_on").asc(nulls_last=True),
        "-opened_on",
    )


def open_complaints(account: Account, limit: int = 5) -> list[Complaint]:
    return list(
        account.complaints.exclude(status=ComplaintStatus.RESOLVED)
        .select_related("owner")
        .order_by(F("due_on").asc(nulls_last=True), "-opened_on")[:limit]
    )


def accounts_for_list(accounts: QuerySet[Account]) -> QuerySet[Account]:
    return accounts.select_related("owner", "tier")


# --- Exports (accounts.exports writes them) -------------------------------------------------------
# Each is one query read in chunks: `values_list` rows, names of related records joined, never a
# query per row. `accounts` is the account list's queryset: visible to the user, filtered.


def accounts_for_export(accounts: QuerySet[Account], *, today: date | None = None) -> QuerySet:
    """The accounts, in the list's order, with their revenue of the last 12 months (one grouped
    aggregate over the year's transactions)."""
    return (
        with_recent_trading(accounts, today=today)
        .annotate(export_revenue=recent_sum("amount"))
        .values_list(
            "name",
            "legal_name",
            "external_id",
            "category",
            "tier_id",
            "industry",
            "region",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "relationship_stage",
            "employees",
            "annual_revenue",
            "is_listed",
            "website",
            "export_revenue",
            "created_at",
        )
    )


def _of_accounts(accounts: QuerySet[Account]) -> QuerySet:
    return accounts.order_by().values("pk")


def stakeholders_for_export(accounts: QuerySet[Account]) -> QuerySet:
    """The accounts' stakeholders, account by account. Private notes are another table
    (StakeholderPrivateNote) and are not joined: nothing of them is read."""
    return (
        Stakeholder.objects.filter(account__in=_of_accounts(accounts))
        .order_by("account__name", "account_id", "-influence", "name", "pk")
        .values_list(
            "account__name",
            "account__external_id",
            "name",
            "title",
            "department",
            "reports_to__name",
            "buying_role",
            "attitude",
            "influence",
            "involvement",
            "social_style",
            "status",
            "left_on",
            "email",
            "phone",
            "wechat",
        )
    )


def transactions_for_export(accounts: QuerySet[Account]) -> QuerySet:
    """The accounts' transactions, account by account, newest first."""
    return (
        Transaction.objects.filter(account__in=_of_accounts(accounts))
        .order_by("account__name", "account_id", "-date", "-pk")
        .values_list(
            "account__name",
            "account__external_id",
            "date",
            "reference",
            "amount",
            "gross_margin",
            "returned_amount",
            "invoice_due",
            "paid_on",
        )
    )
