"""The rules of the relationship: the Millman-Wilson ladder, the assessment checklist and its
suggestion, how the two sides see each other, and what the decision-making unit means. Pure
functions and tables only (no ORM), so every rule can be unit-tested on hand-made cases.

The stage suggestion
--------------------
Each rung above pre-KAM has a list of observable signs; some are *core* signs, the foundations that
stay true as the relationship climbs (early: orders are flowing; mid: contacts at several levels,
preferred supplier; partnership: information shared openly, senior managers meet). Early signs such
as "a single buyer-seller contact" are not core: they stop being true further up.

A rung is reached when

1. at least half of its own signs (rounded up) are ticked, and
2. every core sign of every rung below it (from early up) is ticked.

The suggestion is the highest rung reached; with no rung reached it is pre-KAM. Uncoupling is off
the ladder and overrides it: when at least ``UNCOUPLING_MIN_SIGNS`` uncoupling signs are ticked the
checklist suggests uncoupling, whatever else is ticked. The manager decides; the suggestion only
says when the chosen stage and the observed signs disagree.
"""

from dataclasses import dataclass
from math import ceil

from django.utils.translation import gettext_lazy as _

from accounts.models.relationship import (
    STAGE_LADDER,
    DecisionStyle,
    HighLow,
    RelationshipStage,
)

Stage = RelationshipStage
UNCOUPLING_MIN_SIGNS = 2


@dataclass(frozen=True)
class Sign:
    code: str
    stage: str
    label: str
    core: bool = False


SIGNS: tuple[Sign, ...] = (
    Sign("single_contact", Stage.EARLY, _("A single contact: their buyer and our salesperson")),
    Sign("first_orders", Stage.EARLY, _("First orders placed or a trial under way"), core=True),
    Sign("price_focus", Stage.EARLY, _("Price is the main topic of every conversation")),
    Sign("still_evaluating", Stage.EARLY, _("They still compare us with other suppliers")),
    Sign("multilevel_contacts", Stage.MID, _("Contacts at several levels on both sides"), True),
    Sign("preferred_supplier", Stage.MID, _("We are one of their preferred suppliers"), True),
    Sign("some_information", Stage.MID, _("Some information is shared (forecasts, plans)")),
    Sign("functions_talk", Stage.MID, _("Other functions (quality, logistics) talk directly")),
    Sign("open_information", Stage.PARTNERSHIP, _("Information is shared openly"), core=True),
    Sign("senior_meetings", Stage.PARTNERSHIP, _("Senior managers meet regularly"), core=True),
    Sign("long_term_contract", Stage.PARTNERSHIP, _("A long-term contract is in place")),
    Sign("joint_planning", Stage.PARTNERSHIP, _("We plan jointly (products, volumes, projects)")),
    Sign("joint_teams", Stage.SYNERGISTIC, _("Joint teams work across both companies"), True),
    Sign("transparent_costs", Stage.SYNERGISTIC, _("Costs are transparent both ways"), True),
    Sign("shared_strategy", Stage.SYNERGISTIC, _("Strategy is shared and set together")),
    Sign("joint_value", Stage.SYNERGISTIC, _("We create value jointly (shared savings, offers)")),
    Sign("contact_reduced", Stage.UNCOUPLING, _("Contact is reduced or meetings are cancelled")),
    Sign("supporters_left", Stage.UNCOUPLING, _("Key supporters have left or moved")),
    Sign("business_moving", Stage.UNCOUPLING, _("Business is moving to a competitor")),
    Sign("disputes_pile_up", Stage.UNCOUPLING, _("Disputes and complaints go unresolved")),
)
SIGNS_BY_CODE = {sign.code: sign for sign in SIGNS}
CHECKLIST_STAGES = (*STAGE_LADDER[1:], Stage.UNCOUPLING)


def signs_of(stage: str) -> list[Sign]:
    return [sign for sign in SIGNS if sign.stage == stage]


def unknown_signs(codes) -> list[str]:
    return [code for code in codes if code not in SIGNS_BY_CODE]


def checklist() -> list[dict]:
    """The checklist grouped by stage, ladder order, uncoupling last."""
    return [
        {"stage": stage, "label": Stage(stage).label, "signs": signs_of(stage)}
        for stage in CHECKLIST_STAGES
    ]


def suggest_stage(ticked) -> str:
    """The stage the ticked sign codes suggest (see the module docstring). Unknown codes count
    for nothing."""
    ticked = set(ticked)
    uncoupling = [s for s in signs_of(Stage.UNCOUPLING) if s.code in ticked]
    if len(uncoupling) >= UNCOUPLING_MIN_SIGNS:
        return Stage.UNCOUPLING
    suggested = Stage.PRE_KAM
    for index, stage in enumerate(STAGE_LADDER[1:], start=1):
        own = signs_of(stage)
        enough_own = sum(s.code in ticked for s in own) >= ceil(len(own) / 2)
        foundations = all(
            s.code in ticked for lower in STAGE_LADDER[1:index] for s in signs_of(lower) if s.core
        )
        if enough_own and foundations:
            suggested = stage
    return suggested


# --- What each stage looks like and what to do next ----------------------------------------------


@dataclass(frozen=True)
class StageGuide:
    looks_like: str
    next_step: str


STAGE_GUIDES = {
    Stage.PRE_KAM: StageGuide(
        _("A prospect or an occasional buyer with key-account potential; no real relationship."),
        _("Find out who buys and why; win a first order or a trial."),
    ),
    Stage.EARLY: StageGuide(
        _("Business has started through one buyer and one salesperson; price dominates."),
        _("Deliver flawlessly, learn their business and open contacts beyond the buyer."),
    ),
    Stage.MID: StageGuide(
        _("Contacts at several levels; we are a preferred supplier and some information flows."),
        _("Build trust at senior level, share plans and show value beyond price."),
    ),
    Stage.PARTNERSHIP: StageGuide(
        _("Open information, regular senior meetings, long-term contracts and joint planning."),
        _("Integrate processes, plan jointly and prove the value created together."),
    ),
    Stage.SYNERGISTIC: StageGuide(
        _("One team across both companies: transparent costs, shared strategy, joint value."),
        _("Keep creating joint value and renew the people holding the relationship."),
    ),
    Stage.UNCOUPLING: StageGuide(
        _("The relationship is coming apart: contact drops, supporters leave, business moves."),
        _("Find out why with their senior people; decide whether to rescue or exit well."),
    ),
}


def stage_guides() -> list[tuple[Stage, StageGuide]]:
    return [(Stage(stage), STAGE_GUIDES[stage]) for stage in (*STAGE_LADDER, Stage.UNCOUPLING)]


# --- The ladder drawn as steps ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    x: int
    y: int
    width: int
    height: int
    is_current: bool
    is_target: bool
    is_suggested: bool

    @property
    def centre_x(self) -> int:
        return self.x + self.width // 2

    @property
    def bottom(self) -> int:
        return self.y + self.height


LADDER_WIDTH = 760  # the SVG viewBox in _ladder.html is 0 0 760 220
_BASE = 180  # where the steps stand; the suggestion marker goes below it
_STEP_WIDTH = 116
_STEP_GAP = 4
_RISE = 28


def ladder_steps(current: str, target: str = "", suggested: str = "") -> list[Step]:
    """The five rungs as rising steps, then uncoupling drawn apart on the right, low."""
    steps = []
    for index, stage in enumerate(STAGE_LADDER):
        height = 40 + index * _RISE
        steps.append(
            Step(
                stage=stage,
                label=Stage(stage).label,
                x=index * (_STEP_WIDTH + _STEP_GAP),
                y=_BASE - height,
                width=_STEP_WIDTH,
                height=height,
                is_current=stage == current,
                is_target=stage == target,
                is_suggested=stage == suggested,
            )
        )
    steps.append(
        Step(
            stage=Stage.UNCOUPLING,
            label=Stage.UNCOUPLING.label,
            x=LADDER_WIDTH - _STEP_WIDTH,
            y=_BASE - 40,
            width=_STEP_WIDTH,
            height=40,
            is_current=current == Stage.UNCOUPLING,
            is_target=target == Stage.UNCOUPLING,
            is_suggested=suggested == Stage.UNCOUPLING,
        )
    )
    return steps


# --- How the two sides see each other: two 2x2s ----------------------------------------------


@dataclass(frozen=True)
class Quadrant:
    key: str
    label: str
    meaning: str
    x_value: str  # the horizontal axis: high on the right
    y_value: str  # the vertical axis: high at the top

    @property
    def x(self) -> int:
        return QUADRANT_PAD + (QUADRANT_CELL if self.x_value == HighLow.HIGH else 0)

    @property
    def y(self) -> int:
        return QUADRANT_CELL if self.y_value == HighLow.LOW else 0


QUADRANT_PAD = 36  # room for the vertical axis; _quadrant.html draws a 276 x 292 viewBox
QUADRANT_CELL = 120


INTENT_ZONES = (
    Quadrant(
        "kam_zone",
        _("KAM zone"),
        _("Both sides want a close relationship: invest in key-account management."),
        HighLow.HIGH,
        HighLow.HIGH,
    ),
    Quadrant(
        "seller_frustration",
        _("Seller frustration"),
        _("We want it, they don't: find out why and show value before investing more."),
        HighLow.LOW,
        HighLow.HIGH,
    ),
    Quadrant(
        "buyer_frustration",
        _("Buyer frustration"),
        _("They want more than we give: serve them better or risk losing them."),
        HighLow.HIGH,
        HighLow.LOW,
    ),
    Quadrant(
        "transactional",
        _("Transactional"),
        _("Neither side wants more: serve them efficiently, don't over-invest."),
        HighLow.LOW,
        HighLow.LOW,
    ),
)

POSITIONINGS = (
    Quadrant(
        "strategic_partner",
        # Translators: 战略伙伴
        _("Strategic partner"),
        _("We matter to them and they spend a lot: invest in the partnership together."),
        HighLow.HIGH,
        HighLow.HIGH,
    ),
    Quadrant(
        "strategic_security",
        # Translators: 战略安全
        _("Strategic security"),
        _("They need us for security of supply but spend little: guarantee it, grow share."),
        HighLow.LOW,
        HighLow.HIGH,
    ),
    Quadrant(
        "tactical_profit",
        # Translators: 战术盈利
        _("Tactical profit"),
        _("They spend a lot but could switch: expect price pressure, defend on cost and service."),
        HighLow.HIGH,
        HighLow.LOW,
    ),
    Quadrant(
        "tactical_convenience",
        # Translators: 战术便利
        _("Tactical convenience"),
        _("Little spend, little importance: keep the cost to serve them low."),
        HighLow.LOW,
        HighLow.LOW,
    ),
)


def _find(quadrants, x_value: str, y_value: str) -> Quadrant | None:
    if not x_value or not y_value:
        return None
    return next(q for q in quadrants if q.x_value == x_value and q.y_value == y_value)


def intent_zone(seller_intent: str, buyer_intent: str) -> Quadrant | None:
    """Our intent (vertical) x their intent (horizontal); None until both are assessed."""
    return _find(INTENT_ZONES, buyer_intent, seller_intent)


def positioning(offering_importance: str, relative_spend: str) -> Quadrant | None:
    """How the customer positions us: importance of our offering (vertical) x their relative spend
    with us (horizontal); None until both are assessed."""
    return _find(POSITIONINGS, relative_spend, offering_importance)


@dataclass(frozen=True)
class QuadrantChart:
    key: str
    title: str
    x_axis: str
    y_axis: str
    quadrants: tuple[Quadrant, ...]
    current: Quadrant | None

    size = QUADRANT_PAD + 2 * QUADRANT_CELL
    cell = QUADRANT_CELL
    pad = QUADRANT_PAD

    @property
    def marker(self) -> tuple[int, int] | None:
        if self.current is None:
            return None
        return (self.current.x + QUADRANT_CELL // 2, self.current.y + QUADRANT_CELL - 22)


def intent_chart(seller_intent: str, buyer_intent: str) -> QuadrantChart:
    return QuadrantChart(
        "intent",
        _("Strategic intent of both sides"),
        _("Their intent →"),
        _("Our intent →"),
        INTENT_ZONES,
        intent_zone(seller_intent, buyer_intent),
    )


def positioning_chart(offering_importance: str, relative_spend: str) -> QuadrantChart:
    return QuadrantChart(
        "positioning",
        _("How they position us"),
        _("Their relative spend with us →"),
        _("Importance of our offering →"),
        POSITIONINGS,
        positioning(offering_importance, relative_spend),
    )


# --- The decision-making unit ------------------------------------------------------------------

DECISION_STYLE_GUIDES = {
    DecisionStyle.AUTHORITARIAN: _(
        "One person decides: reach and convince them; the others can only block, so keep them "
        "neutral."
    ),
    DecisionStyle.CONSULTATIVE: _(
        "The decider consults a group: map and win the influencers and rule makers who shape the "
        "decision."
    ),
    DecisionStyle.ADVISORY: _(
        "A group recommends and a committee decides: cover every member; the coach inside matters "
        "most."
    ),
}
