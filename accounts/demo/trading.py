"""Customer accounts with their teams, three years of transactions and complaints."""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import reset_queries
from django.utils import timezone

from accounts.demo.context import ACCOUNT_BATCH, INSERT_BATCH, DemoContext
from accounts.demo.history import record_demo_history
from accounts.demo.loading import insert
from accounts.demo.people import DEMO_MANAGERS, EXTRA_MANAGERS
from accounts.demo.portfolio import Plan, pick, plan_portfolio
from accounts.demo.stages import stage_fields
from accounts.demo.words import (
    BRANDS,
    BUREAUS,
    BUSINESSES,
    CITIES,
    COMPLAINT_CATEGORY_WEIGHTS,
    COMPLAINT_TEXTS,
    ENGLISH_BRANDS,
    HOSPITALS,
    INDUSTRY_WORDS,
    MONTH_AMOUNT_FACTOR,
    MONTH_ORDER_WEIGHT,
    ORDERS_PER_3_YEARS,
    OVERSEAS_PLACES,
    PUBLIC_INDUSTRIES,
    REGION_WORDS,
    RESOLUTIONS,
    REVENUE_PER_EMPLOYEE,
    SCHOOLS,
    SEVERITY_DAYS,
    SEVERITY_WEIGHTS,
)
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Complaint,
    ComplaintStatus,
    ConflictMode,
    Industry,
    Region,
    TeamRole,
    Tier,
    Transaction,
)

TRADING_DAYS = 3 * 365


@dataclass(slots=True)
class _Trading:
    """How one account buys and pays, decided once and used for each of its orders."""

    first_day: date
    last_day: date
    orders: int
    order_size: float
    yearly_growth: float
    margin_rate: float
    payment_days: int
    payer: str
    stops_paying: bool

    def days_late(self, rng: random.Random) -> int:
        if self.payer == "punctual":
            return round(rng.gauss(-2, 5))
        if self.payer == "slow":
            return rng.randint(15, 90)
        return rng.randint(0, 25)


def _money(yuan: float) -> Decimal:
    return Decimal(round(yuan * 100)).scaleb(-2)


def _round_to(value: float, digits: int = 2) -> int:
    """Round to `digits` significant figures, the way people quote sizes."""
    if value <= 0:
        return 0
    magnitude = 10 ** (int(math.log10(value)) - digits + 1)
    return int(round(value / magnitude) * magnitude)


class _Builder:
    def __init__(self, context: DemoContext, rng: random.Random):
        self.context = context
        self.rng = rng
        # The stages draw from their own generator, so adding them left the rest unchanged.
        self.stage_rng = context.rng("stages")
        self.today = context.today
        self.tz = timezone.get_current_timezone()
        self.users = context.users
        self.tiers = _tiers()
        self.used_names: set[str] = set()
        self.order_number = 0
        self.manager_names = DEMO_MANAGERS + tuple(p.username for p in EXTRA_MANAGERS)

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def account(self, index: int, plan: Plan) -> tuple[Account, _Trading | None]:
        rng = self.rng
        revenue = _round_to(10**plan.log_revenue, 3)
        english = plan.region == Region.OVERSEAS or (
            plan.industry not in PUBLIC_INDUSTRIES and rng.random() < 0.1
        )
        is_listed = plan.industry not in PUBLIC_INDUSTRIES and rng.random() < (
            0.75 if revenue > 5e9 else 0.3 if revenue > 1e9 else 0.04
        )
        name, legal_name, website, business = self.names(plan, english, is_listed, revenue)
        staff = revenue / REVENUE_PER_EMPLOYEE[plan.industry] * rng.uniform(0.7, 1.4)
        employees = max(12 if business else 150, round(staff))
        capital = None if not business else _round_to(revenue * rng.uniform(0.04, 0.3))
        if revenue < 1e8 and rng.random() < 0.4:
            website = ""
        trading = self.trading(plan, revenue)
        if trading is None:
            created_day = self.today - timedelta(days=rng.randint(20, 540))
        else:
            created_day = max(
                trading.first_day - timedelta(days=rng.randint(0, 400)),
                self.today - timedelta(days=6 * 365),
            )
        headcount = _round_to(employees, 2)
        if english:
            description = f"{business} company, about {headcount:,} employees."
        else:
            line_of_business = f"主营{business}，" if business else ""
            region_word = REGION_WORDS.get(plan.region, "")
            description = (
                f"{region_word}{INDUSTRY_WORDS[plan.industry]}客户，{line_of_business}"
                f"员工约{headcount:,}人。"
            )
        account = Account(
            name=name,
            legal_name=legal_name,
            external_id=f"C{index + 1:06d}",
            industry=plan.industry,
            region=plan.region,
            category=plan.category,
            tier=self.tiers[plan.tier],
            owner=self.users[plan.owner] if plan.owner else None,
            employees=employees,
            annual_revenue=Decimal(revenue),
            registered_capital=None if capital is None else Decimal(capital),
            is_listed=is_listed,
            website=website,
            description=description,
            created_at=self.at(created_day),
            **stage_fields(self.stage_rng, plan.category),
        )
        return account, trading

    def names(self, plan: Plan, english: bool, is_listed: bool, revenue: float):
        for _ in range(8):
            names = self._names_once(plan, english, is_listed, revenue)
            if names[0] not in self.used_names:
                break
        self.used_names.add(names[0])
        return names

    def _names_once(self, plan, english, is_listed, revenue):
        rng = self.rng
        if english:
            brand = rng.choice(ENGLISH_BRANDS)
            business = rng.choice(BUSINESSES[plan.industry])[1]
            site = f"https://www.{brand.lower()}.com"
            if plan.region == Region.OVERSEAS:
                country, suffix = rng.choice(OVERSEAS_PLACES)
                legal = (
                    f"PT {brand} {business} {country}"
                    if suffix == "PT"
                    else (f"{brand} {business} {suffix}")
                )
                return f"{brand} {business} {country}", legal, site, business
            city = rng.choice(CITIES[plan.region])[1].title()
            return (
                f"{brand} {business} China",
                f"{brand} {business} ({city}) Co., Ltd.",
                f"{site}/cn",
                business,
            )
        city, city_web = rng.choice(CITIES[plan.region])
        if plan.industry == Industry.GOVERNMENT:
            bureau, web = rng.choice(BUREAUS)
            name = f"{city}{'' if city.endswith('市') else '市'}{bureau}"
            return name, name, f"https://{web}.{city_web}.gov.cn", ""
        if plan.industry == Industry.EDUCATION:
            school, web = rng.choice(SCHOOLS)
            name = f"{city}{school}"
            return name, name, f"https://www.{city_web}{web}.edu.cn", ""
        if plan.industry == Industry.HEALTHCARE and not is_listed and rng.random() < 0.4:
            hospital, web = rng.choice(HOSPITALS)
            name = f"{city}市{hospital}"
            return name, name, f"https://www.{city_web}{web}.com", ""
        brand, brand_web = rng.choice(BRANDS)
        business = rng.choice(BUSINESSES[plan.industry])[0]
        name = f"{city}{brand}{business}"
        group = "集团" if revenue > 1e10 else ""
        suffix = f"{group}股份有限公司" if is_listed else f"{group}有限公司"
        domain = rng.choice((".com", ".com.cn", ".cn"))
        return name, f"{name}{suffix}", f"https://www.{brand_web}{domain}", business

    def trading(self, plan: Plan, revenue: float) -> _Trading | None:
        if plan.category == Category.TARGET:
            return None
        rng = self.rng
        window_start = self.today - timedelta(days=TRADING_DAYS)
        first_day = window_start
        if plan.category != Category.KEY and rng.random() < 0.25:
            first_day += timedelta(days=rng.randint(30, 700))
        last_day = self.today
        if plan.category == Category.LOST:
            last_day -= timedelta(days=rng.randint(180, 540))
            first_day = min(first_day, last_day - timedelta(days=180))
        low, high = ORDERS_PER_3_YEARS[plan.tier]
        active_share = (last_day - first_day).days / TRADING_DAYS
        orders = max(2, round(rng.randint(low, high) * active_share))
        share_of_revenue = rng.lognormvariate(math.log(0.0025), 0.5)
        if plan.category == Category.KEY:
            share_of_revenue *= 2.5
        yearly_spend = revenue * share_of_revenue
        orders_per_year = orders / max(0.5, (last_day - first_day).days / 365)
        if plan.industry in PUBLIC_INDUSTRIES:
            payment_days = rng.choice((60, 90, 90))
        else:
            payment_days = rng.choice((30, 60, 60, 90))
        return _Trading(
            first_day=first_day,
            last_day=last_day,
            orders=orders,
            order_size=yearly_spend / orders_per_year,
            yearly_growth=rng.uniform(-0.25, -0.05)
            if plan.category == Category.LOST
            else rng.uniform(-0.1, 0.3),
            margin_rate=rng.uniform(0.14, 0.34),
            payment_days=payment_days,
            payer=pick(rng, {"punctual": 60, "late": 30, "slow": 10}),
            stops_paying=plan.category == Category.LOST and rng.random() < 0.3,
        )

    def order_days(self, trading: _Trading) -> list[date]:
        rng = self.rng
        span = (trading.last_day - trading.first_day).days
        days = []
        while len(days) < trading.orders:
            day = trading.first_day + timedelta(days=rng.randint(0, span))
            if rng.random() * 1.4 < MONTH_ORDER_WEIGHT[day.month]:
                days.append(day)
        days.sort()
        return days

    def transactions(self, account: Account, trading: _Trading) -> list[Transaction]:
        rng = self.rng
        rows = []
        days = self.order_days(trading)
        unpaid_from = len(days) - rng.randint(1, 3) if trading.stops_paying else len(days)
        for position, day in enumerate(days):
            years_in = (day - trading.first_day).days / 365
            size = (
                trading.order_size
                * (1 + trading.yearly_growth) ** years_in
                * MONTH_AMOUNT_FACTOR[day.month]
                * rng.lognormvariate(0, 0.45)
            )
            amount_yuan = max(500, round(size, -1 if size < 100_000 else -2))
            margin_rate = min(0.4, max(0.1, trading.margin_rate + rng.gauss(0, 0.04)))
            returned = 0.0
            roll = rng.random()
            if roll < 0.004:
                returned = amount_yuan
            elif roll < 0.04:
                returned = round(amount_yuan * rng.uniform(0.02, 0.3))
            due = day + timedelta(days=trading.payment_days)
            paid_on = due + timedelta(days=trading.days_late(rng))
            paid_on = max(paid_on, day)
            if paid_on > self.today or position >= unpaid_from or rng.random() < 0.003:
                paid_on = None
            self.order_number += 1
            rows.append(
                Transaction(
                    account=account,
                    date=day,
                    reference=f"SO{day:%y%m}-{self.order_number:07d}",
                    amount=_money(amount_yuan),
                    gross_margin=_money(amount_yuan * margin_rate),
                    returned_amount=_money(returned),
                    invoice_due=due,
                    paid_on=paid_on,
                    created_at=self.at(day),
                )
            )
        return rows

    def complaints(self, account: Account, plan: Plan, trading: _Trading) -> list[Complaint]:
        rng = self.rng
        expected = 0.3 + trading.orders / 25
        if plan.category == Category.LOST:
            expected *= 2
        span = (min(self.today, trading.last_day + timedelta(days=30)) - trading.first_day).days
        opened_days = [
            trading.first_day + timedelta(days=rng.randint(0, span))
            for _ in range(min(8, int(rng.expovariate(1 / expected))))
        ]
        # A few complaints still being worked on, so open ones are not all long overdue.
        if plan.category != Category.LOST and rng.random() < 0.06:
            opened_days.append(self.today - timedelta(days=rng.randint(0, 20)))
        english = account.name.isascii()
        rows = []
        for opened in opened_days:
            category = pick(rng, COMPLAINT_CATEGORY_WEIGHTS)
            severity = pick(rng, SEVERITY_WEIGHTS)
            title_zh, title_en = rng.choice(COMPLAINT_TEXTS[category])
            due = opened + timedelta(days=SEVERITY_DAYS[severity])
            age = (self.today - opened).days
            resolved = rng.random() < (0.97 if age > 120 else 0.8 if age > 30 else 0.3)
            complaint = Complaint(
                account=account,
                title=title_en if english else title_zh,
                description=(
                    f"Customer reported: {title_en.lower()}."
                    if english
                    else f"客户反馈：{title_zh}，要求尽快处理。"
                ),
                category=category,
                severity=severity,
                opened_on=opened,
                owner=account.owner,
                due_on=due,
                status=ComplaintStatus.OPEN,
            )
            if resolved:
                days_taken = rng.randint(1, SEVERITY_DAYS[severity] * 2)
                complaint.status = ComplaintStatus.RESOLVED
                complaint.resolved_on = min(self.today, opened + timedelta(days=days_taken))
                complaint.resolution = RESOLUTIONS[category][1 if english else 0]
                if rng.random() < 0.3:
                    complaint.conflict_mode = rng.choice(ConflictMode.values)
            elif rng.random() < 0.5:
                complaint.status = ComplaintStatus.IN_PROGRESS
            rows.append(complaint)
        return rows

    def team(self, account: Account, plan: Plan) -> list[AccountTeamMember]:
        rng = self.rng
        wanted = list(plan.demo_team)
        if plan.category == Category.KEY:
            if rng.random() < 0.4:
                wanted.append(("director", TeamRole.EXECUTIVE_SPONSOR))
            for username in rng.sample(self.manager_names, rng.randint(1, 2)):
                wanted.append((username, TeamRole.MEMBER))
        elif account.owner_id and rng.random() < 0.08:
            wanted.append((rng.choice(self.manager_names), TeamRole.MEMBER))
        joined_after = account.created_at.date()
        span = max(0, (self.today - joined_after).days)
        members, seen = [], {plan.owner}
        for username, role in wanted:
            if username in seen:
                continue
            seen.add(username)
            members.append(
                AccountTeamMember(
                    account=account,
                    user=self.users[username],
                    role=role,
                    joined_on=joined_after + timedelta(days=rng.randint(0, span)),
                )
            )
        return members


def _tiers() -> dict[str, Tier]:
    defaults = {
        "platinum": ("Platinum", "铂金客户", 1),
        "gold": ("Gold", "黄金客户", 2),
        "iron": ("Iron", "铁客户", 3),
        "lead": ("Lead", "铅客户", 4),
    }
    return {
        code: Tier.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh_hans": name_zh, "rank": rank}
        )[0]
        for code, (name, name_zh, rank) in defaults.items()
    }


def create_accounts(context: DemoContext) -> dict[str, int]:
    """Accounts with their teams, transactions and complaints. Needs create_demo_users first."""
    rng = context.rng("accounts")
    plans = plan_portfolio(rng, context.account_count)
    builder = _Builder(context, rng)
    counts = dict.fromkeys(("accounts", "team members", "transactions", "complaints"), 0)
    for start in range(0, len(plans), ACCOUNT_BATCH):
        batch = plans[start : start + ACCOUNT_BATCH]
        built = [builder.account(start + offset, plan) for offset, plan in enumerate(batch)]
        accounts = insert(Account, [account for account, _ in built])
        members, complaints, orders = [], [], []
        for account, plan, (_, trading) in zip(accounts, batch, built, strict=True):
            members += builder.team(account, plan)
            if trading is not None:
                orders += builder.transactions(account, trading)
                complaints += builder.complaints(account, plan, trading)
            if len(orders) >= INSERT_BATCH:
                insert(Transaction, orders)
                counts["transactions"] += len(orders)
                orders = []
        insert(Transaction, orders)
        insert(AccountTeamMember, members)
        insert(Complaint, complaints)
        record_demo_history(builder, accounts, batch, members, complaints)
        counts["accounts"] += len(accounts)
        counts["team members"] += len(members)
        counts["transactions"] += len(orders)
        counts["complaints"] += len(complaints)
        context.progress(f"{counts['accounts']:,} of {len(plans):,} accounts")
        # With DEBUG on, Django keeps the SQL of the last 9,000 queries: bulk inserts add up.
        reset_queries()
    return counts
