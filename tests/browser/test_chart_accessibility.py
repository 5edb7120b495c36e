"""Charts whose marks are links are usable with a screen reader (issue 17, defect 12): an <svg>
that holds links is a named group, not role=img (an image's children are presentational, so its
links would be hidden), and every link in it has its own name. axe-core checks the charts of the
dashboard, the Matrix page, the org chart, the power grid and the account's health tab."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import Attitude, Category
from scoring.health.runs import health_recalculate_all
from tests.browser.conftest import AXE, log_in
from tests.factories import (
    AccountFactory,
    StakeholderFactory,
    TransactionFactory,
    completed_survey,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each chart's links must satisfy, read in the page: the <svg>s holding a focusable mark
# that are role=img, and the links inside an <svg> without a name of their own (aria-label, a
# <title> child, or text).
SVG_PROBLEMS = """() => {
  const focusable = 'a[href], [tabindex]';
  const images = [...document.querySelectorAll('svg[role=img]')]
    .filter(svg => svg.querySelector(focusable))
    .map(svg => svg.getAttribute('data-testid') || svg.getAttribute('class'));
  const nameless = [...document.querySelectorAll('svg a')].filter(a => {
    const title = [...a.children].find(child => child.tagName.toLowerCase() === 'title');
    const name = a.getAttribute('aria-label') || (title && title.textContent) || a.textContent;
    return !(name || '').trim();
  }).map(a => a.getAttribute('href'));
  const groups = [...document.querySelectorAll('svg')]
    .filter(svg => svg.querySelector(focusable))
    .filter(svg => !['group', 'graphics-document'].includes(svg.getAttribute('role'))
                   || !svg.getAttribute('aria-labelledby') && !svg.getAttribute('aria-label'))
    .map(svg => svg.getAttribute('data-testid') || svg.getAttribute('class'));
  return {images, nameless, unnamed_groups: groups,
          charts: document.querySelectorAll('svg a[href]').length};
}"""


def chart_axe_violations(page: Page) -> list[str]:
    """axe-core over every <svg> chart of the page (the rest of the page has its own checks)."""
    page.evaluate(AXE)
    result = page.evaluate(
        "axe.run({include: [...document.querySelectorAll('svg')].map(svg => svg)},"
        " {resultTypes: ['violations']})"
    )
    assert result["testEngine"]["name"] == "axe-core" and result["passes"]
    return [
        f"{v['id']}: {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
    ]


@pytest.fixture
def charted(owner, director):
    criteria_set = shipped_criteria_set()
    account = AccountFactory(name="Eastern Steel", owner=owner, category=Category.KEY)
    for index, (attractiveness, advantage) in enumerate([(8, 8), (3, 7), (6, 2)]):
        other = account if index == 0 else AccountFactory(name=f"Other {index}", owner=owner)
        score(other, uniform_values(criteria_set, attractiveness, advantage))
        amount = Decimal(100_000 * (index + 1))
        TransactionFactory(account=other, amount=amount, gross_margin=amount / 4)
    boss = StakeholderFactory(account=account, name="Li Boss", attitude=Attitude.SUPPORTER)
    StakeholderFactory(account=account, name="Wang Buyer", reports_to=boss, influence=4)
    today = datetime.date.today()
    for days in (200, 100, 10):
        completed_survey(
            account,
            {"quality": (5, 4), "delivery": (4, 2)},
            respondent=boss,
            answered_on=today - datetime.timedelta(days=days),
        )
    health_recalculate_all()
    return account


@pytest.mark.parametrize(
    "name",
    ["dashboard", "matrix", "org chart", "power grid", "health"],
)
def test_charts_with_links_are_named_groups_of_named_links(page: Page, charted, director, name):
    urls = {
        "dashboard": reverse("scoring:dashboard"),
        "matrix": reverse("scoring:matrix"),
        "org chart": reverse("accounts:stakeholder_org_chart", args=[charted.pk]),
        "power grid": reverse("accounts:stakeholder_power_grid", args=[charted.pk]),
        "health": reverse("scoring:health", args=[charted.pk]),
    }
    log_in(page, director)
    page.goto(urls[name])

    found = page.evaluate(SVG_PROBLEMS)

    assert found["charts"] > 0  # the page did draw linked marks
    assert found["images"] == []
    assert found["nameless"] == []
    assert found["unnamed_groups"] == []
    assert chart_axe_violations(page) == []
