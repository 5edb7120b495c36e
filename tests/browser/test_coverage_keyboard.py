"""The coverage editor with the keyboard alone (Tab, Enter, Escape; no mouse): the focus goes into
the cell that opens, comes back to the same cell after Save and after Cancel, and the save is
announced in a live region. At 1440 px a wide matrix shows that it scrolls, takes the focus to be
scrolled with the arrow keys, and keeps its first column in place."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account, BuyingRole, Coverage
from tests.browser.conftest import axe_violations, log_in
from tests.factories import CoverageFactory, StakeholderFactory, tier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "document.activeElement"


def focused(page: Page) -> dict:
    """Where the focus is: the element's tag, its cell (id) and whether it is in the open form."""
    return page.evaluate(
        f"""() => {{
          const el = {FOCUSED};
          const cell = el.closest("td");
          return {{
            tag: el.tagName.toLowerCase(),
            cell: cell ? cell.id : null,
            editing: !!el.closest("[data-testid=coverage-cell-form]"),
          }};
        }}"""
    )


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is on `selector` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"{FOCUSED}.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture(autouse=True)
def _tiered(account):
    # The header's grey "no tier" is another check's business (issue 17's contrast part).
    Account.objects.filter(pk=account.pk).update(tier=tier("gold"))


@pytest.fixture
def two_people(account, owner):
    boss = StakeholderFactory(
        account=account, name="Liu Yang", buying_role=BuyingRole.DECISION_MAKER, influence=5
    )
    coach = StakeholderFactory(account=account, name="Chen Jing", buying_role=BuyingRole.COACH)
    CoverageFactory(stakeholder=boss, user=owner, strength=3)
    CoverageFactory(stakeholder=coach, user=owner, strength=2)
    return boss, coach


def test_a_keyboard_user_opens_saves_and_cancels_a_cell_without_losing_the_focus(
    page: Page, owner, teammate, account, two_people
):
    boss, coach = two_people
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")
    cell_id = f"cell-{boss.pk}-{teammate.pk}"
    status = page.get_by_test_id("coverage-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")

    # Tab to the cell and open it with Enter: the focus is on the form's first field.
    tab_to(page, f"#{cell_id} a")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("coverage-cell-form")).to_be_visible()
    expect(page.locator(f"#{cell_id} select[name=strength]")).to_be_focused()
    assert focused(page) == {"tag": "select", "cell": cell_id, "editing": True}

    # Choose "2" with the keyboard, Tab on to Save and press Enter.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{cell_id} select[name=strength]")).to_have_value("2")
    tab_to(page, f"#{cell_id} button[type=submit]")
    page.keyboard.press("Enter")

    # The board is redrawn; the focus is back on the same cell's link, not the top of the page,
    # and the save is announced.
    expect(page.get_by_test_id("coverage-cell-form")).to_have_count(0)
    expect(page.locator(f"#{cell_id}")).to_have_attribute("data-strength", "2")
    expect(page.locator(f"#{cell_id} a")).to_be_focused()
    expect(status).to_have_text("Coverage of Liu Yang by Na Li saved.")
    assert Coverage.objects.get(stakeholder=boss, user=teammate).strength == 2

    # Open it again and leave with Escape: nothing changes and the focus is on the cell again.
    page.keyboard.press("Enter")
    expect(page.locator(f"#{cell_id} select[name=strength]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("coverage-cell-form")).to_have_count(0)
    expect(page.locator(f"#{cell_id} a")).to_be_focused()
    assert Coverage.objects.get(stakeholder=boss, user=teammate).strength == 2

    # Cancel, reached with Tab and pressed with Enter, does the same for another cell.
    other_id = f"cell-{coach.pk}-{teammate.pk}"
    tab_to(page, f"#{other_id} a")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{other_id} select[name=strength]")).to_be_focused()
    tab_to(page, f"#{other_id} [data-kam-cancel]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{other_id} a")).to_be_focused()
    assert not Coverage.objects.filter(stakeholder=coach, user=teammate).exists()
    assert axe_violations(page) == []


def test_a_refused_value_keeps_the_focus_in_the_cell_on_the_field_in_error(
    page: Page, owner, teammate, account, two_people
):
    boss, _coach = two_people
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")
    cell_id = f"cell-{boss.pk}-{teammate.pk}"
    tab_to(page, f"#{cell_id} a")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{cell_id} select[name=strength]")).to_be_focused()
    tab_to(page, f"#{cell_id} input[name=last_contact]")
    page.keyboard.type("01012999")  # the date input takes the digits in field order
    expect(page.locator(f"#{cell_id} input[name=last_contact]")).to_have_value("2999-01-01")
    tab_to(page, f"#{cell_id} button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("coverage-cell-form")).to_contain_text(
        "The last contact cannot be in the future."
    )
    expect(page.locator(f"#{cell_id} input[name=last_contact]")).to_be_focused()
    expect(page.get_by_test_id("coverage-status")).to_have_text("")


def test_a_wide_matrix_at_1440px_shows_it_scrolls_and_keeps_its_first_column(
    page: Page, owner, account
):
    people = [StakeholderFactory(account=account, name=f"Person {n:02d}") for n in range(14)]
    for person in people[:3]:
        CoverageFactory(stakeholder=person, user=owner, strength=2)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")

    region = page.locator("#coverage-board .table-responsive")
    # Cut off on the right, and it says so: a named, focusable region whose right edge fades.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("aria-label", "Coverage matrix")
    expect(region).to_have_attribute("data-kam-scrolls", "end")
    assert "linear-gradient" in region.evaluate("el => getComputedStyle(el).maskImage")

    first_cell = page.locator("[data-testid=coverage-matrix] tbody tr th").first
    left_before = first_cell.bounding_box()["x"]
    total = page.locator("[data-testid=coverage-matrix] thead th").last
    expect(total).to_have_text("Total")
    assert total.bounding_box()["x"] > region.bounding_box()["x"] + region.bounding_box()["width"]

    # The keyboard scrolls it: focus the region (Tab) and hold the right arrow.
    tab_to(page, "#coverage-board .table-responsive")
    at_end = "el => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1"
    for _ in range(80):
        page.keyboard.press("ArrowRight")
        if region.evaluate(at_end):
            break
    assert region.evaluate(at_end)
    expect(region).to_have_attribute("data-kam-scrolls", "start")
    box = region.bounding_box()
    assert total.bounding_box()["x"] + total.bounding_box()["width"] <= box["x"] + box["width"] + 1
    # The first column stayed where it was, with an opaque background over the cells below it.
    assert first_cell.bounding_box()["x"] == pytest.approx(left_before, abs=2)
    background = first_cell.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background in ("rgb(255, 255, 255)", "rgba(255, 255, 255, 1)"), background
    assert first_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
    assert axe_violations(page) == []


def test_a_matrix_that_fits_is_no_extra_tab_stop(page: Page, owner, account, two_people):
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")
    region = page.locator("#coverage-board .table-responsive")
    expect(page.get_by_test_id("coverage-matrix")).to_be_visible()
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    for attribute in ("tabindex", "role", "aria-label", "data-kam-scrolls"):
        assert region.get_attribute(attribute) is None, attribute
