"""scoring.engine on hand-computed cases, DESIGN.md §5 reproduced, and properties that hold for any
criteria set in range. No database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import defaults, engine
from scoring.engine import (
    ADVANTAGE,
    ATTRACTIVENESS,
    BY_PERCENTILE,
    BY_THRESHOLD,
    DEVELOP,
    KEY,
    MAINTAIN,
    OPPORTUNISTIC,
    CriterionSpec,
    TierBand,
)

D = Decimal
FIFTY = D(50)


def spec(code, weight, dimension=ATTRACTIVENESS, scale=(0, 10)):
    return CriterionSpec(code, dimension, weight, *scale)


# --- Indices --------------------------------------------------------------------------------


def test_dimension_index_of_a_positive_and_a_negative_criterion():
    criteria = [spec("size", 3), spec("competition", -1)]
    # size: 3 × 8/10 = 2.4 points; competition counts against: 1 × (1 − 6/10) = 0.4.
    # Index = 100 × (2.4 + 0.4) / (3 + 1) = 70; points 100 × 2.4/4 = 60 and 100 × 0.4/4 = 10.
    index, parts = engine.dimension_index(criteria, {"size": 8, "competition": 6})

    assert index == D("70.00")
    assert [(p.code, p.points, p.max_points) for p in parts] == [
        ("size", D("60.00"), D("75.00")),
        ("competition", D("10.00"), D("25.00")),
    ]
    assert [p.counts_against for p in parts] == [False, True]


def test_score_account_with_two_criteria_per_dimension_and_a_negative_weight():
    criteria = [
        spec("size", 4),
        spec("competition", -2),
        spec("quality", 3, ADVANTAGE, (1, 5)),
        spec("price", 1, ADVANTAGE),
    ]
    values = {"size": 7, "competition": 9, "quality": 4, "price": 2}

    result = engine.score_account(criteria, values, FIFTY, FIFTY)

    # Attractiveness, Σ|w| = 6:
    #   size        4 × 7/10           = 2.8 → 100 × 2.8/6 = 46.67 (of 66.67)
    #   competition 2 × (1 − 9/10)     = 0.2 → 100 × 0.2/6 =  3.33 (of 33.33)
    #   index 100 × 3.0/6 = 50.00: exactly the threshold, which counts as high.
    # Advantage, Σ|w| = 4:
    #   quality     3 × (4 − 1)/(5 − 1) = 2.25 → 100 × 2.25/4 = 56.25 (of 75)
    #   price       1 × 2/10            = 0.2  → 100 × 0.2/4  =  5.00 (of 25)
    #   index 100 × 2.45/4 = 61.25
    assert result.attractiveness == D("50.00")
    assert result.advantage == D("61.25")
    assert result.quadrant == KEY
    assert result.scored_count == 4
    assert [(c.code, c.points, c.max_points) for c in result.contributions_for(ATTRACTIVENESS)] == [
        ("size", D("46.67"), D("66.67")),
        ("competition", D("3.33"), D("33.33")),
    ]
    assert [(c.code, c.points, c.max_points) for c in result.contributions_for(ADVANTAGE)] == [
        ("quality", D("56.25"), D("75.00")),
        ("price", D("5.00"), D("25.00")),
    ]


def test_an_unscored_criterion_is_left_out_of_points_and_denominator():
    criteria = [spec("size", 4), spec("competition", -2)]

    index, parts = engine.dimension_index(criteria, {"size": 7, "competition": None})

    # Only size counts: 100 × (4 × 0.7) / 4 = 70, not 100 × 2.8 / 6 (a zero for "don't know").
    assert index == D("70.00")
    assert parts[1].is_scored is False
    assert (parts[1].points, parts[1].max_points) == (None, None)
    assert parts[0].max_points == D("100.00")


def test_a_missing_value_counts_as_unscored():
    index, parts = engine.dimension_index([spec("size", 4), spec("reach", 2)], {"size": 5})

    assert index == D("50.00")
    assert parts[1].value is None and parts[1].points is None


def test_nothing_scored_in_a_dimension_gives_no_index_and_no_quadrant():
    criteria = [spec("size", 4), spec("quality", 3, ADVANTAGE)]

    result = engine.score_account(criteria, {"size": None, "quality": 9}, FIFTY, FIFTY)

    assert result.attractiveness is None
    assert result.advantage == D("90.00")
    assert result.quadrant is None
    assert result.scored_count == 1
    assert result.contributions_for(ATTRACTIVENESS)[0].points is None


# equivalent: _earned_steps mutant 13 (weight >= 0 → > 0) — weight 0 earns 0 × steps either way
# equivalent: _earned_steps mutant 14 (weight >= 0 → >= 1) — weights are whole: as mutant 13


def test_a_zero_weight_earns_nothing_and_does_not_dilute_the_index():
    criteria = [spec("size", 2), spec("colour", 0)]

    index, parts = engine.dimension_index(criteria, {"size": 6, "colour": 10})

    assert index == D("60.00")
    assert (parts[1].points, parts[1].max_points) == (D("0.00"), D("0.00"))


def test_only_zero_weights_scored_gives_no_index():
    index, parts = engine.dimension_index([spec("colour", 0)], {"colour": 7})

    assert index is None
    assert parts[0].points is None


@pytest.mark.parametrize(
    ("attractiveness", "advantage", "expected"),
    [
        ("60", "60", KEY),
        ("60.00", "59.99", DEVELOP),
        ("59.99", "60", MAINTAIN),
        ("59.99", "59.99", OPPORTUNISTIC),
        ("100", "0", DEVELOP),
    ],
)
def test_an_index_exactly_at_the_threshold_counts_as_high(attractiveness, advantage, expected):
    assert engine.quadrant(D(attractiveness), D(advantage), D(60), D(60)) == expected


def test_quadrant_needs_both_indices():
    assert engine.quadrant(None, D(90), FIFTY, FIFTY) is None
    assert engine.quadrant(D(90), None, FIFTY, FIFTY) is None


def test_normalised_places_a_value_on_its_scale():
    assert engine.normalised(5, 0, 10) == Fraction(1, 2)
    assert engine.normalised(-2, -2, 2) == 0
    assert engine.normalised(3, 1, 3) == 1


@pytest.mark.parametrize(("value", "low", "high"), [(11, 0, 10), (-1, 0, 10), (0, 1, 5)])
def test_normalised_rejects_values_outside_the_scale(value, low, high):
    with pytest.raises(ValueError, match=f"^{value} is outside the scale {low}–{high}$"):
        engine.normalised(value, low, high)


@pytest.mark.parametrize(("low", "high"), [(5, 5), (10, 0)])
def test_normalised_rejects_an_empty_or_reversed_scale(low, high):
    with pytest.raises(ValueError, match=r"^scale_max must be greater than scale_min$"):
        engine.normalised(5, low, high)


def test_an_out_of_scale_value_stops_the_index():
    with pytest.raises(ValueError, match=r"^12 is outside the scale 0–10$"):
        engine.dimension_index([spec("size", 3)], {"size": 12})


@pytest.mark.parametrize("scale", [(3, 3), (5, 2)])
def test_an_empty_or_reversed_scale_stops_the_index(scale):
    with pytest.raises(ValueError, match=r"^scale_max must be greater than scale_min$"):
        engine.dimension_index([spec("size", 3, scale=scale)], {"size": 3})


def test_the_sums_stay_exact_on_a_scale_of_a_quintillion_steps():
    # 1 of 1 on one criterion and 10¹⁴ of 10¹⁸ on the other, equal weights: the index is
    # 100 × (1 + 10⁻⁴) / 2 = 50.005 exactly, which rounds up; float division would lose the
    # 10⁻⁴ (past 2⁵³) and give 50.00.
    criteria = [spec("small", 1, scale=(0, 1)), spec("huge", 1, scale=(0, 10**18))]
    index, _contributions = engine.dimension_index(criteria, {"small": 1, "huge": 10**14})
    assert index == D("50.01")


# --- Segments: DESIGN.md §5 ---------------------------------------------------------------

# The table as DESIGN.md §5 prints it: unit weights, negative criteria already negative.
DESIGN_TABLE = {
    "government": ((9, 7, 7, -3, -3, 9, 7, 9), 42),
    "education": ((9, 5, 5, -5, -3, 7, 5, 9), 32),
    "finance": ((9, 3, 9, -9, -7, 9, 7, 7), 28),
}


def segment_specs():
    return [spec(row[0], row[2]) for row in defaults.SEGMENT_CRITERIA]


def reference_totals():
    specs = segment_specs()
    codes = [s.code for s in specs]
    return {
        code: engine.weighted_total(specs, dict(zip(codes, values, strict=True)))
        for _name, _zh, code, values in defaults.REFERENCE_SEGMENTS
    }


def test_the_shipped_segment_criteria_and_scores_are_the_design_table():
    specs = segment_specs()
    assert [s.weight for s in specs] == [1, 1, 1, -1, -1, 1, 1, 1]
    for _name, _zh, code, values in defaults.REFERENCE_SEGMENTS:
        signed = tuple(s.weight * value for s, value in zip(specs, values, strict=True))
        assert signed == DESIGN_TABLE[code][0]


def test_weighted_totals_reproduce_the_design_table():
    assert reference_totals() == {code: total for code, (_, total) in DESIGN_TABLE.items()}


def test_rank_segments_reproduces_the_design_ranking_and_average():
    ranked, average = engine.rank_segments(reference_totals())

    assert [(r.key, r.total, r.rank) for r in ranked] == [
        ("government", 42, 1),
        ("education", 32, 2),
        ("finance", 28, 3),
    ]
    assert average == 34
    assert [r.key for r in ranked if r.at_or_above_average] == ["government"]


def test_weighted_total_skips_unscored_criteria():
    specs = [spec("size", 1), spec("competition", -1), spec("policy", 2)]

    assert engine.weighted_total(specs, {"size": 9, "competition": 3, "policy": None}) == 6


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    ranked, average = engine.rank_segments({"a": 10, "b": 8, "c": 8, "d": 5})

    assert [(r.key, r.rank) for r in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    assert average == Fraction(31, 4)
    assert [r.at_or_above_average for r in ranked] == [True, True, True, False]


def test_a_tie_further_down_takes_the_rank_of_the_segment_just_above():
    ranked, _average = engine.rank_segments({"a": 9, "b": 7, "c": 5, "d": 5, "e": 5, "f": 1})

    assert [r.rank for r in ranked] == [1, 2, 3, 3, 3, 6]


def test_a_total_equal_to_the_average_is_at_or_above_it():
    ranked, average = engine.rank_segments({"a": 30, "b": 20, "c": 10})

    assert average == 20
    assert [r.at_or_above_average for r in ranked] == [True, True, False]


def test_no_segments_rank_to_nothing():
    assert engine.rank_segments({}) == ([], None)


# --- Value scorecard ----------------------------------------------------------------------

# Written from potential_class's docstring: A when Y ≥ 3 and Y − X ≥ 2; C when X ≥ Y or Y ≤ 1;
# B otherwise. Rows X = 0…4, columns Y = 0…4.
POTENTIAL_TABLE = (
    "CCBAA",  # X = 0
    "CCBAA",  # X = 1
    "CCCBA",  # X = 2
    "CCCCB",  # X = 3
    "CCCCC",  # X = 4
)


@pytest.mark.parametrize("x", range(5))
@pytest.mark.parametrize("y", range(5))
def test_potential_class_for_every_x_and_y(x, y):
    assert engine.potential_class(x, y) == POTENTIAL_TABLE[x][y]


@pytest.mark.parametrize(("x", "y"), [(None, 3), (2, None), (None, None)])
def test_potential_class_needs_both_x_and_y(x, y):
    assert engine.potential_class(x, y) is None


@pytest.mark.parametrize(("x", "y"), [(5, 3), (-1, 3), (2, 5), (2, -1)])
def test_potential_class_rejects_values_off_the_zero_to_four_scale(x, y):
    with pytest.raises(ValueError, match=r"^X and Y are on a 0–4 scale$"):
        engine.potential_class(x, y)


@pytest.mark.parametrize(
    ("revenue", "years", "expected"),
    [
        ("300000", 3, "100000.00"),
        ("150000", Fraction(3, 2), "100000.00"),
        ("250000", D("2.5"), "100000.00"),
        ("100000", 3, "33333.33"),
        # Less than a year of trading counts as one year, not an annual rate.
        ("120000", Fraction(1, 2), "120000.00"),
        ("120000", 0, "120000.00"),
    ],
)
def test_average_annual_sales(revenue, years, expected):
    assert engine.average_annual_sales(D(revenue), years) == D(expected)


def test_lifetime_value_is_average_annual_sales_times_expected_years():
    assert engine.lifetime_value(D("100000.00"), 8) == D("800000.00")
    assert engine.lifetime_value(D("33333.33"), 3) == D("99999.99")
    assert engine.lifetime_value(D("100000"), 0) == D("0.00")
    assert engine.lifetime_value(D("100000"), None) is None


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("200", "150", "75.0"),
        ("100", "130", "130.0"),
        ("3", "2", "66.7"),
        ("16", "1", "6.3"),  # 6.25 rounds half up
        ("100", "0", "0.0"),
    ],
)
def test_achievement_is_actual_as_a_percentage_of_target(target, actual, expected):
    assert engine.achievement(D(target), D(actual)) == D(expected)


@pytest.mark.parametrize(("target", "actual"), [(None, "5"), ("5", None), ("0", "5")])
def test_achievement_is_none_without_a_target_or_an_actual(target, actual):
    target = None if target is None else D(target)
    actual = None if actual is None else D(actual)
    assert engine.achievement(target, actual) is None


# --- Tiers --------------------------------------------------------------------------------

PLATINUM, GOLD, IRON, LEAD = 11, 12, 13, 14
BANDS = [
    # Listed out of order on purpose: the rank decides.
    TierBand(IRON, 3, D("500000"), D(60)),
    TierBand(PLATINUM, 1, D("50000000"), D(5)),
    TierBand(LEAD, 4),
    TierBand(GOLD, 2, D("5000000"), D(20)),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80000000", PLATINUM),
        ("50000000", PLATINUM),
        ("49999999.99", GOLD),
        ("5000000", GOLD),
        ("4999999.99", IRON),
        ("500000", IRON),
        ("499999.99", LEAD),
        ("0.01", LEAD),
    ],
)
def test_assign_tier_by_threshold_includes_the_boundary(value, expected):
    # The top share is ignored by the threshold method.
    assert engine.assign_tier(D(value), D("0.1"), BANDS, BY_THRESHOLD) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        ("0.5", PLATINUM),
        ("5", PLATINUM),
        ("5.01", GOLD),
        ("20", GOLD),
        ("20.5", IRON),
        ("60", IRON),
        ("60.01", LEAD),
        ("100", LEAD),
    ],
)
def test_assign_tier_by_percentile_includes_the_boundary(share, expected):
    # The value is ignored by the percentile method (as long as there is one).
    assert engine.assign_tier(D("1"), D(share), BANDS, BY_PERCENTILE) == expected


@pytest.mark.parametrize("method", [BY_THRESHOLD, BY_PERCENTILE])
@pytest.mark.parametrize("value", [None, "0", "-10"])
def test_an_account_without_value_takes_the_last_tier(method, value):
    value = None if value is None else D(value)
    assert engine.assign_tier(value, D("0.5"), BANDS, method) == LEAD


def test_percentile_without_a_position_takes_the_last_tier():
    assert engine.assign_tier(D("90000000"), None, BANDS, BY_PERCENTILE) == LEAD


def test_assign_tier_without_bands_assigns_nothing():
    assert engine.assign_tier(D(100), D(1), [], BY_THRESHOLD) is None


def test_top_share_is_the_position_as_a_percentage():
    assert engine.top_share(1, 200) == D("0.5")
    assert engine.top_share(40, 200) == D(20)
    assert engine.top_share(200, 200) == D(100)


# --- Portfolio dashboard ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 4, D("25.0")),
        (2, 3, D("66.7")),
        (1, 8, D("12.5")),
        (1, 16, D("6.3")),  # 6.25 rounds half up, not to even
        (3, 16, D("18.8")),  # 18.75
        (0, 5, D("0.0")),
        (7, 7, D("100.0")),
        (D("0.5"), 1, D("50.0")),
        (-1, 4, D("-25.0")),
    ],
)
def test_percent_is_part_over_whole_to_one_place(part, whole, expected):
    assert engine.percent(part, whole) == expected


@pytest.mark.parametrize("whole", [0, -4])
def test_percent_of_nothing_is_unknown(whole):
    assert engine.percent(1, whole) is None


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (120, 100, D("20.0")),
        (75, 100, D("-25.0")),
        (100, 100, D("0.0")),
        (0, 100, D("-100.0")),
        (D("1.0625"), 1, D("6.3")),  # 6.25 rounds half up
        (3, 16, D("-81.3")),  # −81.25 rounds half away from zero
        (5, 1, D("400.0")),
    ],
)
def test_percent_change_is_the_move_in_per_cent_of_before(now, before, expected):
    assert engine.percent_change(now, before) == expected


@pytest.mark.parametrize("before", [0, -10])
def test_percent_change_without_a_base_is_unknown(before):
    assert engine.percent_change(5, before) is None


# --- Properties ---------------------------------------------------------------------------


CRITERION = st.tuples(
    st.sampled_from(engine.DIMENSIONS),
    st.integers(engine.WEIGHT_MIN, engine.WEIGHT_MAX),
    st.integers(-10, 10),  # scale minimum
    st.integers(1, 20),  # scale length
    st.none()
    | st.integers(0, 20),  # value above the minimum (capped at the maximum); None unscored
)


@st.composite
def criteria_and_values(draw):
    criteria, values = [], {}
    for number, (dimension, weight, low, length, above) in enumerate(
        draw(st.lists(CRITERION, min_size=1, max_size=20))
    ):
        criterion = CriterionSpec(f"c{number}", dimension, weight, low, low + length)
        criteria.append(criterion)
        values[criterion.code] = None if above is None else low + min(above, length)
    return criteria, values


def _indices(criteria, values):
    result = engine.score_account(criteria, values, FIFTY, FIFTY)
    return result, {ATTRACTIVENESS: result.attractiveness, ADVANTAGE: result.advantage}


@settings(max_examples=200, deadline=None)
@given(criteria_and_values())
def test_indices_stay_within_0_100_and_the_contributions_add_up_to_them(case):
    criteria, values = case
    result, indices = _indices(criteria, values)

    for dimension, index in indices.items():
        parts = [c for c in result.contributions_for(dimension) if c.points is not None]
        counted = [c for c in criteria if c.dimension == dimension and values[c.code] is not None]
        if not any(c.weight for c in counted):
            assert index is None
            continue
        assert D(0) <= index <= D(100)
        assert len(parts) == len(counted)
        assert abs(sum(c.points for c in parts) - index) <= D("0.01") * len(parts)
        assert all(D(0) <= c.points <= c.max_points for c in parts)


@settings(max_examples=200, deadline=None)
@given(criteria_and_values(), st.data())
def test_raising_a_value_moves_its_index_the_way_its_weight_says(case, data):
    criteria, values = case
    raisable = [c for c in criteria if values[c.code] is not None and values[c.code] < c.scale_max]
    if not raisable:
        return
    criterion = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(values[criterion.code] + 1, criterion.scale_max))

    _, before = _indices(criteria, values)
    _, after = _indices(criteria, values | {criterion.code: higher})

    old, new = before[criterion.dimension], after[criterion.dimension]
    if criterion.weight > 0:
        assert new >= old
    elif criterion.weight < 0:
        assert new <= old
    else:
        assert new == old
