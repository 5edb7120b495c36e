"""Ids and chart coordinates past 999 are printed as plain numbers, never grouped ("1,234")."""

import re

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, CoverageFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

GROUPED_NUMBER = re.compile(r'="[^"]*\d,\d{3}')


@pytest.mark.parametrize(
    "url_name",
    ["stakeholders", "stakeholder_org_chart", "stakeholder_power_grid", "coverage"],
)
def test_attributes_never_carry_grouped_numbers(client_for, owner, teammate, url_name):
    account = AccountFactory(pk=123456, owner=owner)
    account.team_members.create(user=teammate)
    boss = StakeholderFactory(pk=234567, account=account, name="Boss")
    # Enough people side by side that the org chart grows wider than 1,000 units.
    for number in range(12):
        StakeholderFactory(pk=300000 + number, account=account, reports_to=boss)
    CoverageFactory(stakeholder=boss, user=owner)

    body = client_for(owner).get(reverse(f"accounts:{url_name}", args=[account.pk])).content
    html = body.decode()

    assert "234567" in html
    assert not GROUPED_NUMBER.findall(html), GROUPED_NUMBER.findall(html)[:5]
