"""The Value tab's pure maths: the lifetime window, share of wallet, target status."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import engine

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("first_order", "expected"),
    [
        (None, Fraction(0)),
        (TODAY, Fraction(0)),
        (TODAY - timedelta(days=73), Fraction(1, 5)),
        (TODAY - timedelta(days=730), Fraction(2)),
        (TODAY - timedelta(days=3000), Fraction(3)),  # capped at the last three years
        (TODAY + timedelta(days=5), Fraction(0)),  # a dated-ahead order is not negative time
    ],
)
def test_years_traded_counts_days_over_365_up_to_three_years(first_order, expected):
    assert engine.years_traded(first_order, TODAY) == expected


def test_a_young_customer_averages_over_one_year_not_an_extrapolated_rate():
    years = engine.years_traded(TODAY - timedelta(days=73), TODAY)
    assert engine.average_annual_sales(Decimal("500000"), years) == Decimal("500000.00")


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(1, 4, Decimal("25.0")), (2, 3, Decimal("66.7")), (4, 4, Decimal("100.0")), (0, 2, 0)],
)
def test_share_of_wallet_is_x_over_y(x, y, expected):
    assert engine.share_of_wallet(x, y) == expected


@pytest.mark.parametrize(("x", "y"), [(None, 3), (2, None), (0, 0), (1, 0)])
def test_share_of_wallet_is_unknown_without_capacity(x, y):
    assert engine.share_of_wallet(x, y) is None


# X·100/Y for X, Y in 0–4 is whole or a third, never a tie at the tenth: half up = half even.
# equivalent: share_of_wallet mutant 5 (ROUND_HALF_UP → None) — no tie on the 0–4 scales
# equivalent: share_of_wallet mutant 7 (rounding argument dropped) — no tie on the 0–4 scales


@pytest.mark.parametrize(
    ("target", "actual", "status"),
    [
        (None, Decimal(5), engine.NO_TARGET),
        (Decimal(5), None, engine.NO_ACTUAL),
        (Decimal(5), Decimal(5), engine.MET),
        (Decimal(5), Decimal("4.99"), engine.BEHIND),
        (Decimal(0), Decimal(0), engine.MET),
    ],
)
def test_target_status(target, actual, status):
    assert engine.target_status(target, actual) == status
