"""Builds the account assessments and value scorecards, a batch of accounts at a time. See
scoring/demo/__init__.py.

Each account's scores start from what the records say about it: its size, its margin and how much
it buys from us drive attractiveness, its relationship stage drives our advantage. The quadrant is
decided first — key accounts in the key quadrant, a few exceptions chosen across the whole
portfolio — and the criterion values are drawn around an index inside that quadrant, so the matrix
agrees with the categories except where the demo means it not to."""

import math
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import reset_queries
from django.db.models import Sum
from django.utils import timezone

from accounts.demo.context import ACCOUNT_BATCH, DemoContext
from accounts.demo.loading import insert
from accounts.models import Account, Category, RelationshipStage, Transaction, User
from scoring import engine
from scoring.assessments.services import accounts_assess
from scoring.demo import words
from scoring.demo.picks import Picks, pick_portfolio
from scoring.models import CriteriaSet, ValueScorecard

ACCOUNT_FIELDS = (
    "id",
    "name",
    "category",
    "owner_id",
    "annual_revenue",
    "relationship_stage",
    "tier__visit_cadence_days",
)
WALLET_SHARE = 0.04
SCORECARD_CHANCE = {Category.KEY: 0.9, Category.TARGET: 0.7}
# "Don't know" answers: a team knows its key accounts best and its targets least.
UNSCORED_CHANCE = {
    Category.KEY: 0.03,
    Category.NORMAL: 0.05,
    Category.TARGET: 0.08,
    Category.LOST: 0.06,
}
STAGE_STRENGTH = {
    RelationshipStage.PRE_KAM: 0.15,
    RelationshipStage.EARLY: 0.35,
    RelationshipStage.MID: 0.55,
    RelationshipStage.PARTNERSHIP: 0.75,
    RelationshipStage.SYNERGISTIC: 0.9,
    RelationshipStage.UNCOUPLING: 0.25,
}
# Each owner scores their portfolio in a few sittings over the last months.
REVIEW_DAYS_BACK = (12, 45, 88)
# Older assessments of the history accounts: days back, oldest first.
HISTORY_DAYS_BACK = (330, 215, 125)


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, value))


def _significant(value: float, digits: int = 3) -> Decimal:
    """Round to a few significant figures, the way people set targets."""
    if value <= 0:
        return Decimal(0)
    magnitude = 10 ** (int(math.log10(value)) - digits + 1)
    return Decimal(int(round(value / magnitude) * magnitude))


class Builder:
    def __init__(self, context: DemoContext, criteria_set: CriteriaSet, picks: Picks):
        self.context = context
        self.rng = context.rng("scoring")
        self.today = context.today
        self.tz = timezone.get_current_timezone()
        self.criteria_set = criteria_set
        self.picks = picks
        criteria = list(criteria_set.criteria.all())
        self.specs = {
            dimension: [c.spec for c in criteria if c.dimension == dimension]
            for dimension in engine.DIMENSIONS
        }
        self.thresholds = {
            engine.ATTRACTIVENESS: float(criteria_set.attractiveness_threshold),
            engine.ADVANTAGE: float(criteria_set.advantage_threshold),
        }
        self.owners: dict[int | None, User | None] = {None: None}
        self.sittings: dict[int | None, list[datetime]] = {}

    # When and by whom ----------------------------------------------------------------------

    def owner(self, owner_id: int | None) -> User | None:
        if owner_id not in self.owners:
            self.owners[owner_id] = User.objects.get(pk=owner_id)
        return self.owners[owner_id]

    def _owner_rng(self, owner_id: int | None, what: str) -> random.Random:
        # By username, not id: ids differ between runs, the data must not.
        user = self.owner(owner_id)
        return random.Random(f"{self.context.seed}:scoring:{what}:{user.username if user else ''}")

    def sitting(self, owner_id: int | None, choice: int) -> datetime:
        """One of the owner's scoring sittings (the same moment for every account scored then)."""
        if owner_id not in self.sittings:
            rng = self._owner_rng(owner_id, "sittings")
            self.sittings[owner_id] = [
                self.at(self.today - timedelta(days=back + rng.randint(-6, 6)), rng)
                for back in REVIEW_DAYS_BACK
            ]
        return self.sittings[owner_id][choice]

    def history_sitting(self, owner_id: int | None, round_number: int) -> datetime:
        rng = self._owner_rng(owner_id, f"history{round_number}")
        back = HISTORY_DAYS_BACK[round_number] + rng.randint(-10, 10)
        return self.at(self.today - timedelta(days=back), rng)

    def at(self, day: date, rng: random.Random) -> datetime:
        # Weekends move to the Monday after.
        day += timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
        return datetime.combine(day, time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), self.tz)

    # Scores --------------------------------------------------------------------------------

    def quadrant_of(self, account: dict, attractiveness: float, advantage: float) -> str:
        account_id, rng = account["id"], self.rng
        if account_id in self.picks.key_misses:
            return self.picks.key_misses[account_id]
        if account_id in self.picks.promoted or account["category"] == Category.KEY:
            return engine.KEY
        high_attractiveness = attractiveness + rng.gauss(0, 0.1) >= 0.5
        # We have no edge yet with a target, and lost the one we had with a lost account.
        high_advantage = (
            account["category"] == Category.NORMAL and advantage + rng.gauss(0, 0.15) >= 0.5
        )
        if high_attractiveness and high_advantage:
            if attractiveness < 0.65 and rng.random() < 0.6:
                return engine.MAINTAIN
            return engine.DEVELOP
        if high_attractiveness:
            return engine.DEVELOP
        return engine.MAINTAIN if high_advantage else engine.OPPORTUNISTIC

    def target_index(self, dimension: str, high: bool, strength: float) -> float:
        """An index inside the intended half of the matrix, higher for a stronger account."""
        threshold = self.thresholds[dimension]
        spread = self.rng.gauss(0, 0.06)
        if high:
            index = threshold + (100 - threshold) * (0.12 + 0.7 * strength + spread)
            return _clamp(index, threshold + 4, 97)
        return _clamp(threshold * (0.35 + 0.55 * strength + spread), 5, threshold - 4)

    def dimension_values(
        self,
        dimension: str,
        index: float,
        high: bool,
        ties: dict[str, float],
        unscored_chance: float,
    ) -> dict[str, int | None]:
        rng = self.rng
        specs = self.specs[dimension]
        values: dict[str, int | None] = {}
        for spec in specs:
            if rng.random() < unscored_chance:
                values[spec.code] = None
                continue
            share = index / 100
            if spec.code in ties:
                share = 0.55 * share + 0.45 * ties[spec.code]
            share = _clamp(share + rng.gauss(0, 0.13))
            span = spec.scale_max - spec.scale_min
            step = round(share * span)
            values[spec.code] = spec.scale_min + (step if spec.weight >= 0 else span - step)
        if specs and all(value is None for value in values.values()):
            spec = specs[0]
            values[spec.code] = spec.scale_min + round((spec.scale_max - spec.scale_min) / 2)
        # Draws near the threshold can fall on the wrong side: move every answer one step until
        # the index lands in the intended half.
        for _ in range(12):
            result, _parts = engine.dimension_index(specs, values)
            if result is None or (result >= Decimal(self.thresholds[dimension])) == high:
                break
            for spec in specs:
                value = values[spec.code]
                if value is not None:
                    up = (spec.weight >= 0) == high
                    value += 1 if up else -1
                    values[spec.code] = min(spec.scale_max, max(spec.scale_min, value))
        return values

    def account_values(self, account: dict, trading: dict | None) -> dict[str, int | None]:
        """The criterion values of an account, drawn around indices inside its quadrant."""
        revenue = float(account["annual_revenue"] or 10**7)
        size = _clamp((math.log10(revenue) - 7) / 4.3)
        if trading and trading["revenue"] > 0:
            volume = _clamp((math.log10(float(trading["revenue"])) - 4.5) / 4)
            profit = _clamp((float(trading["margin"] / trading["revenue"]) - 0.12) / 0.24)
            attractiveness = 0.5 * size + 0.25 * volume + 0.25 * profit
        else:
            volume, profit = 0.0, 0.4
            attractiveness = 0.8 * size + 0.1
        stage = STAGE_STRENGTH.get(account["relationship_stage"], 0.2)
        if account["category"] == Category.LOST:
            stage = 0.1
        advantage = _clamp(stage + self.rng.gauss(0, 0.08))
        quadrant = self.quadrant_of(account, attractiveness, advantage)
        high_a = quadrant in (engine.KEY, engine.DEVELOP)
        high_b = quadrant in (engine.KEY, engine.MAINTAIN)
        unscored = UNSCORED_CHANCE.get(account["category"], 0.05)
        values = self.dimension_values(
            engine.ATTRACTIVENESS,
            self.target_index(engine.ATTRACTIVENESS, high_a, attractiveness),
            high_a,
            {
                "market_leadership": size,
                "reputation": size,
                "purchase_volume": volume,
                "profitability": profit,
                "existing_relationships": stage,
            },
            unscored,
        )
        values |= self.dimension_values(
            engine.ADVANTAGE,
            self.target_index(engine.ADVANTAGE, high_b, advantage),
            high_b,
            {"relationship": stage, "trust": stage, "switching_barriers": stage},
            unscored,
        )
        return values

    def older_values(self, values: dict, rounds_back: int) -> dict:
        """An earlier assessment: the relationship (our advantage) was weaker then, and the
        team's view of the customer a little different."""
        rng = self.rng
        older = {}
        for dimension, specs in self.specs.items():
            for spec in specs:
                value = values.get(spec.code)
                if value is None:
                    older[spec.code] = None if rng.random() < 0.5 else spec.scale_min + 5
                    continue
                drift = rng.choice((-1, 0, 0, 1))
                if dimension == engine.ADVANTAGE:
                    drift -= rounds_back if spec.weight >= 0 else -rounds_back
                older[spec.code] = min(spec.scale_max, max(spec.scale_min, value + drift))
        return older

    # Scorecards ----------------------------------------------------------------------------

    def scorecard(self, account: dict, trading: dict | None, values: dict):
        rng = self.rng
        account_id, category = account["id"], account["category"]
        vip = account_id in self.picks.vips
        wanted = vip or account_id in self.picks.always_scorecard
        if not wanted and rng.random() >= SCORECARD_CHANCE.get(category, 0):
            return None
        revenue_12 = float(trading["revenue"]) if trading else 0.0
        margin_12 = float(trading["margin"]) if trading else 0.0
        size = float(account["annual_revenue"] or 10**7)
        # Y from the customer's size; X from our share of what it could buy from anyone
        # (assumed WALLET_SHARE of its own revenue).
        capacity = 1 + sum(size >= bound for bound in (1e8, 1e9, 5e9))
        capacity = min(4, max(1, capacity + rng.choice((-1, 0, 0, 0, 1))))
        wallet = revenue_12 / (size * WALLET_SHARE)
        purchases = 0 if revenue_12 <= 0 else 1 + sum(wallet >= b for b in (0.15, 0.4, 0.7))
        purchases = min(capacity, purchases) if rng.random() < 0.9 else min(4, purchases + 1)
        chinese = not account["name"].isascii()
        key = category == Category.KEY
        if revenue_12 > 0:
            revenue_target = _significant(revenue_12 * rng.uniform(0.82, 1.3))
            rate = margin_12 * 100 / revenue_12
            margin_target = Decimal(round((rate + rng.uniform(-3, 3)) * 2) / 2)
        else:
            revenue_target = _significant(10 ** rng.uniform(5.2, 6.6))
            margin_target = Decimal(rng.choice((20, 22, 25, 28)))
        cadence = account["tier__visit_cadence_days"] or 30
        return ValueScorecard(
            account_id=account_id,
            current_purchases=purchases,
            purchase_capacity=capacity,
            growth_potential=self._zero_to_four(values.get("growth_potential")),
            strategic_value=self._zero_to_four(values.get("strategic_fit")),
            potential_class=engine.potential_class(purchases, capacity) or "",
            is_vip=vip,
            vip_reason=rng.choice(words.VIP_REASONS)[1 if chinese else 0] if vip else "",
            expected_years=rng.randint(5, 15) if key else rng.randint(3, 10),
            revenue_target=revenue_target,
            margin_rate_target=min(Decimal(60), max(Decimal(5), margin_target)),
            on_time_delivery_target=Decimal(rng.choice((95, 98))) if key else None,
            on_time_delivery_actual=(
                Decimal(str(round(rng.uniform(86, 100), 1))) if key and revenue_12 else None
            ),
            complaints_on_time_target=Decimal(90) if key else None,
            satisfaction_target=Decimal(rng.choice((80, 85))),
            satisfaction_actual=(
                Decimal(str(round(rng.uniform(62, 96), 1))) if key and revenue_12 else None
            ),
            share_of_wallet_target=(
                Decimal(min(90, round(100 * purchases / capacity + rng.uniform(10, 25))))
                if capacity
                else None
            ),
            visits_target=min(26, max(4, 365 // cadence)) if key else rng.randint(3, 6),
            pipeline_target=_significant(float(revenue_target) * rng.uniform(0.3, 0.6)),
            updated_by_id=account["owner_id"],
            updated_at=self.at(self.today - timedelta(days=rng.randint(3, 80)), rng),
        )

    @staticmethod
    def _zero_to_four(value: int | None) -> int | None:
        """A 0–10 criterion answer on the scorecard's 0–4 scale."""
        return None if value is None else min(4, max(0, round(value * 4 / 10)))


def create_assessments(context: DemoContext, criteria_set: CriteriaSet) -> dict[str, int]:
    picks = pick_portfolio(context.rng("scoring picks"), context)
    builder = Builder(context, criteria_set, picks)
    counts = {"assessments": 0, "criterion scores": 0, "scorecards": 0}
    total = Account.objects.count()
    done, last_id = 0, 0
    while True:
        accounts = list(
            Account.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values(*ACCOUNT_FIELDS)[:ACCOUNT_BATCH]
        )
        if not accounts:
            break
        last_id = accounts[-1]["id"]
        _build_batch(builder, accounts, counts)
        done += len(accounts)
        context.progress(f"{done:,} of {total:,} accounts' scores and scorecards")
        reset_queries()
    counts["criterion scores"] = counts["assessments"] * sum(map(len, builder.specs.values()))
    return counts


def _build_batch(builder: Builder, accounts: list[dict], counts: dict) -> None:
    since = builder.today - timedelta(days=365)
    trading = {
        row["account_id"]: row
        for row in Transaction.objects.filter(
            account_id__in=[account["id"] for account in accounts],
            date__gt=since,
            date__lte=builder.today,
        )
        .values("account_id")
        .annotate(revenue=Sum("amount"), margin=Sum("gross_margin"))
        .order_by()
    }
    # (owner, sitting) → values by account; history rounds first, oldest first.
    rounds: dict[tuple, dict[int, dict]] = defaultdict(dict)
    current: dict[tuple, dict[int, dict]] = defaultdict(dict)
    scorecards = []
    for account in accounts:
        account_id, owner_id = account["id"], account["owner_id"]
        values = builder.account_values(account, trading.get(account_id))
        sitting = builder.sitting(owner_id, builder.rng.randrange(len(REVIEW_DAYS_BACK)))
        current[(owner_id, sitting)][account_id] = values
        for back in range(builder.picks.history.get(account_id, 0), 0, -1):
            number = len(HISTORY_DAYS_BACK) - back
            rounds[(number, owner_id)][account_id] = builder.older_values(values, back)
        card = builder.scorecard(account, trading.get(account_id), values)
        if card is not None:
            scorecards.append(card)
    for number, owner_id in sorted(rounds, key=lambda key: (key[0], key[1] or 0)):
        counts["assessments"] += accounts_assess(
            criteria_set=builder.criteria_set,
            values_by_account=rounds[(number, owner_id)],
            scored_by=builder.owner(owner_id),
            scored_at=builder.history_sitting(owner_id, number),
            insert=insert,
        )
    for owner_id, sitting in sorted(current, key=lambda key: (key[1], key[0] or 0)):
        counts["assessments"] += accounts_assess(
            criteria_set=builder.criteria_set,
            values_by_account=current[(owner_id, sitting)],
            scored_by=builder.owner(owner_id),
            scored_at=sitting,
            insert=insert,
        )
    insert(ValueScorecard, scorecards)
    counts["scorecards"] += len(scorecards)
