"""The checklist's stage suggestion, the regression rule and the two 2x2 mappings (pure rules)."""

from itertools import pairwise

import pytest

from accounts.models import HighLow, RelationshipStage, is_regression
from accounts.relationship import ladder
from accounts.relationship.ladder import intent_zone, positioning, suggest_stage

Stage = RelationshipStage
EARLY_CORE = {"first_orders"}
MID_CORE = {"multilevel_contacts", "preferred_supplier"}
PARTNERSHIP_SIGNS = {"open_information", "senior_meetings", "long_term_contract", "joint_planning"}


def test_nothing_ticked_suggests_pre_kam():
    assert suggest_stage([]) == Stage.PRE_KAM


def test_early_signs_suggest_early():
    assert suggest_stage({"single_contact", "first_orders", "price_focus"}) == Stage.EARLY


def test_half_of_a_stages_signs_is_enough():
    assert suggest_stage({"single_contact", "price_focus"}) == Stage.EARLY
    assert suggest_stage({"single_contact"}) == Stage.PRE_KAM


def test_mid_needs_the_early_core_sign():
    assert suggest_stage(MID_CORE) == Stage.PRE_KAM
    assert suggest_stage(MID_CORE | EARLY_CORE) == Stage.MID


def test_partnership_signs_without_the_mid_core_are_not_partnership():
    ticked = PARTNERSHIP_SIGNS | EARLY_CORE | {"single_contact", "multilevel_contacts"}
    assert suggest_stage(ticked) == Stage.EARLY


def test_partnership_with_every_lower_core_sign():
    assert suggest_stage(PARTNERSHIP_SIGNS | EARLY_CORE | MID_CORE) == Stage.PARTNERSHIP


def test_synergistic_needs_the_partnership_core():
    synergy = {"joint_teams", "transparent_costs", "shared_strategy"}
    assert suggest_stage(synergy | EARLY_CORE | MID_CORE) == Stage.MID
    foundations = EARLY_CORE | MID_CORE | {"open_information", "senior_meetings"}
    assert suggest_stage(synergy | foundations) == Stage.SYNERGISTIC


def test_enough_uncoupling_signs_override_the_ladder():
    ticked = PARTNERSHIP_SIGNS | EARLY_CORE | MID_CORE
    assert suggest_stage(ticked | {"contact_reduced"}) == Stage.PARTNERSHIP
    assert suggest_stage(ticked | {"contact_reduced", "business_moving"}) == Stage.UNCOUPLING


def test_unknown_codes_count_for_nothing_and_are_reported():
    assert suggest_stage({"bogus"}) == Stage.PRE_KAM
    assert ladder.unknown_signs(["first_orders", "bogus"]) == ["bogus"]


def test_every_sign_code_is_unique_and_every_checklist_stage_has_signs():
    assert len(ladder.SIGNS_BY_CODE) == len(ladder.SIGNS)
    for stage in ladder.CHECKLIST_STAGES:
        assert ladder.signs_of(stage)


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "expected"),
    [
        (Stage.EARLY, Stage.MID, False),
        (Stage.MID, Stage.EARLY, True),
        (Stage.MID, Stage.MID, False),
        (Stage.PRE_KAM, Stage.UNCOUPLING, True),
        (Stage.SYNERGISTIC, Stage.UNCOUPLING, True),
        (Stage.UNCOUPLING, Stage.EARLY, False),
        ("", Stage.EARLY, False),
    ],
)
def test_moving_down_the_ladder_or_to_uncoupling_is_a_regression(from_stage, to_stage, expected):
    assert is_regression(from_stage, to_stage) is expected


H, L = HighLow.HIGH, HighLow.LOW


@pytest.mark.parametrize(
    ("ours", "theirs", "zone"),
    [
        (H, H, "kam_zone"),
        (H, L, "seller_frustration"),
        (L, H, "buyer_frustration"),
        (L, L, "transactional"),
    ],
)
def test_intent_zone(ours, theirs, zone):
    assert intent_zone(ours, theirs).key == zone


@pytest.mark.parametrize(
    ("importance", "spend", "key"),
    [
        (H, H, "strategic_partner"),
        (H, L, "strategic_security"),
        (L, H, "tactical_profit"),
        (L, L, "tactical_convenience"),
    ],
)
def test_positioning(importance, spend, key):
    assert positioning(importance, spend).key == key


def test_unset_values_are_not_assessed():
    assert intent_zone("", H) is None
    assert positioning(H, "") is None
    chart = ladder.positioning_chart("", "")
    assert chart.current is None
    assert chart.marker is None


def test_the_marker_sits_in_its_quadrant():
    chart = ladder.intent_chart(H, L)  # we want it, they don't: top left
    x, y = chart.marker
    cell = chart.current
    assert cell.key == "seller_frustration"
    assert cell.x <= x <= cell.x + chart.cell
    assert cell.y <= y <= cell.y + chart.cell
    assert cell.y == 0 and cell.x == chart.pad


def test_the_ladder_rises_and_keeps_uncoupling_apart():
    steps = ladder.ladder_steps(Stage.MID, Stage.PARTNERSHIP, Stage.EARLY)
    rungs = [s for s in steps if s.stage != Stage.UNCOUPLING]
    assert [s.stage for s in rungs] == list(ladder.STAGE_LADDER)
    assert all(a.height < b.height for a, b in pairwise(rungs))
    uncoupling = steps[-1]
    assert uncoupling.stage == Stage.UNCOUPLING
    assert uncoupling.x > rungs[-1].x + rungs[-1].width
    marked = {s.stage: (s.is_current, s.is_target, s.is_suggested) for s in steps}
    assert marked[Stage.MID] == (True, False, False)
    assert marked[Stage.PARTNERSHIP] == (False, True, False)
    assert marked[Stage.EARLY] == (False, False, True)


def test_every_stage_and_decision_style_has_guidance():
    assert set(ladder.STAGE_GUIDES) == set(Stage.values)
    assert set(ladder.DECISION_STYLE_GUIDES) == {"authoritarian", "consultative", "advisory"}
