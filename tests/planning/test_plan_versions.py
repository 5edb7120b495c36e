"""An account plan's earlier versions: listed, compared with now, and chosen fields put back as a
new audited change (issue 15, part 2)."""

import pytest
from django.urls import reverse

from planning.models import AccountPlan
from planning.plans import services
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def save_plan(plan, actor, **fields):
    fresh = AccountPlan.objects.get(pk=plan.pk)
    return services.plan_save(
        actor=actor,
        account=fresh.account,
        plan=fresh,
        expected_version=fresh.row_version,
        fields=fields,
    )


@pytest.fixture
def plan(account, owner, teammate):
    plan = PlanFactory(account=account, summary="Grow the refinery business", threats="None")
    save_plan(plan, teammate, summary="Oops", threats="A price war in the east")
    return plan


def test_the_plan_page_links_its_history_which_links_each_version(client_for, owner, plan):
    client = client_for(owner)
    page = client.get(reverse("planning:plan_detail", args=[plan.account_id, plan.pk]))
    history_url = reverse("planning:plan_history", args=[plan.account_id, plan.pk])
    assert history_url in page.content.decode()
    history = client.get(history_url)
    first = plan.history.earliest()
    version_url = reverse(
        "planning:plan_version", args=[plan.account_id, plan.pk, first.history_id]
    )
    assert version_url in history.content.decode()
    changes = {c.label: (c.old, c.new) for c in history.context["versions"][0].changes}
    assert changes["Summary"] == ("Grow the refinery business", "Oops")


def test_the_chosen_summary_comes_back_and_the_threats_stay(client_for, owner, plan):
    first = plan.history.earliest()
    plan.refresh_from_db()
    response = client_for(owner).post(
        reverse("planning:plan_version", args=[plan.account_id, plan.pk, first.history_id]),
        {"fields_to_restore": ["summary"], "row_version": plan.row_version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.summary == "Grow the refinery business"
    assert plan.threats == "A price war in the east"
    latest = plan.history.latest()
    assert latest.history_user == owner
    history = client_for(owner).get(
        reverse("planning:plan_history", args=[plan.account_id, plan.pk])
    )
    assert history.context["versions"][0].reason.startswith("Restored from the version of")


def test_a_second_active_plan_for_the_year_is_not_restored(client_for, owner, account):
    plan = PlanFactory(account=account, status="active")
    first = plan.history.earliest()
    save_plan(plan, owner, status="closed")
    PlanFactory(account=account, year=plan.year, status="active")
    plan.refresh_from_db()
    response = client_for(owner).post(
        reverse("planning:plan_version", args=[account.pk, plan.pk, first.history_id]),
        {"fields_to_restore": ["status"], "row_version": plan.row_version},
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_another_plans_version_is_not_found(client_for, owner, plan, account):
    other = PlanFactory(account=account, year=plan.year + 1)
    url = reverse(
        "planning:plan_version", args=[account.pk, other.pk, plan.history.earliest().history_id]
    )
    assert client_for(owner).get(url).status_code == 404


@pytest.mark.parametrize("edits", [1, 30])
def test_history_and_comparison_cost_the_same_queries_with_a_long_history(
    client_for, owner, account, edits, django_assert_max_num_queries
):
    plan = PlanFactory(account=account)
    for number in range(edits):
        save_plan(plan, owner, summary=f"Summary {number}")
    first = plan.history.earliest()
    client = client_for(owner)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("planning:plan_history", args=[account.pk, plan.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        assert (
            client.get(
                reverse("planning:plan_version", args=[account.pk, plan.pk, first.history_id])
            ).status_code
            == 200
        )
