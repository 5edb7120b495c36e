"""The portfolio dashboard page (issue 7): tiles, server-drawn charts whose every element links to
the accounts behind it with the page's filters, the tables, and the charts package's geometry."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Category, Region, Tier
from scoring.dashboard import queries
from scoring.dashboard.cache import replace_version
from scoring.dashboard.charts.portfolio import (
    STAGE_ROWS,
    TIER_ROWS,
    risk_bands,
    stage_bars,
    tier_pyramid,
)
from scoring.dashboard.charts.trends import monthly_bars, satisfaction_line
from scoring.geometry import nice_ceiling
from scoring.health.runs import health_recalculate_all
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    ManagerFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

D = Decimal
TODAY = timezone.localdate()
URL = reverse("scoring:dashboard")


def _query(href: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def _attr(html: str, testid: str, **match) -> list[dict]:
    """Every element with data-testid=testid whose data-* attributes match, as attribute dicts."""
    found = []
    for tag in re.findall(rf'<[a-z]+ [^>]*data-testid="{testid}"[^>]*>', html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if all(attrs.get(f"data-{name}") == str(value) for name, value in match.items()):
            found.append(attrs)
    return found


@pytest.fixture
def portfolio(owner):
    """Two key accounts in the east (one with a complaint past due), a normal one in the south
    owned by another manager; orders in the last 12 months; health calculated."""
    gold = Tier.objects.get(code="gold")
    east_key = AccountFactory(
        name="East Key",
        category=Category.KEY,
        region=Region.EAST,
        tier=gold,
        owner=owner,
        relationship_stage="mid",
    )
    east_key_2 = AccountFactory(
        name="East Key Two",
        category=Category.KEY,
        region=Region.EAST,
        owner=owner,
        relationship_stage="early",
    )
    south = AccountFactory(
        name="South Normal",
        category=Category.NORMAL,
        region=Region.SOUTH,
        owner=ManagerFactory(username="other"),
        relationship_stage="mid",
    )
    for account, amount in ((east_key, 600_000), (east_key_2, 300_000), (south, 100_000)):
        TransactionFactory(
            account=account,
            date=TODAY - datetime.timedelta(days=40),
            amount=D(amount),
            gross_margin=D(amount) / 4,
            invoice_due=None,
        )
    ComplaintFactory(
        account=east_key_2,
        opened_on=TODAY - datetime.timedelta(days=40),
        due_on=TODAY - datetime.timedelta(days=10),
    )
    health_recalculate_all()
    return {"east_key": east_key, "east_key_2": east_key_2, "south": south}


# --- The page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_director_sees_the_portfolio_dashboard_with_every_chart(client_for, director, portfolio):
    response = client_for(director).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Portfolio dashboard" in html
    for chart in ("matrix", "tiers", "stages", "pareto", "risk", "pipeline", "months"):
        assert f'data-testid="chart-{chart}"' in html
    assert 'data-testid="chart-satisfaction"' in html
    # Every chart but the matrix, which has no scored account to place yet and says so.
    assert html.count('<svg class="kam-dash-svg') == 7
    assert html.count('role="group" aria-labelledby="dash-') == 7  # charts of links
    assert 'data-testid="matrix-empty"' in html
    assert len(_attr(html, "month-bar")) == queries.MONTHS
    assert len(_attr(html, "satisfaction-point")) == queries.QUARTERS
    assert len(_attr(html, "band-bar")) == 10
    assert 'name="owner"' in html  # a director filters by account manager
    assert _attr(html, "export-xlsx")[0]["href"] == reverse("scoring:dashboard_export")


@pytest.mark.django_db
def test_the_kpi_tiles_show_the_portfolios_figures(client_for, director, portfolio):
    response = client_for(director).get(URL)
    html = response.content.decode()
    data = response.context["data"]
    tiles = {tile["data-kpi"]: tile for tile in _attr(html, "kpi")}
    assert len(tiles) == 7
    assert tiles["key_accounts"]["data-value"] == "2" == str(data.total.key_accounts)
    assert tiles["complaints"]["data-value"] == "1" == str(data.total.complaints_past_due)
    assert D(tiles["revenue"]["data-value"]) == D("1000000.00") == data.total.revenue
    kpis = {kpi.name: kpi for kpi in response.context["kpis"]}
    assert kpis["key_accounts"].value_text == "2"
    assert kpis["key_accounts"].detail == "90% of revenue"  # 900,000 of 1,000,000
    # No snapshot a month old in a fresh database: nothing to compare the tiles with.
    assert data.compare_day is None
    assert "no earlier snapshot" in html
    # Each tile opens the accounts behind it.
    links = {kpi.name: _query(kpi.url) for kpi in response.context["kpis"]}
    assert links["key_accounts"] == {"category": "key"}
    assert links["plan_coverage"] == {"exception": "no_plan"}
    assert links["visit_compliance"] == {"exception": "not_visited"}
    assert links["high_risk"] == {"level": "high"}
    assert links["complaints"] == {"past_due": "1"}
    assert links["satisfaction"] == {"sort": "satisfaction"}
    assert links["revenue"] == {"sort": "revenue"}


@pytest.mark.django_db
def test_chart_links_carry_the_filters(client_for, director, portfolio):
    html = client_for(director).get(URL, {"region": "east"}).content.decode()
    mid = _attr(html, "stage-bar", stage="mid")[0]
    assert mid["data-count"] == "1"  # the southern mid-KAM account is filtered out
    assert _query(mid["href"].replace("&amp;", "&")) == {"region": "east", "stage": "mid"}
    up = _attr(html, "stage-moved", stage="mid", moved="up")[0]
    assert _query(up["href"].replace("&amp;", "&")) == {
        "region": "east",
        "stage": "mid",
        "moved": "up",
    }
    for testid in ("band-bar", "month-bar", "satisfaction-point", "tier-bar", "quadrant"):
        for element in _attr(html, testid):
            assert _query(element["href"].replace("&amp;", "&"))["region"] == "east", testid
    gold = _attr(html, "tier-bar", tier=Tier.objects.get(code="gold").pk)[0]
    assert gold["data-count"] == "1"
    export = _attr(html, "export-xlsx")[0]["href"]
    assert export == reverse("scoring:dashboard_export") + "?region=east"


@pytest.mark.django_db
def test_the_matrix_places_scored_accounts_and_links_bubbles_and_quadrants(
    client_for, director, portfolio
):
    score(portfolio["east_key"], uniform_values(shipped_criteria_set(), 8, 8))
    health_recalculate_all()
    html = client_for(director).get(URL, {"region": "east"}).content.decode()
    bubble = _attr(html, "bubble")[0]
    assert bubble["data-account-id"] == str(portfolio["east_key"].pk)
    assert bubble["href"] == reverse("accounts:detail", args=[portfolio["east_key"].pk])
    key = _attr(html, "quadrant", quadrant="key")[0]
    assert _query(key["href"].replace("&amp;", "&")) == {"region": "east", "quadrant": "key"}
    assert _attr(html, "quadrant-link", quadrant="key")[0]["data-count"] == "1"
    assert 'data-testid="matrix-unscored"' in html  # the other eastern account


@pytest.mark.django_db
def test_an_account_manager_sees_my_portfolio_without_an_owner_filter(client_for, owner, portfolio):
    response = client_for(owner).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "My portfolio" in html and "Portfolio dashboard</h1>" not in html
    assert 'name="owner"' not in html
    assert "South Normal" not in html  # another manager's account
    assert response.context["data"].total.accounts == 2
    # The manager table names the manager but links nowhere (no owner filter to link to).
    assert not _attr(html, "manager-link")


@pytest.mark.django_db
def test_a_director_can_open_each_managers_accounts(client_for, director, owner, portfolio):
    html = client_for(director).get(URL).content.decode()
    links = [_query(a["href"].replace("&amp;", "&")) for a in _attr(html, "manager-link")]
    assert {"owner": str(owner.pk)} in links


@pytest.mark.django_db
def test_an_empty_portfolio_renders_a_friendly_empty_state(client_for, director):
    response = client_for(director).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard-empty"' in html
    assert "There are no accounts in this portfolio yet." in html
    assert 'data-testid="chart-matrix"' not in html


@pytest.mark.django_db
def test_a_filter_that_matches_nothing_says_so(client_for, director, portfolio):
    html = client_for(director).get(URL, {"region": "overseas"}).content.decode()
    assert 'data-testid="dashboard-empty"' in html
    assert "No account matches these filters." in html


@pytest.mark.django_db
def test_bad_filter_values_show_an_error_and_no_server_error(client_for, director, portfolio):
    response = client_for(director).get(URL, {"tier": "abc", "region": "nowhere"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "Select a valid choice" in html
    # The bad values are ignored, so links do not carry them.
    assert all("nowhere" not in a["href"] for a in _attr(html, "stage-bar"))


@pytest.mark.django_db
def test_the_period_in_use_is_the_one_selected(client_for, director, portfolio):
    html = client_for(director).get(URL, {"region": "east"}).content.decode()
    assert '<option value="month" selected>' in html  # the default, though the URL names none
    html = client_for(director).get(URL, {"compare": "quarter"}).content.decode()
    assert '<option value="quarter" selected>' in html
    assert '<option value="month" selected>' not in html


@pytest.mark.django_db
def test_directors_and_admins_find_the_dashboard_in_the_portfolio_menu(client_for, director):
    html = client_for(director).get(reverse("accounts:list")).content.decode()
    assert _attr(html, "nav-dashboard")[0]["href"] == URL


@pytest.mark.django_db
def test_the_print_link_keeps_the_filters(client_for, director, portfolio):
    html = client_for(director).get(URL, {"region": "east"}).content.decode()
    href = _attr(html, "print")[0]["href"].replace("&amp;", "&")
    assert _query(href) == {"region": "east", "print": "1"}
    printed = client_for(director).get(URL, {"region": "east", "print": "1"})
    assert printed.status_code == 200 and b"kam-print-preview" in printed.content


# --- The geometry ---------------------------------------------------------------------------------


def test_nice_ceiling_rounds_up_to_a_readable_axis_maximum():
    assert nice_ceiling(0, integer=True) == 5
    assert nice_ceiling(3, integer=True) == 5
    assert nice_ceiling(121, integer=True) == 200
    assert nice_ceiling(230) == 250
    assert nice_ceiling(1_234_567) == 2_000_000
    assert nice_ceiling(0.3) == 0.5


def _tier(pk, count, name="T"):
    return SimpleNamespace(pk=pk, label=name, count=count, revenue=D(count * 1000))


def test_the_tier_pyramid_sizes_bars_by_count_and_centres_them():
    chart = tier_pyramid([_tier(1, 5), _tier(2, 20), _tier(None, 0)], {"region": "east"})
    best, largest, untiered = chart.bars
    assert float(largest.width) == TIER_ROWS.bar
    assert float(best.width) == pytest.approx(TIER_ROWS.bar / 4, abs=0.1)
    centre = TIER_ROWS.label + 8 + TIER_ROWS.bar / 2
    for bar in (best, largest):
        assert float(bar.x) + float(bar.width) / 2 == pytest.approx(centre, abs=0.1)
    assert float(untiered.width) == 0 and untiered.key == "null"
    assert _query(untiered.url) == {"region": "east", "tier": "null"}
    assert float(best.y) < float(largest.y) < float(untiered.y)  # best tier on top


def test_risk_bands_stack_low_medium_high_upwards_to_the_count():
    rows = [
        SimpleNamespace(band=band, count=0, low=0, medium=0, high=0, lowest=band * 10, highest=0)
        for band in range(10)
    ]
    rows[5] = SimpleNamespace(band=5, count=10, low=4, medium=4, high=2, lowest=50, highest=59)
    chart = risk_bands(rows, {})
    bar = chart.bars[5]
    low, medium, high = bar.segments
    assert [s.level for s in bar.segments] == ["low", "medium", "high"]
    assert float(low.height) == pytest.approx(2 * float(high.height), abs=0.2)
    # Stacked: each segment sits on the one below, the lowest on the axis.
    assert float(low.y) + float(low.height) == pytest.approx(float(chart.bottom), abs=0.2)
    assert float(medium.y) + float(medium.height) == pytest.approx(float(low.y), abs=0.2)
    assert not chart.bars[0].segments
    assert _query(bar.url) == {"band": "5"}


def test_the_satisfaction_line_breaks_at_a_quarter_without_surveys():
    starts = [datetime.date(2025, month, 1) for month in (1, 4, 7, 10)]
    averages = [D(60), None, D(70), D(80)]
    rows = [
        SimpleNamespace(start=s, average=a, surveys=1 if a else 0, label=f"Q{n}")
        for n, (s, a) in enumerate(zip(starts, averages, strict=True))
    ]
    chart = satisfaction_line(rows, {})
    assert len(chart.lines) == 1  # the lone first point draws no line; the last two do
    assert chart.lines[0].count(",") == 2
    top = float(chart.y_ticks[-1][1])  # 100
    bottom = float(chart.y_ticks[0][1])  # 0
    assert float(chart.points[3].y) == pytest.approx(bottom - (bottom - top) * 0.8, abs=0.1)
    assert _query(chart.points[2].url) == {"quarter": "2025-07-01"}


def test_monthly_bars_keep_the_zero_line_when_margin_is_negative():
    rows = [
        SimpleNamespace(month=datetime.date(2026, m, 1), revenue=D(r), margin=D(g))
        for m, r, g in ((1, 1000, 200), (2, 500, -300), (3, 0, 0))
    ]
    chart = monthly_bars(rows, {})
    zero = float(chart.zero_y)
    first, second, third = chart.bars
    assert float(first.y) + float(first.height) == pytest.approx(zero, abs=0.2)
    assert float(second.margin_y) > zero  # below the axis
    assert float(third.height) == 0
    assert float(first.height) == pytest.approx(2 * float(second.height), abs=0.2)
    assert _query(second.url) == {"month": "2026-02"}


def test_stage_bars_link_each_stage_and_its_moves():
    rows = [
        SimpleNamespace(stage="early", label="Early", count=4, moved_up=1, moved_down=0),
        SimpleNamespace(stage="mid", label="Mid", count=8, moved_up=0, moved_down=2),
    ]
    chart = stage_bars(rows, {"region": "east"})
    early, mid = chart.bars
    assert float(mid.width) == STAGE_ROWS.bar
    assert float(early.width) == pytest.approx(STAGE_ROWS.bar / 2, abs=0.1)
    assert _query(mid.down_url) == {"region": "east", "stage": "mid", "moved": "down"}
    assert (chart.moved_up, chart.moved_down) == (1, 2)


@pytest.mark.django_db
def test_the_page_runs_as_many_queries_for_more_accounts(client_for, director, portfolio):
    client = client_for(director)
    client.get(URL)  # warm up: sessions, tiers, translations
    replace_version()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(4):
        account = AccountFactory(category=Category.KEY, relationship_stage="mid")
        amount = D(10_000 * (index + 1))
        TransactionFactory(account=account, amount=amount, gross_margin=amount / 4)
        ComplaintFactory(account=account, due_on=TODAY - datetime.timedelta(days=3))
    health_recalculate_all()
    replace_version()
    with CaptureQueriesContext(connection) as more:
        response = client.get(URL)
    assert response.context["data"].total.accounts == 7
    assert len(more.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_each_risk_bar_names_its_split_by_level(client_for, director, portfolio):
    """The colours of a stacked bar are said in its link's name too (issue 17)."""
    html = client_for(director).get(URL).content.decode()
    bars = re.findall(r'data-testid="band-bar"[^>]*>\s*<title>([^<]*)</title>', html)
    assert len(bars) == 10
    counted = [title for title in bars if not title.endswith(": 0 accounts")]
    assert counted and all(re.search(r" · (low|medium|high) \d+", title) for title in counted)
