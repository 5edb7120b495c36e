"""The dashboard's print layout keeps every figure on one line (issue 17, defect 15): a revenue
figure broken in the middle ("CN¥12,345," / "678") is misread. Each run of a figure in the printed
page is measured: its characters must sit on one line."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import Category
from scoring.health.runs import health_recalculate_all
from tests.browser.conftest import log_in
from tests.factories import (
    AccountFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every figure (a currency sign or digits, with its separators) in the dashboard's text that is
# laid out on more than one line, and the key-figure tiles whose content overflows them.
BROKEN_FIGURES = r"""() => {
  const figure = /(?:[A-Z]{0,2}[¥$€£])?\d[\d,.]*\d(?:\s?%)?/g;
  const root = document.querySelector('[data-testid=dashboard]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const broken = [];
  const checked = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('svg')) continue;  // charts are drawn, not wrapped
    for (const match of node.textContent.matchAll(figure)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (!rects.length) continue;  // not shown
      checked.push(match[0]);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  const overflowing = [...root.querySelectorAll('[data-testid=kpi]')]
    .filter(tile => tile.scrollWidth > tile.clientWidth + 1)
    .map(tile => tile.getAttribute('data-kpi'));
  return {checked, broken, overflowing};
}"""


@pytest.fixture
def big_portfolio(owner):
    criteria_set = shipped_criteria_set()
    for index in range(3):
        account = AccountFactory(
            name=f"Very Large Industrial Group {index}", owner=owner, category=Category.KEY
        )
        score(account, uniform_values(criteria_set, 8, 7))
        amount = Decimal("3456789012.00") * (index + 1)
        TransactionFactory(account=account, amount=amount, gross_margin=amount / 4)
    health_recalculate_all()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_printed_dashboard_never_breaks_a_figure(page: Page, director, big_portfolio, language):
    director.language = language
    director.save()
    log_in(page, director)
    page.set_viewport_size({"width": 1047, "height": 740})  # A4 landscape at 96 dpi
    page.emulate_media(media="print")
    page.goto(reverse("scoring:dashboard") + "?print=1")

    result = page.evaluate(BROKEN_FIGURES)

    # The portfolio's revenue in full, the figure that broke, was among those measured.
    assert any("20,740,734,072" in figure for figure in result["checked"]), result["checked"]
    assert result["broken"] == []
    assert result["overflowing"] == []  # kept whole, and still inside its tile
