"""Trading and financial indicators against a hand-computed account."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.queries import account_header_figures, trading_indicators
from tests.factories import AccountFactory, ComplaintFactory, TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def order(account, day, amount, margin, *, returned="0", due_days=30, paid_after=None):
    return TransactionFactory(
        account=account,
        date=day,
        amount=Decimal(amount),
        gross_margin=Decimal(margin),
        returned_amount=Decimal(returned),
        invoice_due=day + timedelta(days=due_days),
        paid_on=None if paid_after is None else day + timedelta(days=paid_after),
    )


@pytest.fixture
def account_with_orders():
    account = AccountFactory()
    # The 12 months before: one order of 50,000.
    order(account, date(2025, 3, 1), "50000", "10000", paid_after=40)
    # The last 12 months: three orders.
    order(account, date(2026, 1, 10), "20000", "6000", returned="1000", paid_after=20)
    order(account, date(2026, 6, 1), "40000", "8000", paid_after=30)
    # Unpaid; due on 1 Nov 2026, so overdue on 22 Nov.
    order(account, date(2026, 10, 2), "30000", "9000", returned="500", due_days=30)
    # Older than 24 months: counts for "trading since" only.
    order(account, date(2024, 5, 20), "10000", "1000", paid_after=10)
    return account


def test_the_figures_match_a_hand_computed_account(account_with_orders):
    figures = trading_indicators(account_with_orders, today=TODAY)
    assert figures.revenue_12m == Decimal("90000")
    assert figures.revenue_previous_12m == Decimal("50000")
    assert figures.revenue_change == pytest.approx(0.8)
    assert figures.margin_12m == Decimal("23000")
    assert figures.margin_rate == pytest.approx(23000 / 90000)
    assert figures.orders_12m == 3
    assert figures.average_order_12m == Decimal("30000")
    assert figures.largest_order_12m == Decimal("40000")
    assert figures.returns_12m == Decimal("1500")
    assert figures.orders_total == 5
    assert figures.trading_since == date(2024, 5, 20)
    assert figures.last_order == date(2026, 10, 2)
    # (2026-10-02 minus 2024-05-20) = 865 days over 4 intervals.
    assert figures.average_interval_days == pytest.approx(865 / 4)
    # Paid within the last 12 months: after 20 and 30 days.
    assert figures.average_days_to_pay == pytest.approx(25)
    assert figures.outstanding == Decimal("29500")
    assert figures.overdue == Decimal("29500")


def test_an_account_without_orders_has_empty_figures():
    figures = trading_indicators(AccountFactory(), today=TODAY)
    assert figures.revenue_12m == 0
    assert figures.revenue_change is None
    assert figures.margin_rate is None
    assert figures.average_interval_days is None
    assert figures.trading_since is None


def test_the_header_counts_open_and_overdue_complaints(account_with_orders):
    ComplaintFactory(
        account=account_with_orders, opened_on=date(2026, 10, 1), due_on=date(2026, 10, 15)
    )
    ComplaintFactory(
        account=account_with_orders, opened_on=date(2026, 11, 20), due_on=date(2026, 12, 1)
    )
    ComplaintFactory(
        account=account_with_orders,
        opened_on=date(2026, 9, 1),
        due_on=date(2026, 9, 5),
        status="resolved",
        resolved_on=date(2026, 9, 4),
        resolution="Replaced the parts.",
    )
    header = account_header_figures(account_with_orders, today=TODAY)
    assert header.revenue_12m == Decimal("90000")
    assert header.open_complaints == 2
    assert header.overdue_complaints == 1


def test_the_overview_shows_the_figures_in_the_users_language(client_for, owner):
    account = AccountFactory(owner=owner)
    order(account, date.today() - timedelta(days=10), "123456", "23456")
    client = client_for(owner)
    body = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "CN¥123,456" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "¥123,456" in body and "CN¥" not in body
