import pytest
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse

from accounts.filters import Order, SortedFilterSet, SortFilter
from accounts.models import Account
from accounts.pagination import CappedPaginator
from tests.factories import AccountFactory, ManagerFactory, tier

pytestmark = pytest.mark.django_db


def names_on_page(response):
    return [account.name for account, _revenue in response.context["rows"]]


def test_search_matches_name_legal_name_and_external_id(client_for, director):
    AccountFactory(name="华为技术", legal_name="华为技术有限公司", external_id="C0001")
    AccountFactory(name="China Mobile", legal_name="中国移动通信集团", external_id="C0002")
    AccountFactory(name="Bank of Ningbo", legal_name="宁波银行股份有限公司")
    client = client_for(director)
    url = reverse("accounts:list")
    assert names_on_page(client.get(url, {"q": "华为"})) == ["华为技术"]
    assert names_on_page(client.get(url, {"q": "移动通信"})) == ["China Mobile"]
    assert names_on_page(client.get(url, {"q": "C0002"})) == ["China Mobile"]
    assert names_on_page(client.get(url, {"q": "bank"})) == ["Bank of Ningbo"]


def test_filters_combine(client_for, director):
    manager = ManagerFactory()
    gold = tier("gold")
    AccountFactory(
        name="A", category="key", tier=gold, industry="finance", region="east", owner=manager
    )
    AccountFactory(name="B", category="key", tier=gold, industry="finance", region="north")
    AccountFactory(name="C", category="normal", tier=gold, industry="finance", region="east")
    client = client_for(director)
    response = client.get(
        reverse("accounts:list"),
        {"category": "key", "tier": gold.pk, "industry": "finance", "region": "east"},
    )
    assert names_on_page(response) == ["A"]
    assert names_on_page(client.get(reverse("accounts:list"), {"owner": manager.pk})) == ["A"]


def test_sorting_by_tier_and_name(client_for, director):
    AccountFactory(name="Zeta", tier=tier("platinum"))
    AccountFactory(name="Alpha", tier=tier("lead"))
    AccountFactory(name="Mid", tier=tier("gold"))
    client = client_for(director)
    assert names_on_page(client.get(reverse("accounts:list"))) == ["Alpha", "Mid", "Zeta"]
    assert names_on_page(client.get(reverse("accounts:list"), {"sort": "tier"})) == [
        "Zeta",
        "Mid",
        "Alpha",
    ]
    assert names_on_page(client.get(reverse("accounts:list"), {"sort": "-name"}))[0] == "Zeta"


def test_the_htmx_request_returns_only_the_results_fragment(client_for, director):
    AccountFactory(name="Fragmented Ltd")
    response = client_for(director).get(
        reverse("accounts:list"),
        {"q": "Frag"},
        headers={"HX-Request": "true", "HX-Target": "account-results"},
    )
    body = response.content.decode()
    assert "Fragmented Ltd" in body
    assert "<html" not in body and "kam-filters" not in body


def test_the_count_stops_at_the_cap_and_says_so(client_for, director, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    AccountFactory.create_batch(40)
    response = client_for(director).get(reverse("accounts:list"))
    page = response.context["page"]
    assert page.paginator.count == 30
    assert page.paginator.is_capped
    assert "more than 30" in response.content.decode()


def test_an_exact_count_below_the_cap(client_for, director):
    AccountFactory.create_batch(3)
    page = client_for(director).get(reverse("accounts:list")).context["page"]
    assert page.paginator.count == 3
    assert not page.paginator.is_capped


def test_an_empty_list_tells_a_manager_what_to_do_next(client_for, owner):
    body = client_for(owner).get(reverse("accounts:list")).content.decode()
    assert "You have no accounts yet." in body
    assert reverse("accounts:create") in body


def test_an_empty_search_says_so(client_for, owner, account):
    body = client_for(owner).get(reverse("accounts:list"), {"q": "nothing-like-this"}).content
    assert b"No account matches these filters." in body


def test_ties_are_broken_by_name_then_pk_so_pages_never_overlap(client_for, director):
    gold = tier("gold")
    for name in ("Delta", "Bravo", "Charlie"):
        AccountFactory(name=name, tier=gold)
    client = client_for(director)
    url = reverse("accounts:list")
    assert names_on_page(client.get(url, {"sort": "tier"})) == ["Bravo", "Charlie", "Delta"]
    assert names_on_page(client.get(url, {"sort": "-tier"})) == ["Delta", "Charlie", "Bravo"]


ORDERS = (
    Order("name", "Name", ("name", "pk")),
    Order("risk", "Risk", (F("risk").desc(nulls_last=True), "-pk")),
)


class RiskTable(SortedFilterSet):
    sort = SortFilter(orders=ORDERS, default="name")

    class Meta:
        model = Account
        fields = ["sort"]


class WorstFirstTable(RiskTable):
    sort = SortFilter(orders=ORDERS, default="risk", reversible=False)


def headers_of(query: str, table=RiskTable) -> dict:
    return {header.key: header for header in table(QueryDict(query)).sort_headers}


def test_one_sort_filter_orders_every_table():
    """?sort=key, ?sort=-key for the reverse (nulls stay where the reverse puts them), and an
    unknown value is the default order; the headers say which way and link to the other."""
    sort = RiskTable.base_filters["sort"]
    assert sort.order_by("-name") == ["-name", "-pk"]
    reverse = sort.order_by("-risk")
    assert reverse[1:] == ["pk"]
    assert not reverse[0].descending and reverse[0].nulls_first
    assert sort.order_by("risk")[0].descending  # the declared term is not changed in place
    assert [value for value, _label in sort.extra["choices"]] == ["name", "-name", "risk", "-risk"]
    assert RiskTable(QueryDict("sort=shoe_size")).chosen_sort == "name"
    assert WorstFirstTable(QueryDict("sort=-name")).chosen_sort == "risk"
    headers = headers_of("sort=name")
    assert headers["name"].is_sorted and not headers["name"].descending
    assert headers["name"].next_sort == "-name"
    assert headers["risk"].next_sort == "risk" and not headers["risk"].is_sorted
    headers = headers_of("sort=-name")
    assert headers["name"].descending and headers["name"].next_sort == "name"
    headers = headers_of("sort=name", WorstFirstTable)
    assert headers["name"].is_sorted and headers["name"].next_sort == "name"
