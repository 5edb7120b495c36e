"""DESIGN.md §3 on every health URL: anyone who sees an account reads its Health tab (another
manager's account is 404); every role reads the overview (managers only their own accounts) and
the risk model; only admins edit the model, see the runs and start a recalculation (403 for the
others, nothing changes)."""

import pytest
from django.urls import reverse

from scoring.models import AccountHealth, HealthRun, RiskFactor, RiskPolicy
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import AccountFactory, shipped_risk_model

pytestmark = pytest.mark.django_db

NAMES = {
    "scoring:health",
    "scoring:health_overview",
    "scoring:health_model",
    "scoring:health_model_edit",
    "scoring:health_runs",
    "scoring:health_recalculate",
}
ADMIN_ONLY = ("scoring:health_model_edit", "scoring:health_runs", "scoring:health_recalculate")
# Retry and dismiss of an interrupted run take the run's id: tests/scoring/test_health_runs.py.
RUN_ACTIONS = {"scoring:health_run_retry", "scoring:health_run_dismiss"}


def urls(account):
    return {
        name: reverse(name, args=[account.pk]) if name == "scoring:health" else reverse(name)
        for name in NAMES
    }


def snapshot():
    return (
        list(RiskFactor.objects.values_list("code", "weight", "start", "full", "days")),
        list(RiskPolicy.objects.values_list("medium_from", "high_from", "updated_by")),
        list(AccountHealth.objects.values_list("account_id", "risk_score")),
        HealthRun.objects.count(),
    )


def model_post(**changes):
    data = {"medium_from": 25, "high_from": 50, "satisfaction_window_days": 365}
    for factor in RiskFactor.objects.all():
        data[f"weight_{factor.code}"] = factor.weight
        data[f"start_{factor.code}"] = factor.start
        data[f"full_{factor.code}"] = factor.full
        data[f"days_{factor.code}"] = factor.days or ""
    data.update(changes)
    return data


def test_every_health_url_is_covered_by_these_tests():
    assert {
        n for n in url_names("scoring") if n.startswith("scoring:health")
    } == NAMES | RUN_ACTIONS


def test_another_managers_account_health_is_hidden(client_for, outsider, account):
    assert_hidden_from(client_for(outsider), [reverse("scoring:health", args=[account.pk])])


@pytest.mark.parametrize("pk", ["999999", "0", "99999999999999999999"])
def test_an_unknown_account_is_404(client_for, owner, pk):
    assert client_for(owner).get(f"/accounts/{pk}/health/").status_code == 404


@pytest.mark.parametrize("persona", ["owner", "teammate", "director", "admin_user"])
def test_who_sees_the_account_reads_its_health(client_for, request, persona, account):
    shipped_risk_model()
    client = client_for(request.getfixturevalue(persona))
    url = reverse("scoring:health", args=[account.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("persona", ["owner", "outsider", "director", "admin_user"])
def test_every_role_reads_the_overview_and_the_model(client_for, request, persona):
    shipped_risk_model()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("scoring:health_overview")).status_code == 200
    response = client.get(reverse("scoring:health_model"))
    assert response.status_code == 200
    assert (b'data-testid="risk-model-edit"' in response.content) == (persona == "admin_user")


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_only_admins_edit_the_model_see_runs_and_recalculate(client_for, request, persona, account):
    shipped_risk_model()
    client = client_for(request.getfixturevalue(persona))
    u = urls(account)
    for name in ADMIN_ONLY:
        assert client.get(u[name]).status_code == 403, name
    assert_refused(
        client,
        {
            u["scoring:health_model_edit"]: model_post(weight_contact_recency=40),
            u["scoring:health_recalculate"]: {},
            u["scoring:health_runs"]: {},
        },
        unchanged=snapshot,
    )


def test_an_admin_opens_every_health_page(client_for, admin_user, account):
    shipped_risk_model()
    client = client_for(admin_user)
    u = urls(account)
    for name in NAMES - {"scoring:health_recalculate"}:
        assert client.get(u[name]).status_code == 200, name
    assert client.get(u["scoring:health_recalculate"]).status_code == 405
    assert client.post(u["scoring:health_runs"]).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, account):
    for url in urls(account).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_overview_shows_a_manager_only_their_accounts(client_for, owner, outsider):
    shipped_risk_model()
    mine = AccountFactory(name="Mine Ltd", owner=owner)
    theirs = AccountFactory(name="Theirs Ltd", owner=outsider)
    for account in (mine, theirs):
        AccountHealth.objects.create(
            account=account,
            risk_score=60,
            risk_level="high",
            as_of="2026-01-01",
            calculated_at="2026-01-01T03:00Z",
        )
    for user, seen, unseen in ((owner, mine, theirs), (outsider, theirs, mine)):
        response = client_for(user).get(reverse("scoring:health_overview"))
        rows = [account.pk for account, _, _ in response.context["rows"]]
        assert rows == [seen.pk]
        assert response.context["summary"].high == 1
        assert unseen.name.encode() not in response.content
        # The owner filter of directors means nothing to a manager and is not offered.
        assert "owner" not in response.context["filter"].form.fields


def test_a_director_sees_every_account_and_may_filter_by_owner(client_for, director, owner):
    shipped_risk_model()
    AccountFactory(owner=owner)
    AccountFactory()
    response = client_for(director).get(reverse("scoring:health_overview"))
    assert len(response.context["rows"]) == 2
    assert "owner" in response.context["filter"].form.fields
    response = client_for(director).get(reverse("scoring:health_overview"), {"owner": owner.pk})
    assert [a.owner_id for a, _, _ in response.context["rows"]] == [owner.pk]
