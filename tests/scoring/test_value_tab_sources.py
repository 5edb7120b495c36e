"""Issue 17, defect 9: the Value tab says how the potential class follows from X and Y and that
growth potential is a separate rating, where the expected years come from, and shows the
satisfaction index out of 100, not as a percentage."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db


def test_the_value_tab_explains_its_figures(client_for, owner, account):
    ScorecardFactory(
        account=account,
        current_purchases=1,
        purchase_capacity=1,
        growth_potential=4,
        expected_years=9,
        satisfaction_actual=Decimal("60.5"),
    )
    html = client_for(owner).get(reverse("scoring:scorecard", args=[account.pk])).content.decode()
    assert 'data-class="C"' in html
    assert "X = 1 (small)" in html and "Y = 1 (small)" in html
    assert "they do not enter the class" in html
    assert "9 years: the account team's estimate" in html
    assert 'data-testid="lifetime-years-edit"' in html
    assert "60.5 / 100" in html and "60.5%" not in html
