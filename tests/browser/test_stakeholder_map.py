"""A manager builds a stakeholder map in a real browser: five people through the forms, the org
chart and the power grid, an opposed decision maker raising the warning; a director sees the map
without the private notes; another manager gets 404."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.access import ACCOUNT_MANAGER, SALES_DIRECTOR
from accounts.models import Stakeholder
from tests.browser.conftest import log_in, log_out
from tests.factories import AccountFactory, PrivateNoteFactory, StakeholderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    # name, title, reports to, buying role, attitude, influence, involvement
    ("Liu Yang", "CEO", None, "decision_maker", "supporter", "5", "3"),
    ("Gao Feng", "CIO", "Liu Yang", "rule_maker", "neutral", "4", "4"),
    ("Ma Rui", "IT manager", "Gao Feng", "user", "supporter", "2", "5"),
    ("Zhou Jie", "Assistant to the CEO", "Liu Yang", "gatekeeper", "neutral", "2", "2"),
    ("He Ping", "Engineer", "Ma Rui", "coach", "supporter", "1", "5"),
]
SECRET = "Collects Yixing teapots"


def shown(page: Page, testid: str, person):
    return page.locator(f'[data-testid="{testid}"][data-stakeholder-id="{person.pk}"]')


def add_person(page: Page, account, person, *, from_list: bool) -> None:
    name, title, manager, role, attitude, influence, involvement = person
    if from_list:
        page.goto(reverse("accounts:stakeholders", args=[account.pk]))
        page.get_by_role("link", name=re.compile("Add (a|the first) stakeholder")).first.click()
    else:
        page.goto(reverse("accounts:stakeholder_create", args=[account.pk]))
    page.locator("#id_name").fill(name)
    page.locator("#id_title").fill(title)
    if manager:
        page.locator("#id_reports_to").select_option(label=manager)
    page.locator("#id_buying_role").select_option(role)
    page.locator("#id_attitude").select_option(attitude)
    page.locator("#id_influence").fill(influence)
    page.locator("#id_involvement").fill(involvement)
    if role == "decision_maker":
        page.locator("#id_social_style").select_option("driver")
        page.locator("#id_needs-0-description").fill("Cut the cost of downtime")
        page.locator("#id_interests").fill(SECRET)
    page.get_by_role("button", name="Save stakeholder").click()
    expect(page.get_by_role("alert")).to_contain_text(f"“{name}” saved.")
    expect(page.get_by_test_id("stakeholder-card")).to_contain_text(name)


def test_a_manager_maps_five_people_sees_the_charts_and_the_opposed_decision_maker_warning(
    new_page, owner
):
    account = AccountFactory(name="Haier Smart Home", owner=owner, category="key")
    page = new_page()
    log_in(page, owner)

    for index, person in enumerate(PEOPLE):
        add_person(page, account, person, from_list=index < 2)
    people = {p.name: p for p in Stakeholder.objects.filter(account=account)}
    assert set(people) == {p[0] for p in PEOPLE}
    assert people["He Ping"].reports_to == people["Ma Rui"]
    decider = people["Liu Yang"]

    # The card of the decision maker: guidance for a driver, the need, the private note.
    card = page.get_by_test_id("stakeholder-card")
    page.goto(reverse("accounts:stakeholder_detail", args=[account.pk, decider.pk]))
    expect(page.get_by_test_id("guidance")).to_contain_text("results-first")
    expect(card.get_by_test_id("needs")).to_contain_text("Cut the cost of downtime")
    expect(page.get_by_test_id("private-notes")).to_contain_text(SECRET)

    # The org chart: five boxes, each linking to its card.
    page.get_by_test_id("stakeholder-subnav").get_by_role("link", name="Org chart").click()
    nodes = page.get_by_test_id("org-node")
    expect(nodes).to_have_count(5)
    for name, person in people.items():
        expect(shown(page, "org-node", person)).to_contain_text(name)
    line = f'[data-from="{people["Ma Rui"].pk}"][data-to="{people["He Ping"].pk}"]'
    expect(page.locator(line)).to_have_count(1)
    expect(shown(page, "org-node", decider)).to_have_attribute("data-attitude", "supporter")

    # The power grid: five markers; clicking one opens the card.
    page.get_by_test_id("stakeholder-subnav").get_by_role("link", name="Power grid").click()
    expect(page.get_by_test_id("grid-person")).to_have_count(5)
    marker = shown(page, "grid-person", people["Ma Rui"])
    expect(marker).to_have_attribute("data-influence", "2")
    marker.locator("circle").click()
    expect(page.get_by_test_id("stakeholder-card")).to_contain_text("IT manager")

    # The decision maker turns against us: the warning appears on the Stakeholders tab.
    page.goto(reverse("accounts:stakeholder_edit", args=[account.pk, decider.pk]))
    page.locator("#id_attitude").select_option("opponent")
    page.get_by_role("button", name="Save stakeholder").click()
    expect(page.get_by_role("alert")).to_contain_text("“Liu Yang” saved.")
    page.get_by_test_id("stakeholder-subnav").get_by_role("link", name="List").click()
    warning = page.locator('[data-testid="map-warning"][data-rule="decision_maker_opposed"]')
    expect(warning).to_contain_text("Liu Yang")
    expect(page.get_by_test_id("map-status")).to_have_attribute("data-status", "red")


def test_a_director_sees_the_card_without_private_notes_and_another_manager_gets_404(
    new_page, owner
):
    account = AccountFactory(name="Haier Smart Home", owner=owner, category="key")
    decider = StakeholderFactory(
        account=account, name="Liu Yang", buying_role="decision_maker", social_style="driver"
    )
    PrivateNoteFactory(stakeholder=decider, interests=SECRET)
    card_url = reverse("accounts:stakeholder_detail", args=[account.pk, decider.pk])
    page = new_page()

    director = UserFactory(username="director", role=SALES_DIRECTOR)
    log_in(page, director)
    page.goto(card_url)
    expect(page.get_by_test_id("stakeholder-card")).to_contain_text("Liu Yang")
    expect(page.get_by_test_id("guidance")).to_contain_text("results-first")
    expect(page.get_by_test_id("private-notes")).to_have_count(0)
    assert SECRET not in page.content()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    log_out(page)

    other = UserFactory(username="other", role=ACCOUNT_MANAGER)
    log_in(page, other)
    response = page.goto(card_url)
    assert response.status == 404
    assert "Liu Yang" not in page.content()
