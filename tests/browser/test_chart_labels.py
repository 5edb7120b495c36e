"""The survey's importance–performance labels, as the browser draws them (issue 17, defect 10):
on a crowded survey no two labels overlap and none covers a dot, measured with getBBox, so the
chart's estimate of a label's width is checked against real text."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.conftest import log_in
from tests.factories import AccountFactory, completed_survey, shipped_survey_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('[data-testid=ip-label]')].map(t => {
    const b = t.getBBox();
    return {name: t.textContent, left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height};
  });
  const dots = [...document.querySelectorAll('[data-testid=ip-dot] circle')].map(c => {
    const x = +c.getAttribute('cx'), y = +c.getAttribute('cy'), r = +c.getAttribute('r');
    return {name: 'dot', left: x - r, top: y - r, right: x + r, bottom: y + r};
  });
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
                        && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  boxes.forEach((a, i) => {
    boxes.slice(i + 1).forEach(b => { if (hit(a, b)) found.push([a.name, b.name]); });
    dots.forEach(d => { if (hit(a, d)) found.push([a.name, 'a dot']); });
  });
  return {labels: boxes.length, found};
}"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_crowded_survey_labels_do_not_overlap_in_the_browser(page: Page, owner, language):
    account = AccountFactory(owner=owner)
    codes = [indicator.code for indicator in shipped_survey_indicators()]
    points = [(4, 4)] * 6 + [(5, 5)] * 4 + [(4, 5), (5, 4)]
    survey = completed_survey(account, dict(zip(codes, points, strict=True)))
    owner.language = language
    owner.save()
    log_in(page, owner)
    page.goto(reverse("scoring:survey_detail", args=[account.pk, survey.pk]))

    result = page.evaluate(OVERLAPS)

    assert result["labels"] == len(codes)
    assert result["found"] == []
