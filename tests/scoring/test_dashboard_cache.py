"""The dashboard's figures are cached per scope and filter until the next recalculation or a
change to what they count (issue 7, item 6)."""

from decimal import Decimal

import pytest
from django.core.cache import cache as django_cache
from django.db import transaction
from django.urls import reverse

from accounts.models import Category, Region, Transaction
from scoring.dashboard import cache, queries
from scoring.health.runs import health_recalculate_all
from tests.factories import AccountFactory, ManagerFactory, TransactionFactory

pytestmark = pytest.mark.django_db

URL = reverse("scoring:dashboard")


@pytest.fixture(autouse=True)
def _empty_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def spy(monkeypatch):
    """Counts how often the figures are computed."""
    calls = []
    compute = queries.dashboard

    def counting(*args, **kwargs):
        calls.append(kwargs.get("compare"))
        return compute(*args, **kwargs)

    monkeypatch.setattr(queries, "dashboard", counting)
    return calls


@pytest.fixture
def key_account(owner):
    account = AccountFactory(name="Cached Co.", category=Category.KEY, owner=owner)
    TransactionFactory(account=account, amount=Decimal(1000), gross_margin=Decimal(250))
    health_recalculate_all()
    return account


def test_a_second_request_reads_the_cache(client_for, director, key_account, spy):
    client = client_for(director)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    assert len(spy) == 1


def test_each_filter_and_period_has_its_own_entry(client_for, director, key_account, spy):
    client = client_for(director)
    client.get(URL)
    client.get(URL, {"region": Region.EAST})
    client.get(URL, {"region": Region.EAST, "compare": "week"})
    client.get(URL, {"region": Region.EAST})
    assert spy == ["month", "month", "week"]


def test_a_manager_never_reads_the_directors_entry(client_for, director, owner, key_account, spy):
    client_for(director).get(URL)
    client_for(owner).get(URL)
    client_for(owner).get(URL)
    assert len(spy) == 2
    assert cache.scope_of(director) == "all"
    assert cache.scope_of(owner) == f"user:{owner.pk}"


def test_a_saved_order_recomputes_once_the_change_commits(
    client_for, director, key_account, spy, django_capture_on_commit_callbacks
):
    client = client_for(director)
    client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        TransactionFactory(account=key_account, amount=Decimal(500), gross_margin=Decimal(100))
    client.get(URL)
    assert len(spy) == 2


def test_a_change_that_rolls_back_keeps_the_cache(
    client_for, director, key_account, spy, django_capture_on_commit_callbacks
):
    client = client_for(director)
    client.get(URL)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        TransactionFactory(account=key_account, amount=Decimal(500), gross_margin=Decimal(100))
        raise RuntimeError("the change fails")
    assert callbacks == []
    client.get(URL)
    assert len(spy) == 1


def test_a_full_run_that_changed_something_recomputes_and_warms_the_dashboards(
    client_for, director, owner, key_account, spy, django_capture_on_commit_callbacks
):
    client = client_for(director)
    client.get(URL)
    # A bulk update sends no signal: the figures wait for the health run, which stores revenue.
    Transaction.objects.filter(account=key_account).update(amount=Decimal(9000))
    client.get(URL)
    assert len(spy) == 1
    with django_capture_on_commit_callbacks(execute=True):
        run = health_recalculate_all()
    assert run.changed == 1
    # The run precomputed the whole portfolio's dashboard and each manager's own.
    assert len(spy) == 3  # the whole portfolio and the one manager's own
    response = client.get(URL)
    assert len(spy) == 3  # read from the warmed cache
    assert response.context["data"].total.revenue == Decimal("9000.00")
    client_for(owner).get(URL)
    assert len(spy) == 3


def test_a_run_that_changed_nothing_keeps_the_cache(
    client_for, director, key_account, spy, django_capture_on_commit_callbacks
):
    client_for(director).get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        run = health_recalculate_all()
    assert run.changed == 0
    client_for(director).get(URL)
    assert len(spy) == 1


def test_signing_in_does_not_empty_the_cache(client_for, director, key_account, spy):
    client_for(director).get(URL)
    other = ManagerFactory()
    other.save(update_fields=["last_login"])
    client_for(director).get(URL)
    assert len(spy) == 1


def test_a_lost_version_key_starts_afresh_rather_than_reusing_old_entries(
    client_for, director, key_account, spy
):
    client_for(director).get(URL)
    django_cache.delete(cache.VERSION_KEY)
    client_for(director).get(URL)
    assert len(spy) == 2


def test_a_partly_invalid_filter_caches_what_it_filtered_under_its_own_key(
    client_for, director, key_account
):
    AccountFactory(name="Northern Co.", region=Region.NORTH)
    client = client_for(director)
    east = client.get(URL, {"tier": "abc", "region": Region.EAST}).context["data"].total
    everything = client.get(URL).context["data"].total
    assert (east.accounts, everything.accounts) == (1, 2)
