"""Where each demo account stands on the Millman-Wilson ladder, how it got there (a StageChange
history that ends at the account's stage) and the latest run of the assessment checklist."""

import random
from datetime import date, datetime, time, timedelta
from math import ceil

from accounts.demo.portfolio import pick
from accounts.demo.relationship_words import (
    RATIONALES_DOWN,
    RATIONALES_UNCOUPLING,
    RATIONALES_UP,
)
from accounts.models import (
    STAGE_LADDER,
    Category,
    DecisionStyle,
    HighLow,
    RelationshipStage,
    StageAssessment,
    StageChange,
    is_regression,
    stage_rank,
)
from accounts.relationship import ladder

Stage = RelationshipStage
STAGE_WEIGHTS = {
    Category.KEY: {
        Stage.EARLY: 25,
        Stage.MID: 35,
        Stage.PARTNERSHIP: 22,
        Stage.SYNERGISTIC: 8,
        Stage.UNCOUPLING: 10,
    },
    Category.NORMAL: {Stage.PRE_KAM: 55, Stage.EARLY: 40, Stage.MID: 5},
}
# How likely the customer wants a close relationship, by how far it has come.
BUYER_INTENT = {
    Stage.EARLY: 0.4,
    Stage.MID: 0.6,
    Stage.PARTNERSHIP: 0.85,
    Stage.SYNERGISTIC: 0.95,
    Stage.UNCOUPLING: 0.15,
}


def _high(rng: random.Random, chance: float) -> str:
    return HighLow.HIGH if rng.random() < chance else HighLow.LOW


def _rung_above(stage: str) -> str:
    rank = stage_rank(stage)
    return STAGE_LADDER[min(rank + 1, len(STAGE_LADDER) - 1)] if rank >= 0 else Stage.MID


def stage_fields(rng: random.Random, category: str) -> dict[str, str]:
    """The relationship fields of a new account: its stage and target, and for key accounts how
    the two sides see each other and how the customer decides."""
    if category == Category.LOST:
        return {"relationship_stage": Stage.UNCOUPLING}
    if category not in STAGE_WEIGHTS:
        return {}
    stage = pick(rng, STAGE_WEIGHTS[category])
    fields = {"relationship_stage": stage}
    if category == Category.NORMAL:
        if stage != Stage.PRE_KAM and rng.random() < 0.3:
            fields["target_stage"] = _rung_above(stage)
        return fields
    if stage == Stage.UNCOUPLING:
        fields["target_stage"] = rng.choice((Stage.EARLY, Stage.MID))
    else:
        fields["target_stage"] = _rung_above(stage) if rng.random() < 0.75 else stage
    fields["decision_style"] = pick(
        rng,
        {
            DecisionStyle.AUTHORITARIAN: 40,
            DecisionStyle.CONSULTATIVE: 40,
            DecisionStyle.ADVISORY: 20,
        },
    )
    fields["seller_intent"] = _high(rng, 0.85)
    fields["buyer_intent"] = _high(rng, BUYER_INTENT[stage])
    fields["offering_importance"] = _high(rng, 0.8 if stage_rank(stage) >= 3 else 0.55)
    fields["relative_spend"] = _high(rng, 0.5)
    return fields


def stage_path(rng: random.Random, final: str, moves: int) -> list[str]:
    """The stages an account moved to, in order, starting from pre-KAM and ending at `final`:
    up the ladder, with a setback and recovery here and there when there are moves to spare."""
    if final == Stage.PRE_KAM:
        return []
    if final == Stage.UNCOUPLING:
        peak = rng.choice(STAGE_LADDER[1:3])
        climb = list(STAGE_LADDER[1 : stage_rank(peak) + 1])
        tail = [Stage.UNCOUPLING]
    else:
        climb = list(STAGE_LADDER[1 : stage_rank(final) + 1])
        tail = []
    if len(climb) + len(tail) > moves:
        # Fewer moves than rungs: the account was put straight onto a higher rung.
        climb = climb[len(climb) + len(tail) - moves :]
    extra = moves - len(climb) - len(tail)
    while extra >= 2 and climb:
        at = rng.choice([i for i, stage in enumerate(climb) if stage_rank(stage) >= 1])
        stage = climb[at]
        climb[at + 1 : at + 1] = [STAGE_LADDER[stage_rank(stage) - 1], stage]
        extra -= 2
    path = climb + tail
    overshoot = len(path) < 2 or rng.random() < 0.3
    if extra == 1 and not tail and stage_rank(final) < len(STAGE_LADDER) - 1 and overshoot:
        # One more move: it went a rung too high and came back down.
        path.insert(len(path) - 1, _rung_above(final))
    return path


def stage_changes(rng, account, owner_id, english: bool, today: date, tz) -> list[StageChange]:
    """2 to 5 moves over the last three years for a key account, 1 to 3 for a lost one, one a rung
    for a normal one that left pre-KAM; each change's from is the previous change's to."""
    final = account["relationship_stage"]
    climb = stage_rank(final)
    moves = {Category.KEY: (2, 5), Category.LOST: (1, 3)}.get(account["category"], (climb, climb))
    path = stage_path(rng, final, rng.randint(*moves))
    if not path:
        return []
    first = max(account["created_at"].date() + timedelta(days=7), today - timedelta(days=3 * 365))
    last = today - timedelta(days=5)
    span = (last - first).days
    if span < len(path):
        first, span = last - timedelta(days=len(path)), len(path)
    days = sorted(rng.sample(range(span), len(path)))
    rows, previous = [], Stage.PRE_KAM
    for position, (offset, stage) in enumerate(zip(days, path, strict=True)):
        is_last = position == len(path) - 1
        regression = is_regression(previous, stage)
        if stage == Stage.UNCOUPLING:
            texts = RATIONALES_UNCOUPLING
        else:
            texts = RATIONALES_DOWN if regression else RATIONALES_UP
        day = first + timedelta(days=offset)
        rows.append(
            StageChange(
                account_id=account["id"],
                from_stage=previous,
                to_stage=stage,
                target_stage=account["target_stage"] if is_last else _target_on_the_way(stage),
                rationale=rng.choice(texts)[1 if english else 0],
                is_regression=regression,
                changed_by_id=owner_id,
                changed_at=datetime.combine(day, time(rng.randint(9, 17), rng.randrange(60)), tz),
            )
        )
        previous = stage
    return rows


def _target_on_the_way(stage: str) -> str:
    return Stage.MID if stage == Stage.UNCOUPLING else _rung_above(stage)


def assessment_signs(rng: random.Random, stage: str) -> list[str]:
    """Signs a manager would tick for an account at `stage`: usually what that rung looks like,
    sometimes what the rung next to it looks like, so the page can say they disagree."""
    if stage == Stage.UNCOUPLING:
        observed = Stage.UNCOUPLING
    else:
        observed = STAGE_LADDER[
            max(1, min(len(STAGE_LADDER) - 1, stage_rank(stage) + rng.choice((0, 0, 0, 0, -1, 1))))
        ]
    rank = stage_rank(observed) if observed != Stage.UNCOUPLING else rng.randint(1, 2)
    ticked = []
    for index, rung in enumerate(STAGE_LADDER[1:], start=1):
        own = ladder.signs_of(rung)
        if index < rank:
            ticked += [s.code for s in own if s.core or rng.random() < 0.4]
        elif index == rank:
            needed = rng.randint(ceil(len(own) / 2), len(own))
            core = [s.code for s in own if s.core]
            others = [s.code for s in own if not s.core]
            ticked += core + rng.sample(others, max(0, needed - len(core)))
        elif index == rank + 1 and rng.random() < 0.5:
            ticked.append(rng.choice([s.code for s in own if not s.core]))
    uncoupling = [s.code for s in ladder.signs_of(Stage.UNCOUPLING)]
    if observed == Stage.UNCOUPLING:
        ticked += rng.sample(uncoupling, rng.randint(2, 3))
    elif rng.random() < 0.15:
        ticked.append(rng.choice(uncoupling))
    return ticked


def assessment(rng, account, owner_id, changes: list[StageChange], today, tz) -> StageAssessment:
    since = changes[-1].changed_at.date() if changes else today - timedelta(days=120)
    day = since + timedelta(days=rng.randint(0, max(0, (today - since).days)))
    signs = assessment_signs(rng, account["relationship_stage"])
    return StageAssessment(
        account_id=account["id"],
        signs=signs,
        suggested_stage=ladder.suggest_stage(signs),
        assessed_by_id=owner_id,
        assessed_at=datetime.combine(day, time(rng.randint(9, 17), rng.randrange(60)), tz),
    )
