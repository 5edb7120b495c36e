"""The Value tab: potential class, lifetime value and targets vs actuals on hand-computed
accounts, read through the page; the edit form and its service."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.queries import years_before
from scoring.models import ValueScorecard
from scoring.scorecard.services import scorecard_save
from tests.access_checks import assert_field_error
from tests.factories import (
    ComplaintFactory,
    OpportunityFactory,
    ScorecardFactory,
    TransactionFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def page_of(client, account):
    response = client.get(reverse("scoring:scorecard", args=[account.pk]))
    assert response.status_code == 200
    return response


def text(response):
    return response.content.decode()


def sale(account, days, amount, margin="0", returned="0"):
    return TransactionFactory(
        account=account,
        date=days_ago(days),
        amount=Decimal(amount),
        gross_margin=Decimal(margin),
        returned_amount=Decimal(returned),
    )


# --- Potential class and lifetime value -----------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(1, 4, "A"), (0, 3, "A"), (2, 3, "B"), (1, 2, "B"), (3, 3, "C"), (0, 1, "C"), (4, 2, "C")],
)
def test_the_page_shows_the_potential_class_of_x_and_y(client_for, owner, account, x, y, expected):
    ScorecardFactory(account=account, current_purchases=x, purchase_capacity=y)
    page = page_of(client_for(owner), account)
    assert page.context["page"].potential_class == expected
    assert f'data-testid="potential-class" data-class="{expected}"' in text(page)


def test_without_x_and_y_the_class_is_not_filled_in_yet(client_for, owner, account):
    ScorecardFactory(account=account, current_purchases=None, purchase_capacity=4)
    page = page_of(client_for(owner), account)
    assert 'data-class=""' in text(page)
    assert "Potential class: not filled in yet" in text(page)


def test_lifetime_value_averages_the_last_three_years(client_for, owner, account):
    # Trading for five years: only the last three count, 12.6m over 3 years = 4.2m a year.
    sale(account, 5 * 365, "9000000")  # outside the window
    sale(account, 2 * 365, "5000000")
    sale(account, 400, "4600000")
    sale(account, 20, "3000000")
    ScorecardFactory(account=account, expected_years=8)
    page = page_of(client_for(owner), account)
    lifetime = page.context["page"].lifetime
    assert lifetime.annual_sales == Decimal("4200000.00")
    assert lifetime.value == Decimal("33600000.00")
    assert "CN¥4,200,000 a year × 8 years = CN¥33,600,000" in text(page)
    assert "CN¥12,600,000 of sales over the last 3 years." in text(page)


def test_lifetime_value_of_a_two_year_customer_divides_by_two(client_for, owner, account):
    sale(account, 730, "1000000")
    sale(account, 100, "2000000")
    ScorecardFactory(account=account, expected_years=5)
    page = page_of(client_for(owner), account)
    assert "CN¥1,500,000 a year × 5 years = CN¥7,500,000" in text(page)
    assert "CN¥3,000,000 of sales over 2 years, since the first order on" in text(page)


def test_a_customer_of_a_few_months_counts_as_one_year(client_for, owner, account):
    sale(account, 60, "300000")
    sale(account, 10, "200000")
    ScorecardFactory(account=account, expected_years=1)
    page = page_of(client_for(owner), account)
    assert "CN¥500,000 a year × 1 year = CN¥500,000" in text(page)
    assert "CN¥500,000 of sales since the first order on" in text(page)


def test_without_a_scorecard_the_computed_parts_show_and_the_rest_is_not_filled_in(
    client_for, owner, account
):
    sale(account, 30, "120000", margin="30000")
    page = page_of(client_for(owner), account)
    body = text(page)
    assert page.context["page"].scorecard is None
    assert 'data-testid="scorecard-empty"' in body
    assert "CN¥120,000" in body and "25%" in body
    assert "expected years (not filled in yet)" in body
    assert 'data-testid="wallet-missing"' in body
    assert not ValueScorecard.objects.exists(), "opening the tab creates nothing"


def test_the_revenue_basis_and_returns_are_stated(client_for, owner, account):
    sale(account, 30, "100000", margin="20000", returned="10000")
    body = text(page_of(client_for(owner), account))
    assert "before returns" in body
    assert "Returns CN¥10,000; net of returns CN¥90,000." in body


def test_vip_and_its_reason_show(client_for, owner, account):
    ScorecardFactory(account=account, is_vip=True, vip_reason="Industry reference site")
    body = text(page_of(client_for(owner), account))
    assert "Industry reference site" in body


# --- Targets vs actuals ---------------------------------------------------------------------


@pytest.fixture
def hand_made(account, owner):
    """3 sales this year (and one older), 2 resolved complaints (one late) and an open one,
    4 reported visits (plus a planned one and an old one), 2 open opportunities and a won one."""
    sale(account, 10, "100000", margin="20000")
    sale(account, 100, "200000", margin="50000")
    sale(account, 300, "300000", margin="80000")
    sale(account, 500, "999999", margin="1")
    ComplaintFactory(
        account=account,
        opened_on=days_ago(60),
        due_on=days_ago(50),
        status="resolved",
        resolved_on=days_ago(55),
        resolution="Replaced",
    )
    ComplaintFactory(
        account=account,
        opened_on=days_ago(40),
        due_on=days_ago(30),
        status="resolved",
        resolved_on=days_ago(20),
        resolution="Refunded late",
    )
    ComplaintFactory(account=account, opened_on=days_ago(5))
    now = timezone.now()
    for days in (5, 50, 150, 300):
        VisitFactory(
            account=account,
            starts_at=now - timedelta(days=days),
            status="reported",
            reported_at=now - timedelta(days=days),
        )
    VisitFactory(account=account, starts_at=now + timedelta(days=3))
    VisitFactory(
        account=account,
        starts_at=now - timedelta(days=420),
        status="reported",
        reported_at=now - timedelta(days=420),
    )
    OpportunityFactory(account=account, stage="target", value=Decimal("400000"))
    OpportunityFactory(account=account, stage="closing", value=Decimal("600000"))
    OpportunityFactory(
        account=account, stage="won", value=Decimal("9000000"), closed_on=days_ago(3)
    )
    return ScorecardFactory(
        account=account,
        current_purchases=1,
        purchase_capacity=4,
        revenue_target=Decimal("800000"),
        margin_rate_target=Decimal("20"),
        on_time_delivery_target=Decimal("95"),
        on_time_delivery_actual=Decimal("97"),
        complaints_on_time_target=Decimal("90"),
        satisfaction_target=Decimal("80"),
        share_of_wallet_target=Decimal("50"),
        visits_target=4,
        pipeline_target=None,
    )


def rows_of(response):
    return {row.key: row for family in response.context["page"].families for row in family.rows}


def test_the_targets_table_on_a_hand_made_account(client_for, owner, account, hand_made):
    rows = rows_of(page_of(client_for(owner), account))
    expected = {
        # key: (actual, achievement %, status)
        "revenue": (Decimal("600000"), Decimal("75.0"), "behind"),
        "margin_rate": (Decimal("25.0"), Decimal("125.0"), "met"),
        "on_time_delivery": (Decimal("97"), Decimal("102.1"), "met"),
        "complaints_on_time": (Decimal("50.0"), Decimal("55.6"), "behind"),
        "satisfaction": (None, None, "no_actual"),
        "share_of_wallet": (Decimal("25.0"), Decimal("50.0"), "behind"),
        "visits": (4, Decimal("100.0"), "met"),
        "pipeline": (Decimal("1000000"), None, "no_target"),
    }
    assert set(rows) == set(expected)
    for key, (actual, achieved, status) in expected.items():
        row = rows[key]
        assert row.actual == actual, key
        assert row.achievement == achieved, key
        assert row.status == status, key


def test_the_targets_table_renders_achievement_and_status(client_for, owner, account, hand_made):
    body = text(page_of(client_for(owner), account))
    assert 'data-testid="target-revenue" data-status="behind" data-achievement="75.0"' in body
    assert 'data-testid="target-visits" data-status="met" data-achievement="100.0"' in body
    assert "1 of 2 resolved by their due date" in body
    assert "2 open opportunities" in body


def test_a_resolved_complaint_without_a_due_date_is_left_out(client_for, owner, account):
    ComplaintFactory(
        account=account,
        opened_on=days_ago(30),
        due_on=None,
        status="resolved",
        resolved_on=days_ago(29),
        resolution="Done",
    )
    rows = rows_of(page_of(client_for(owner), account))
    assert rows["complaints_on_time"].actual is None
    assert "1 without a due date left out" in rows["complaints_on_time"].note


# --- Editing --------------------------------------------------------------------------------


def edit_url(account):
    return reverse("scoring:scorecard_edit", args=[account.pk])


VALID = {
    "current_purchases": "1",
    "purchase_capacity": "4",
    "growth_potential": "3",
    "strategic_value": "2",
    "expected_years": "8",
    "revenue_target": "5000000",
    "margin_rate_target": "22.5",
}


def test_saving_the_form_stores_the_class_and_records_the_actor(client_for, owner, account):
    client = client_for(owner)
    response = client.post(edit_url(account), {**VALID, "row_version": "0"})  # none before
    assert response.status_code == 302
    card = ValueScorecard.objects.get(account=account)
    assert card.potential_class == "A"
    assert (card.expected_years, card.revenue_target) == (8, Decimal("5000000"))
    assert card.updated_by == owner
    assert card.history.latest().history_user == owner
    body = text(client.get(response["Location"]))
    assert "Value scorecard saved." in body
    assert 'data-testid="scorecard-changes"' in body


def save(account, actor, fields):
    """Save from a form loaded now (version 0 while the account has no scorecard)."""
    stored = ValueScorecard.objects.filter(account=account).first()
    version = stored.row_version if stored else 0
    return scorecard_save(account=account, actor=actor, expected_version=version, fields=fields)


def test_the_service_recomputes_the_class_and_keeps_history_for_the_actor(owner, teammate, account):
    fields = {"current_purchases": 1, "purchase_capacity": 4}
    save(account, owner, fields)
    card = save(account, teammate, {"current_purchases": 4})
    assert card.potential_class == "C"
    history = list(card.history.order_by("history_date", "history_id"))
    assert [h.history_user for h in history] == [owner, teammate]
    assert [h.potential_class for h in history] == ["A", "C"]


def test_unticking_vip_clears_the_reason(owner, account):
    save(account, owner, {"is_vip": True, "vip_reason": "Ref"})
    card = save(account, owner, {"is_vip": False})
    assert card.vip_reason == ""


def snapshot():
    return list(ValueScorecard.objects.values().order_by("pk"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"current_purchases": "5"}, "current_purchases"),
        ({"purchase_capacity": "-1"}, "purchase_capacity"),
        ({"expected_years": "0"}, "expected_years"),
        ({"revenue_target": "-1"}, "revenue_target"),
        ({"pipeline_target": "-500"}, "pipeline_target"),
        ({"margin_rate_target": "100.5"}, "margin_rate_target"),
        ({"satisfaction_actual": "101"}, "satisfaction_actual"),
        ({"visits_target": "-2"}, "visits_target"),
        ({"is_vip": "on", "vip_reason": "  "}, "vip_reason"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client_for, owner, account, changes, field):
    card = ScorecardFactory(account=account, current_purchases=2, purchase_capacity=3)
    data = {**VALID, **changes, "row_version": card.row_version}
    assert_field_error(client_for(owner), edit_url(account), data, field, unchanged=snapshot)


def test_the_service_refuses_a_vip_without_a_reason(owner, account):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        save(account, owner, {"is_vip": True})
    assert "vip_reason" in error.value.error_dict
    assert not ValueScorecard.objects.exists()


def test_the_service_refuses_a_director(director, account):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        save(account, director, {"current_purchases": 1})


def test_the_window_matches_the_header(client_for, owner, account):
    # A sale exactly a year ago is outside both the header's and the tab's 12 months.
    TransactionFactory(account=account, date=years_before(timezone.localdate(), 1))
    page = page_of(client_for(owner), account)
    assert page.context["page"].actuals.revenue_12m == page.context["header"].revenue_12m == 0


def test_the_tab_and_form_render_in_chinese(client_for, owner, account, hand_made):
    client = client_for(owner)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = text(page_of(client, account))
    assert '<html lang="zh-hans">' in body
    assert "¥600,000" in body
    assert client.get(edit_url(account)).status_code == 200
