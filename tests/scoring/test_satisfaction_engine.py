"""The satisfaction index, the gap and the importance–performance quadrants (scoring.engine), on
hand-computed cases: index = 100 × Σ I·(P − 1) / (4 · Σ I)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import engine


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([(3, 3)] * 12, "50.00"),  # the middle of the scale
        ([(5, 5)] * 12, "100.00"),
        ([(4, 1), (2, 1)], "0.00"),
        # 5·3 + 3·1 + 1·4 = 22 over 4 · 9 = 36: 61.111…
        ([(5, 4), (3, 2), (1, 5)], "61.11"),
        # Importance weighs: the same two performances, the important one poor…
        ([(5, 2), (1, 5)], "37.50"),  # (5·1 + 1·4) / 24 = 0.375
        # …or good.
        ([(1, 2), (5, 5)], "87.50"),  # (1 + 20) / 24 = 0.875
        ([(1, 2), (1, 1), (1, 1)], "8.33"),  # 100 / 12 = 8.333…
        ([(2, 3), (1, 4)], "58.33"),  # (4 + 3) / 12 = 0.58333…
        ([(1, 3), (1, 4), (1, 4)], "66.67"),  # 8 / 12 = 0.66666… rounds up
    ],
)
def test_satisfaction_index(answers, expected):
    result = engine.satisfaction_index(answers)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_the_index_rounds_half_up_not_to_even():
    # 200 answers of importance 5 (Σ I = 1000), one with performance 2: 100 · 5 / 4000 = 0.125.
    answers = [(5, 2)] + [(5, 1)] * 199
    assert engine.satisfaction_index(answers) == Decimal("0.13")


def test_no_answers_give_no_index():
    assert engine.satisfaction_index([]) is None
    assert engine.satisfaction_index(iter(())) is None


@pytest.mark.parametrize("bad", [(0, 3), (3, 0), (6, 3), (3, 6), (-1, 2), (3, 10**9)])
def test_an_answer_outside_the_scale_is_refused(bad):
    outside = next(value for value in bad if not 1 <= value <= 5)
    with pytest.raises(ValueError, match=f"^{outside} is outside the scale 1–5$"):
        engine.satisfaction_index([(3, 3), bad])


@pytest.mark.parametrize(
    ("importance", "performance", "gap"), [(5, 3, -2), (3, 5, 2), (4, 4, 0), (1, 5, 4)]
)
def test_survey_gap_is_performance_minus_importance(importance, performance, gap):
    assert engine.survey_gap(importance, performance) == gap


@pytest.mark.parametrize(
    ("importance", "performance", "quadrant"),
    [
        (4, 4, engine.KEEP_UP),  # 4 is high on both
        (5, 5, engine.KEEP_UP),
        (4, 3, engine.CONCENTRATE),  # 3 is low
        (5, 1, engine.CONCENTRATE),
        (3, 4, engine.OVERKILL),
        (1, 5, engine.OVERKILL),
        (3, 3, engine.LOW_PRIORITY),
        (1, 1, engine.LOW_PRIORITY),
    ],
)
def test_importance_performance_quadrant_boundaries(importance, performance, quadrant):
    assert engine.importance_performance_quadrant(importance, performance) == quadrant


answers = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(answers)
def test_the_index_is_between_0_and_100_to_the_hundredth(pairs):
    index = engine.satisfaction_index(pairs)
    assert Decimal(0) <= index <= Decimal(100)
    assert index == index.quantize(Decimal("0.01"))


@settings(max_examples=300, deadline=None)
@given(answers, st.data())
def test_better_performance_never_lowers_the_index(pairs, data):
    position = data.draw(st.integers(0, len(pairs) - 1))
    importance, performance = pairs[position]
    better = list(pairs)
    better[position] = (importance, data.draw(st.integers(performance, 5)))
    assert engine.satisfaction_index(better) >= engine.satisfaction_index(pairs)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 30))
def test_uniform_answers_give_the_performance_on_0_to_100(importance, performance, count):
    expected = Decimal(25 * (performance - 1)).quantize(Decimal("0.01"))
    assert engine.satisfaction_index([(importance, performance)] * count) == expected
