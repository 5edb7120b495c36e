"""The engine functions the criteria editor adds: carrying values to a new version by code, and
placing an account (indices and quadrant) exactly as score_account does, without the
per-criterion contributions."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import ADVANTAGE, ATTRACTIVENESS, CriterionSpec


def test_carry_values_drops_what_no_longer_fits_and_ignores_removed_codes():
    specs = [
        CriterionSpec("kept", ATTRACTIVENESS, 1, 0, 10),
        CriterionSpec("narrowed", ATTRACTIVENESS, 1, 0, 5),
        CriterionSpec("shifted", ADVANTAGE, 1, 1, 5),
        CriterionSpec("new", ADVANTAGE, 1, 0, 10),
    ]
    carried = engine.carry_values(specs, {"kept": 7, "narrowed": 6, "shifted": 0, "gone": 3})
    assert carried == {"kept": 7, "narrowed": None, "shifted": None, "new": None}
    assert engine.carry_values(specs, {"narrowed": 5, "shifted": 1}) == {
        "kept": None,
        "narrowed": 5,
        "shifted": 1,
        "new": None,
    }


def test_place_account_on_a_hand_computed_case():
    specs = [
        CriterionSpec("size", ATTRACTIVENESS, 3),
        CriterionSpec("competition", ATTRACTIVENESS, -1),
        CriterionSpec("price", ADVANTAGE, 2),
        CriterionSpec("unknown", ADVANTAGE, 5),
    ]
    # Attractiveness: (3·0.8 + 1·(1 − 0.6)) / 4 = 0.7 → 70; advantage: price alone, 0.3 → 30.
    placed = engine.place_account(
        specs, {"size": 8, "competition": 6, "price": 3}, Decimal(50), Decimal(50)
    )
    assert placed == engine.Placement(Decimal("70.00"), Decimal("30.00"), engine.DEVELOP)
    nothing = engine.place_account(specs, {"size": 8}, Decimal(50), Decimal(50))
    assert (nothing.advantage, nothing.quadrant) == (None, None)


criterion = st.tuples(
    st.sampled_from([ATTRACTIVENESS, ADVANTAGE]),
    st.integers(engine.WEIGHT_MIN, engine.WEIGHT_MAX),
    st.integers(-5, 5),
    st.integers(1, 10),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(criterion, min_size=1, max_size=8),
    st.data(),
    st.integers(0, 100),
    st.integers(0, 100),
)
def test_place_account_agrees_with_score_account(rows, data, attractiveness, advantage):
    specs = [
        CriterionSpec(f"c{i}", dimension, weight, low, low + span)
        for i, (dimension, weight, low, span) in enumerate(rows)
    ]
    values = {
        spec.code: data.draw(st.none() | st.integers(spec.scale_min, spec.scale_max))
        for spec in specs
    }
    full = engine.score_account(specs, values, Decimal(attractiveness), Decimal(advantage))
    placed = engine.place_account(specs, values, Decimal(attractiveness), Decimal(advantage))
    assert placed == engine.Placement(full.attractiveness, full.advantage, full.quadrant)
