"""The portfolio plan: what must be decided across all accounts before any is built (industry,
region, size, tier, category, owner)."""

import math
import random
from dataclasses import dataclass, field

from accounts.demo.people import DEMO_MANAGERS, EXTRA_MANAGERS
from accounts.demo.words import (
    INDUSTRY_SIZE,
    INDUSTRY_WEIGHTS,
    PUBLIC_INDUSTRIES,
    REGION_WEIGHTS,
    TIER_SHARES,
)
from accounts.models import Category, Region, TeamRole


@dataclass(slots=True)
class Plan:
    industry: str
    region: str
    log_revenue: float
    tier: str = "lead"
    category: str = Category.NORMAL
    owner: str | None = None
    demo_team: list[tuple[str, str]] = field(default_factory=list)


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_portfolio(rng: random.Random, count: int) -> list[Plan]:
    company_industries = {k: w for k, w in INDUSTRY_WEIGHTS.items() if k not in PUBLIC_INDUSTRIES}
    plans = []
    for _ in range(count):
        region = pick(rng, REGION_WEIGHTS)
        industry = pick(rng, company_industries if region == Region.OVERSEAS else INDUSTRY_WEIGHTS)
        log_revenue = min(11.3, max(7.0, rng.gauss(8.6 + INDUSTRY_SIZE[industry], 0.65)))
        plans.append(Plan(industry, region, log_revenue))

    by_revenue = sorted(range(count), key=lambda i: -plans[i].log_revenue)
    for rank, i in enumerate(by_revenue):
        plans[i].tier = next(code for code, share in TIER_SHARES if rank < share * count)

    # Weighted sampling without replacement: mostly the biggest customers become key accounts.
    def key_weight(rank):
        return 20 if rank < 0.2 * count else 2 if rank < 0.5 * count else 0.3

    key_order = sorted(range(count), key=lambda rank: -(rng.random() ** (1 / key_weight(rank))))
    key_count = max(1, round(count * 0.10))
    for rank in key_order[:key_count]:
        plans[by_revenue[rank]].category = Category.KEY
    others = [i for i in range(count) if plans[i].category != Category.KEY]
    rng.shuffle(others)
    target_count, lost_count = round(count * 0.2), round(count * 0.1)
    for i in others[:target_count]:
        plans[i].category = Category.TARGET
    for i in others[target_count : target_count + lost_count]:
        plans[i].category = Category.LOST

    _assign_owners(rng, plans, key_count)
    return plans


def _assign_owners(rng: random.Random, plans: list[Plan], key_count: int) -> None:
    unowned_chance = {Category.TARGET: 0.15, Category.LOST: 0.3}
    owned = [
        i for i, plan in enumerate(plans) if rng.random() >= unowned_chance.get(plan.category, 0)
    ]
    first_quota = min(len(owned), max(2, round(len(plans) * 0.055)))
    second_quota = min(len(owned) - first_quota, max(2, round(len(plans) * 0.045)))
    extra_names = [person.username for person in EXTRA_MANAGERS]
    extra_load = [rng.uniform(0.6, 1.4) for _ in extra_names]
    slots = ["manager"] * first_quota + ["manager2"] * second_quota
    slots += rng.choices(extra_names, weights=extra_load, k=len(owned) - len(slots))
    rng.shuffle(slots)
    for i, username in zip(owned, slots, strict=True):
        plans[i].owner = username

    first_keys = min(5, math.ceil(key_count * 0.4), first_quota)
    _give_key_accounts(plans, owned, "manager", first_keys)
    _give_key_accounts(plans, owned, "manager2", min(4, key_count - first_keys, second_quota))
    _give_lost_accounts(plans, owned, "manager", 2)

    # Shared accounts, so each demo manager sees one the other owns.
    first_accounts = [i for i in owned if plans[i].owner == "manager"]
    second_accounts = [i for i in owned if plans[i].owner == "manager2"]
    first_accounts.sort(key=lambda i: plans[i].category != Category.KEY)
    second_accounts.sort(key=lambda i: plans[i].category != Category.KEY)
    if first_accounts:
        plans[first_accounts[0]].demo_team += [
            ("manager2", TeamRole.MEMBER),
            ("director", TeamRole.EXECUTIVE_SPONSOR),
        ]
    if second_accounts:
        plans[second_accounts[0]].demo_team.append(("manager", TeamRole.MEMBER))


def _give_key_accounts(plans, owned, username, wanted) -> None:
    """Swap owners until `username` owns `wanted` key accounts, keeping everyone's account count."""
    has = sum(1 for i in owned if plans[i].owner == username and plans[i].category == Category.KEY)
    donors = [
        i
        for i in owned
        if plans[i].category == Category.KEY and plans[i].owner not in DEMO_MANAGERS
    ]
    spares = [i for i in owned if plans[i].owner == username and plans[i].category != Category.KEY]
    for donor, spare in zip(donors[: max(0, wanted - has)], spares, strict=False):
        plans[spare].owner, plans[donor].owner = plans[donor].owner, username


def _give_lost_accounts(plans, owned, username, wanted) -> None:
    """Swap owners until `username` owns `wanted` lost accounts (planning's demo records why)."""
    lost, key = Category.LOST, Category.KEY
    has = sum(1 for i in owned if plans[i].owner == username and plans[i].category == lost)
    donors = [i for i in owned if plans[i].category == lost and plans[i].owner not in DEMO_MANAGERS]
    spares = [
        i for i in owned if plans[i].owner == username and plans[i].category not in (key, lost)
    ]
    for donor, spare in zip(donors[: max(0, wanted - has)], spares, strict=False):
        plans[spare].owner, plans[donor].owner = plans[donor].owner, username
