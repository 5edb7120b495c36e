"""DESIGN.md §3 on every tier URL: every role reads the rules; only admins edit, preview and
apply them (403 for the others, nothing changes). Query counts pinned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Transaction
from scoring.models import TierPolicy, TierRule
from tests.access_checks import assert_refused, url_names
from tests.factories import AccountFactory, TransactionFactory, shipped_tier_rules, tier

pytestmark = pytest.mark.django_db

NAMES = {
    "scoring:tier_rules",
    "scoring:tier_rules_edit",
    "scoring:tier_preview",
    "scoring:tier_apply",
}


def urls():
    return {name: reverse(name) for name in NAMES}


def snapshot():
    return (
        list(TierRule.objects.values_list("pk", "min_value", "top_percent").order_by("pk")),
        list(TierPolicy.objects.values_list("basis", "method", "last_applied_at")),
        list(Account.objects.values_list("pk", "tier_id").order_by("pk")),
    )


def test_every_tier_url_is_covered_by_these_tests():
    assert {n for n in url_names("scoring") if n.startswith("scoring:tier")} == NAMES


@pytest.mark.parametrize("persona", ["owner", "outsider", "director", "admin_user"])
def test_every_role_reads_the_rules(client_for, request, persona):
    shipped_tier_rules()
    response = client_for(request.getfixturevalue(persona)).get(reverse("scoring:tier_rules"))
    assert response.status_code == 200
    assert (b'data-testid="tier-edit"' in response.content) == (persona == "admin_user")


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_only_admins_edit_preview_and_apply(client_for, request, persona, account):
    shipped_tier_rules()
    TransactionFactory(account=account, amount=60_000_000)  # applying would make it platinum
    client = client_for(request.getfixturevalue(persona))
    u = urls()
    for name in ("scoring:tier_rules_edit", "scoring:tier_preview", "scoring:tier_apply"):
        assert client.get(u[name]).status_code == 403, name
    assert_refused(
        client,
        {
            u["scoring:tier_rules_edit"]: {
                "basis": "margin",
                "method": "percentile",
                "row_version": TierPolicy.objects.get(pk=1).row_version,
            },
            u["scoring:tier_apply"]: {"row_version": TierPolicy.objects.get(pk=1).row_version},
            u["scoring:tier_preview"]: {},
        },
        unchanged=snapshot,
    )


def test_an_admin_opens_every_tier_page(client_for, admin_user):
    shipped_tier_rules()
    client = client_for(admin_user)
    for name in ("scoring:tier_rules", "scoring:tier_rules_edit", "scoring:tier_preview"):
        assert client.get(urls()[name]).status_code == 200, name
    assert client.get(urls()["scoring:tier_apply"]).status_code == 405


def _accounts(count):
    today = timezone.localdate()
    owner = AccountFactory().owner
    accounts = Account.objects.bulk_create(
        Account(name=f"Acc {n:03d}", industry="manufacturing", region="east", owner=owner,
                tier=tier("iron"))
        for n in range(count)
    )  # fmt: skip
    Transaction.objects.bulk_create(
        Transaction(account=a, date=today, amount=10_000 * (n + 1) ** 2, gross_margin=1000)
        for n, a in enumerate(accounts)
    )


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("name", ["scoring:tier_rules", "scoring:tier_preview"])
def test_tier_pages_run_a_fixed_number_of_queries(
    client_for, admin_user, count, name, django_assert_max_num_queries
):
    shipped_tier_rules()
    _accounts(count)
    client = client_for(admin_user)
    client.get(reverse(name))  # warm the session and role caches
    with django_assert_max_num_queries(7):  # with the session and the unread count
        response = client.get(reverse(name))
    assert response.status_code == 200
