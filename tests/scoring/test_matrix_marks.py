"""Every matrix's marks equal its numbers (issue 17, defect 1): on the dashboard and on the Matrix
page, each scored account is one bubble, and the bubbles are the accounts the quadrant counts
count, also with several assessments per account and after a new criteria version is published.
The rendered SVG is parsed, so the check holds whatever the query or the template does."""

import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.access import visible_accounts
from accounts.models import Category
from scoring.criteria import services as criteria_services
from scoring.dashboard import revenue_ranking
from scoring.dashboard.cache import replace_version
from scoring.health.runs import health_recalculate_all
from scoring.models import Assessment, CriteriaSet, Quadrant, SetKind
from scoring.portfolio import queries as portfolio_queries
from tests.factories import AccountFactory, TransactionFactory, score, uniform_values

DASHBOARD = reverse("scoring:dashboard")
MATRIX = reverse("scoring:matrix")
# Each account's scorings, oldest first (attractiveness, advantage): the last one is current.
HISTORIES = [
    [(8, 8), (2, 2), (9, 7), (7, 9)],
    [(8, 2), (3, 3)],
    [(2, 8)],
    [(1, 1), (9, 9), (6, 6)],
    [(5, 5), (4, 6), (6, 4)],
    [(9, 1)],
    [(3, 8), (8, 3)],
    [(7, 7), (7, 7), (7, 7), (7, 7)],
]


class MatrixMarks(HTMLParser):
    """The bubbles inside the matrix's <svg> and the quadrant counts the page states."""

    def __init__(self):
        super().__init__()
        self.in_matrix = 0
        self.bubble_ids: list[int] = []
        self.bubbles_outside_matrix = 0
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        testid = attrs.get("data-testid")
        if tag == "svg":
            self.in_matrix += 1 if (self.in_matrix or testid == "matrix") else 0
        if testid == "bubble":
            if self.in_matrix:
                self.bubble_ids.append(int(attrs["data-account-id"]))
            else:
                self.bubbles_outside_matrix += 1
        if testid in ("quadrant-link", "quadrant-count"):  # the dashboard's, the Matrix page's
            self.counts[attrs["data-quadrant"]] = int(attrs["data-count"])

    def handle_endtag(self, tag):
        if tag == "svg" and self.in_matrix:
            self.in_matrix -= 1


def marks(client, url) -> MatrixMarks:
    response = client.get(url)
    assert response.status_code == 200
    parser = MatrixMarks()
    parser.feed(response.content.decode())
    assert parser.bubbles_outside_matrix == 0
    return parser


def current_quadrants(user) -> dict[int, str]:
    """The accounts the quadrant counts stand for: the user's accounts with a current assessment
    that has both indices, and the quadrant of that assessment."""
    return dict(
        Assessment.objects.filter(
            is_current=True,
            attractiveness__isnull=False,
            advantage__isnull=False,
            account__in=visible_accounts(user).values("pk"),
        ).values_list("account_id", "quadrant")
    )


@pytest.fixture
def scored_portfolio(owner, outsider):
    """Eight scored accounts of the owner, each scored one to four times, one never scored, and
    another manager's scored account the owner must not see."""
    criteria_set = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status="published")
    accounts = []
    for index, history in enumerate(HISTORIES):
        account = AccountFactory(name=f"Scored {index}", owner=owner)
        amount = Decimal(1000 * (index + 1))
        TransactionFactory(account=account, amount=amount, gross_margin=amount / 4)
        for attractiveness, advantage in history:
            score(account, uniform_values(criteria_set, attractiveness, advantage))
        accounts.append(account)
    AccountFactory(name="Never scored", owner=owner)
    elsewhere = AccountFactory(name="Elsewhere", owner=outsider)
    score(elsewhere, uniform_values(criteria_set, 9, 9))
    health_recalculate_all()
    replace_version()
    return accounts


def assert_marks_equal_numbers(page: MatrixMarks, expected: dict[int, str], cap: int):
    ids = page.bubble_ids
    assert len(ids) == len(set(ids)), f"an account drawn twice: {Counter(ids).most_common(3)}"
    assert sum(page.counts.values()) == len(expected)
    assert set(ids) <= set(expected)
    assert len(ids) == min(cap, len(expected))
    if len(ids) == len(expected):
        drawn = Counter(expected[pk] for pk in ids)
        assert {key: drawn.get(key, 0) for key in page.counts} == page.counts


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD, MATRIX], ids=["dashboard", "matrix"])
def test_each_scored_account_is_one_bubble_whatever_its_history(
    client_for, owner, scored_portfolio, url
):
    expected = current_quadrants(owner)
    assert len(expected) == len(HISTORIES)
    assert Assessment.objects.count() > len(HISTORIES) + 1  # several per account

    assert_marks_equal_numbers(marks(client_for(owner), url), expected, cap=300)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD, MATRIX], ids=["dashboard", "matrix"])
def test_the_bubble_cap_keeps_accounts_distinct(
    client_for, owner, scored_portfolio, url, monkeypatch
):
    monkeypatch.setattr(revenue_ranking, "MATRIX_BUBBLES", 3)
    monkeypatch.setattr(portfolio_queries, "MATRIX_BUBBLES", 3)

    page = marks(client_for(owner), url)

    assert_marks_equal_numbers(page, current_quadrants(owner), cap=3)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD, MATRIX], ids=["dashboard", "matrix"])
def test_after_a_new_criteria_version_each_account_is_still_one_bubble(
    client_for,
    owner,
    director,
    admin_user,
    scored_portfolio,
    url,
    django_capture_on_commit_callbacks,
):
    draft, _ = criteria_services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    draft = CriteriaSet.objects.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        criteria_services.criteria_set_publish(
            criteria_set=draft,
            actor=admin_user,
            expected_version=draft.row_version,
            change_note="Same criteria, a new version.",
        )
    assert set(
        Assessment.objects.filter(is_current=True).values_list("criteria_set_id", flat=True)
    ) == {draft.pk}
    replace_version()

    for user in (owner, director):
        assert_marks_equal_numbers(marks(client_for(user), url), current_quadrants(user), 300)


@pytest.mark.django_db
def test_the_dashboard_matrix_says_what_each_colour_means(client_for, owner, scored_portfolio):
    html = client_for(owner).get(DASHBOARD).content.decode()

    legend = html[html.index('data-testid="matrix-legend"') :]
    legend = legend[: legend.index("</div>")]
    drawn = set(re.findall(r'class="kam-bubble kam-cat-(\w+)"', html))
    shown = set(re.findall(r'data-category="(\w+)"', legend))
    assert drawn and drawn <= shown
    assert shown == set(Category.values)
    for value, label in Category.choices:
        assert f'kam-cat-swatch kam-cat-{value}"' in legend and str(label) in legend


@pytest.mark.django_db
def test_the_key_category_and_the_key_quadrant_have_different_names(
    client_for, owner, scored_portfolio
):
    html = client_for(owner).get(DASHBOARD).content.decode()

    assert "Key accounts by category" in html  # the tile counts the category
    pills = re.findall(r'data-testid="quadrant-link"[^>]*>([^<]*)<', html)
    assert any(pill.startswith("Key quadrant ·") for pill in pills)
    assert str(Quadrant.KEY.label) != str(Category.KEY.label)
