"""What the scoring demo decides across the whole portfolio before any batch is built: which key
accounts fall outside the key quadrant, which other accounts fall inside it, the VIPs, and the
demo managers' accounts with a history of assessments. See scoring/demo/build.py."""

import math
import random
from dataclasses import dataclass, field

from accounts.demo.context import DemoContext
from accounts.models import Account, Category, RelationshipStage
from scoring import engine

KEY_MISS_SHARE = 0.05  # key accounts outside the key quadrant
PROMOTED_SHARE = 0.03  # other accounts inside it
VIP_SHARE = 0.05  # of key and target accounts
MISS_QUADRANTS = {engine.DEVELOP: 50, engine.MAINTAIN: 35, engine.OPPORTUNISTIC: 15}
HISTORY_ACCOUNTS = {"manager": 2, "manager2": 1}


@dataclass
class Picks:
    """What is decided across the whole portfolio before any batch is built."""

    key_misses: dict[int, str] = field(default_factory=dict)  # key account → its quadrant
    promoted: set[int] = field(default_factory=set)  # other accounts in the key quadrant
    vips: set[int] = field(default_factory=set)
    history: dict[int, int] = field(default_factory=dict)  # account → older assessments
    always_scorecard: set[int] = field(default_factory=set)


def _weighted_sample(rng: random.Random, items: list, weights: list[float], count: int) -> list:
    """`count` items without replacement, heavier ones likelier (Efraimidis–Spirakis keys)."""
    keyed = sorted(
        zip(items, weights, strict=True), key=lambda pair: -(rng.random() ** (1 / pair[1]))
    )
    return [item for item, _ in keyed[:count]]


def pick_portfolio(rng: random.Random, context: DemoContext) -> Picks:
    picks = Picks()
    demo_ids = {
        context.users[name].pk: name for name in ("manager", "manager2") if name in context.users
    }
    keys = list(
        Account.objects.filter(category=Category.KEY)
        .order_by("pk")
        .values_list("id", "owner_id", "relationship_stage")
    )
    others = list(
        Account.objects.exclude(category=Category.KEY)
        .order_by("pk")
        .values_list("id", "owner_id", "category", "annual_revenue")
    )

    # A key account whose relationship is coming apart is the likeliest to have slipped.
    weights = [6.0 if stage == RelationshipStage.UNCOUPLING else 1.0 for _, _, stage in keys]
    missing = _weighted_sample(
        rng, keys, weights, max(1, round(len(keys) * KEY_MISS_SHARE)) if keys else 0
    )
    manager = next((pk for pk, name in demo_ids.items() if name == "manager"), None)
    mine = [row for row in keys if row[1] == manager]
    # The demo manager sees one of their own key accounts on the exceptions list.
    if len(mine) >= 2 and not any(row[1] == manager for row in missing):
        missing[-1] = mine[-1]
    for account_id, _, stage in missing:
        picks.key_misses[account_id] = (
            engine.DEVELOP
            if stage == RelationshipStage.UNCOUPLING
            else rng.choices(list(MISS_QUADRANTS), weights=list(MISS_QUADRANTS.values()))[0]
        )

    # Big customers not yet key accounts are the ones that score like key accounts.
    candidates = [row for row in others if row[2] in (Category.NORMAL, Category.TARGET)]
    sizes = [max(0.5, math.log10(float(row[3] or 10**7)) - 6) for row in candidates]
    promoted = _weighted_sample(
        rng, candidates, sizes, min(len(candidates), max(1, round(len(others) * PROMOTED_SHARE)))
    )
    own = [row for row in candidates if row[1] == manager]
    if own and not any(row[1] == manager for row in promoted) and promoted:
        promoted[-1] = max(own, key=lambda row: row[3] or 0)
    picks.promoted = {row[0] for row in promoted}

    eligible = [row[0] for row in keys] + [row[0] for row in others if row[2] == Category.TARGET]
    vip_weights = [3.0] * len(keys) + [1.0] * (len(eligible) - len(keys))
    vip_count = max(1, round(len(eligible) * VIP_SHARE)) if eligible else 0
    picks.vips = set(_weighted_sample(rng, eligible, vip_weights, vip_count))

    for pk, name in demo_ids.items():
        theirs = [row[0] for row in keys if row[1] == pk]
        picks.always_scorecard.update(theirs)
        for account_id in theirs[: HISTORY_ACCOUNTS[name]]:
            picks.history[account_id] = rng.choice((2, 3))
    return picks
