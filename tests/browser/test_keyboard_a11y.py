"""Keyboard and screen-reader checks beyond the coverage editor: the focus ring is clearly visible
on the dark navigation bar and on the page (3:1 against what is next to it), the org chart that is
wider than the page says it scrolls and takes the focus, tables that fit are no extra tab stop, the
survey pages have one landmark per name, and the public survey's radios are big, dark targets on
a phone. axe-core checks each page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from scoring.surveys import services as survey_services
from tests.browser.conftest import axe_violations, log_in
from tests.factories import (
    StakeholderFactory,
    completed_survey,
    shipped_risk_model,
    shipped_survey_indicators,
    tier,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shipped(account):
    # A transactional test flushes the rows the data migrations shipped.
    shipped_survey_indicators()
    shipped_risk_model()
    # The header's grey "no tier" is another check's business (issue 17's contrast part).
    Account.objects.filter(pk=account.pk).update(tier=tier("gold"))


def _channels(colour: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", colour)[:3])


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour):
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (n / 255 for n in _channels(colour))
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_ring(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  colour: style.outlineColor};
        }"""
    )


def test_the_focus_ring_is_clear_on_the_dark_navbar_and_on_the_page(page: Page, owner, account):
    log_in(page, owner)
    page.goto("/accounts/")
    navbar_colour = page.locator(".kam-navbar").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )

    tab_to(page, ".kam-navbar .nav-link")
    ring = focus_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["colour"], navbar_colour) >= 3, (ring, navbar_colour)

    # The user menu opens white: its items get the page's ring, not the navbar's gold.
    tab_to(page, "[data-testid=user-menu]")
    assert contrast(focus_ring(page)["colour"], navbar_colour) >= 3
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".kam-navbar .dropdown-menu .dropdown-item:focus")).to_have_count(1)
    menu_colour = page.locator(".kam-navbar .dropdown-menu.show").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert contrast(focus_ring(page)["colour"], menu_colour) >= 3
    page.keyboard.press("Escape")

    # On the page: a link and a form field, against the white page.
    tab_to(page, "main a, main input, main select, main button")
    ring = focus_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["colour"], "rgb(255, 255, 255)") >= 3


def test_the_org_chart_wider_than_the_page_says_it_scrolls_and_takes_the_focus(
    page: Page, owner, account
):
    chief = StakeholderFactory(account=account, name="Chief")
    for n in range(12):
        StakeholderFactory(account=account, name=f"Report {n:02d}", reports_to=chief)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/stakeholders/org-chart/")

    region = page.locator(".kam-chart-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("data-kam-scrolls", "end")  # the right edge fades
    tab_to(page, ".kam-chart-scroll")
    for _ in range(60):
        page.keyboard.press("ArrowRight")
    expect(region).to_have_attribute("data-kam-scrolls", re.compile("start"))
    assert region.evaluate("el => el.scrollLeft") > 0
    assert axe_violations(page) == []


def test_the_survey_page_has_one_landmark_per_name(page: Page, owner, account):
    survey = completed_survey(account, {"value_for_price": (5, 4), "reliability": (3, 2)})
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/surveys/{survey.pk}/")

    names = page.locator("nav").evaluate_all("navs => navs.map(nav => nav.ariaLabel)")
    assert len(names) == len(set(names)), names
    expect(page.get_by_role("navigation", name="Breadcrumb", exact=True)).to_have_count(1)
    assert axe_violations(page) == []


def test_the_public_surveys_radios_are_big_dark_targets_on_a_phone(new_page, owner, account):
    respondent = StakeholderFactory(account=account, name="Liu Yang", email="")
    survey, _url = survey_services.survey_send(
        account=account, respondent=respondent, language="en", days=14, sent_by=owner
    )
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(survey_services.link_path(survey))
    expect(page.get_by_test_id("public-survey-form")).to_be_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    radio = page.get_by_test_id("importance-value_for_price-3")
    target = radio.locator("xpath=..")  # the label around it: what a finger hits
    box = target.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 44, box
    assert radio.bounding_box()["width"] >= 20
    rim = radio.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast(rim, "rgb(255, 255, 255)") >= 3, rim

    # A tap on the edge of the cell, away from the circle, still chooses the answer.
    target.click(position={"x": 2, "y": 2})
    expect(radio).to_be_checked()
    assert axe_violations(page) == []


SCROLL_RULES = ("scrollable-region-focusable", "landmark-unique", "aria-prohibited-attr")


def test_tables_that_scroll_on_a_phone_take_the_focus_and_have_distinct_names(
    page: Page, owner, account
):
    survey = completed_survey(account, {"value_for_price": (5, 4), "reliability": (3, 2)})
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, owner)
    for path in ("/accounts/", f"/accounts/{account.pk}/surveys/{survey.pk}/"):
        page.goto(path)
        regions = page.locator(".table-responsive")
        expect(regions.first).to_be_visible()
        found = regions.evaluate_all(
            """els => els.map(el => ({
                 scrolls: el.scrollWidth > el.clientWidth, tabindex: el.getAttribute("tabindex"),
                 role: el.getAttribute("role"), label: el.getAttribute("aria-label")
                   || el.getAttribute("aria-labelledby")}))"""
        )
        scrolling = [region for region in found if region["scrolls"]]
        assert scrolling, f"{path}: no table scrolls at 390 px, the check checks nothing"
        for region in scrolling:
            assert region["tabindex"] == "0" and region["role"] == "region", (path, region)
            assert region["label"], (path, region)
        labels = [region["label"] for region in found if region["role"] == "region"]
        assert len(labels) == len(set(labels)), (path, labels)
        violations = [v for v in axe_violations(page) if v.startswith(SCROLL_RULES)]
        assert violations == [], path

    # Wide enough, the account list fits: no tab stop of its own, no region.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/accounts/")
    region = page.locator(".table-responsive").first
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert region.get_attribute("tabindex") is None and region.get_attribute("role") is None
