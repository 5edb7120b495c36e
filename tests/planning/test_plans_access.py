"""DESIGN.md §3 on every plan URL: outsiders get 404, directors read but never write, and an
object of another plan or account is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models.plans import AccountPlan, Action, Objective
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "planning:plans",
    "planning:plan_create",
    "planning:plan_detail",
    "planning:plan_edit",
    "planning:plan_status",
    "planning:plan_copy",
    "planning:plan_objective_create",
    "planning:plan_objective_edit",
    "planning:plan_objective_actual",
    "planning:plan_action_create",
    "planning:plan_action_edit",
    "planning:plan_action_done",
    "planning:plan_history",
    "planning:plan_version",
}


@pytest.fixture
def action(account):
    plan = PlanFactory(account=account, status="draft")
    return ActionFactory(objective=ObjectiveFactory(plan=plan))


def urls(action):
    objective = action.objective
    plan = objective.plan
    a, p, o = plan.account_id, plan.pk, objective.pk
    return {
        "planning:plans": reverse("planning:plans", args=[a]),
        "planning:plan_create": reverse("planning:plan_create", args=[a]),
        "planning:plan_detail": reverse("planning:plan_detail", args=[a, p]),
        "planning:plan_edit": reverse("planning:plan_edit", args=[a, p]),
        "planning:plan_status": reverse("planning:plan_status", args=[a, p]),
        "planning:plan_copy": reverse("planning:plan_copy", args=[a, p]),
        "planning:plan_objective_create": reverse("planning:plan_objective_create", args=[a, p]),
        "planning:plan_objective_edit": reverse("planning:plan_objective_edit", args=[a, p, o]),
        "planning:plan_objective_actual": reverse("planning:plan_objective_actual", args=[a, p, o]),
        "planning:plan_action_create": reverse("planning:plan_action_create", args=[a, p, o]),
        "planning:plan_action_edit": reverse("planning:plan_action_edit", args=[a, p, action.pk]),
        "planning:plan_action_done": reverse("planning:plan_action_done", args=[a, p, action.pk]),
        "planning:plan_history": reverse("planning:plan_history", args=[a, p]),
        "planning:plan_version": reverse(
            "planning:plan_version", args=[a, p, plan.history.earliest().history_id]
        ),
    }


def posts(action, owner):
    u = urls(action)
    year = action.objective.plan.year
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    objective = {
        "title": "T",
        "metric": "M",
        "baseline": "0",
        "target": "5",
        "actual": "1",
        "due_on": f"{year}-06-30",
    }
    action_data = {"description": "D", "owner": owner.pk, "due_on": due, "status": "open"}
    return {
        u["planning:plan_create"]: {"year": year + 3, "status": "draft"},
        u["planning:plan_edit"]: {"year": year, "status": "closed", "summary": "changed"},
        u["planning:plan_status"]: {"status": "active"},
        u["planning:plan_copy"]: {"year": year + 1},
        u["planning:plan_objective_create"]: objective,
        u["planning:plan_objective_edit"]: objective,
        u["planning:plan_objective_actual"]: {"actual": "3"},
        u["planning:plan_action_create"]: action_data,
        u["planning:plan_action_edit"]: action_data,
        u["planning:plan_action_done"]: {},
        u["planning:plan_version"]: {"fields_to_restore": ["summary"]},
    }


def snapshot():
    return (
        list(AccountPlan.objects.values_list("pk", "year", "status", "summary").order_by("pk")),
        list(Objective.objects.values_list("pk", "title", "actual", "due_on").order_by("pk")),
        list(Action.objects.values_list("pk", "description", "status", "done_on").order_by("pk")),
    )


def test_every_plan_url_is_covered_by_these_tests():
    assert {n for n in url_names("planning") if n.startswith("planning:plan")} == NAMES


def test_it_hides_every_plan_url_from_a_manager_outside_the_team(client_for, outsider, action):
    assert set(urls(action)) == NAMES
    assert_hidden_from(client_for(outsider), urls(action).values())


def test_a_director_reads_the_plan_pages(client_for, director, action):
    client = client_for(director)
    for name in ("planning:plans", "planning:plan_detail", "planning:plan_history"):
        assert client.get(urls(action)[name]).status_code == 200
    compared = client.get(urls(action)["planning:plan_version"])
    assert compared.status_code == 200
    assert 'name="fields_to_restore"' not in compared.content.decode()  # nothing to put back


def test_a_director_cannot_post_and_nothing_changes(client_for, director, owner, action):
    assert_refused(client_for(director), posts(action, owner), unchanged=snapshot)


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_may_open_every_form(client_for, request, persona, action):
    client = client_for(request.getfixturevalue(persona))
    for name, url in urls(action).items():
        if name in ("planning:plan_status", "planning:plan_action_done"):
            continue
        assert client.get(url).status_code == 200, name


def test_objects_of_another_plan_or_account_are_404(client_for, owner, account, action):
    other_plan = PlanFactory(account=account, year=action.objective.plan.year + 1)
    foreign = ActionFactory()  # another account's
    a, p = account.pk, other_plan.pk
    client = client_for(owner)
    for url in (
        reverse("planning:plan_objective_edit", args=[a, p, action.objective.pk]),
        reverse("planning:plan_action_edit", args=[a, p, action.pk]),
        reverse("planning:plan_action_done", args=[a, p, action.pk]),
        reverse("planning:plan_detail", args=[a, foreign.objective.plan.pk]),
        reverse("planning:plan_action_edit", args=[a, action.objective.plan.pk, foreign.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
