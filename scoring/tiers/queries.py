"""Read side of the tier rules: the policy and the rules, how many accounts sit in each tier,
and where the rules would put every account (the preview, and the apply service's input).

Each account's value over the last 12 months, and its position in the portfolio by that value,
come from one query for all accounts (a grouped join and a window function); scoring.engine
then assigns the tiers row by row in Python."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Window
from django.db.models.functions import Rank

from accounts.models import Account, Tier
from accounts.queries import recent_sum, with_recent_trading
from scoring import engine
from scoring.models import TierBasis, TierMethod, TierPolicy, TierRule

MOVES_SHOWN = 50


def tier_policy() -> TierPolicy:
    """The policy row (pk 1), or the defaults if it is missing (never written from a read)."""
    return TierPolicy.objects.select_related("updated_by").filter(pk=1).first() or TierPolicy(pk=1)


def policy_version(policy: TierPolicy) -> int:
    """The version a page showing the policy and its rules is loaded at (0: none is stored)."""
    return 0 if policy._state.adding else policy.row_version


def tiers_with_rules() -> list[Tier]:
    """Every tier, most valuable first, with its rule (None when it has none yet)."""
    tiers = list(Tier.objects.order_by("rank"))
    rules = {rule.tier_id: rule for rule in TierRule.objects.all()}
    for tier in tiers:
        tier.tier_rule = rules.get(tier.pk)
    return tiers


def bands(tiers: list[Tier]) -> list[engine.TierBand]:
    """One band per tier; a tier without a rule only takes what the tiers above leave."""
    return [
        engine.TierBand(
            tier.pk,
            tier.rank,
            tier.tier_rule.min_value if tier.tier_rule else None,
            tier.tier_rule.top_percent if tier.tier_rule else None,
        )
        for tier in tiers
    ]


def tier_counts(accounts) -> dict[int | None, int]:
    """Accounts per tier id (None: no tier yet), among the given accounts: one grouped query."""
    rows = accounts.order_by().values("tier_id").annotate(n=Count("pk"))
    return {row["tier_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class AccountValue:
    pk: int
    name: str
    tier_id: int | None
    value: object  # Decimal, 0 without transactions
    position: int  # 1 = the largest value; equal values share a position


def account_values(basis: str, *, today: date | None = None, accounts=None) -> list[AccountValue]:
    """Every account's revenue or margin over the last 12 months and its position by value,
    in one query."""
    column = "gross_margin" if basis == TierBasis.MARGIN else "amount"
    queryset = accounts if accounts is not None else Account.objects.all()
    rows = (
        with_recent_trading(queryset, today=today)
        .annotate(tier_value=recent_sum(column))
        .annotate(position=Window(Rank(), order_by=F("tier_value").desc()))
        .order_by("position", "name", "pk")
        .values_list("pk", "name", "tier_id", "tier_value", "position")
    )
    return [AccountValue(*row) for row in rows]


@dataclass(frozen=True)
class Move:
    account_id: int
    name: str
    old_tier: Tier | None
    new_tier: Tier | None
    value: object

    @property
    def is_new(self) -> bool:
        """The account had no tier before: placed, neither up nor down."""
        return self.old_tier is None

    @property
    def is_up(self) -> bool:
        if self.new_tier is None or self.old_tier is None:
            return False
        return self.new_tier.rank < self.old_tier.rank

    @property
    def direction(self) -> str:
        return "new" if self.is_new else "up" if self.is_up else "down"


@dataclass
class Assignment:
    """Where the rules put every account: counts now and after, and the accounts that move."""

    tiers: list[Tier]
    accounts: int = 0
    now: dict = field(default_factory=dict)  # tier id (None: no tier) → accounts
    after: dict = field(default_factory=dict)
    changes: list[tuple[int, int | None]] = field(default_factory=list)  # (account id, new tier)
    moves: list[Move] = field(default_factory=list)  # the first MOVES_SHOWN, largest value first
    up: int = 0
    down: int = 0
    placed: int = 0  # had no tier before

    @property
    def changed(self) -> int:
        return len(self.changes)

    def rows(self) -> list[dict]:
        rows = [
            {"tier": tier, "now": self.now.get(tier.pk, 0), "after": self.after.get(tier.pk, 0)}
            for tier in self.tiers
        ]
        for row in rows:
            row["delta"] = row["after"] - row["now"]
        return rows

    @property
    def untiered_now(self) -> int:
        return self.now.get(None, 0)


def assign(
    policy: TierPolicy, tiers: list[Tier], *, today: date | None = None, accounts=None
) -> Assignment:
    """Run the rules over every account (nothing is saved)."""
    tier_bands = bands(tiers)
    by_id = {tier.pk: tier for tier in tiers}
    values = account_values(policy.basis, today=today, accounts=accounts)
    result = Assignment(tiers=tiers, accounts=len(values))
    for row in values:
        share = engine.top_share(row.position, len(values))
        new = engine.assign_tier(row.value, share, tier_bands, policy.method)
        result.now[row.tier_id] = result.now.get(row.tier_id, 0) + 1
        result.after[new] = result.after.get(new, 0) + 1
        if new == row.tier_id:
            continue
        result.changes.append((row.pk, new))
        move = Move(row.pk, row.name, by_id.get(row.tier_id), by_id.get(new), row.value)
        if move.is_new:
            result.placed += 1
        elif move.is_up:
            result.up += 1
        else:
            result.down += 1
        if len(result.moves) < MOVES_SHOWN:
            result.moves.append(move)
    return result


def rules_changed_since_applied(policy: TierPolicy) -> bool:
    if policy.last_applied_at is None:
        return True
    return policy.updated_at > policy.last_applied_at


def rule_tiers(accounts: dict[int, int | None]) -> dict[int, tuple[int, object]]:
    """Where the tier rules would put each of `accounts` (key → account pk, None for an account
    not created yet: it has no sales, so no value), as key → (tier id, value). Empty while no
    tier has a rule. Two or three queries; with portfolio percentiles the position needs every
    account's value (one grouped query)."""
    tiers = tiers_with_rules()
    if not any(tier.tier_rule for tier in tiers):
        return {}
    policy = tier_policy()
    known = {pk for pk in accounts.values() if pk is not None}
    if policy.method == TierMethod.PERCENTILE:
        values = account_values(policy.basis)
    elif known:
        values = account_values(policy.basis, accounts=Account.objects.filter(pk__in=known))
    else:
        values = []
    portfolio = len(values) if policy.method == TierMethod.PERCENTILE else None
    by_pk = {row.pk: row for row in values}
    tier_bands = bands(tiers)
    given = {}
    for key, pk in accounts.items():
        row = by_pk.get(pk)
        value = row.value if row is not None else Decimal(0)
        share = engine.top_share(row.position, portfolio) if row is not None and portfolio else None
        given[key] = (engine.assign_tier(value, share, tier_bands, policy.method), value)
    return given
