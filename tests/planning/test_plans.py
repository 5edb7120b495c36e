"""Account plans through the pages: create, activate (one active plan per year), copy to next
year, objectives with their progress flags, actions and their owners, bad input, query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning.models.plans import AccountPlan, Action, ActionStatus, Objective, PlanStatus
from planning.plans import services
from tests.access_checks import assert_field_error
from tests.factories import (
    AccountFactory,
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def plan_url(name, plan, *extra):
    return reverse(f"planning:{name}", args=[plan.account_id, plan.pk, *extra])


def plans_snapshot():
    return (
        list(AccountPlan.objects.values_list("pk", "year", "status", "summary").order_by("pk")),
        list(Objective.objects.values_list("pk", "target", "actual", "due_on").order_by("pk")),
        list(Action.objects.values_list("pk", "owner_id", "due_on", "status").order_by("pk")),
    )


PLAN_DATA = {
    "year": THIS_YEAR,
    "status": "draft",
    "summary": "Become their preferred supplier.",
    "strengths": "Quality",
    "weaknesses": "Price",
    "opportunities": "New plant",
    "threats": "Competitor X",
}


def test_the_new_plan_form_defaults_to_this_year(client_for, owner, account):
    response = client_for(owner).get(reverse("planning:plan_create", args=[account.pk]))
    assert response.status_code == 200
    assert response.context["form"]["year"].value() == THIS_YEAR


def test_a_manager_creates_a_plan_and_lands_on_it(client_for, owner, account):
    response = client_for(owner).post(reverse("planning:plan_create", args=[account.pk]), PLAN_DATA)
    plan = AccountPlan.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == plan_url("plan_detail", plan)
    assert (plan.year, plan.status, plan.owner) == (THIS_YEAR, "draft", owner)
    assert plan.history.first().history_user == owner
    page = client_for(owner).get(response["Location"])
    assert b'data-testid="swot-threats"' in page.content
    assert "Competitor X" in page.content.decode()


def test_the_tab_opens_this_years_active_plan_and_lists_the_others(client_for, owner, account):
    PlanFactory(account=account, year=THIS_YEAR - 1, status=PlanStatus.CLOSED)
    current = PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.ACTIVE)
    PlanFactory(account=account, year=THIS_YEAR + 1, status=PlanStatus.DRAFT)
    response = client_for(owner).get(reverse("planning:plans", args=[account.pk]))
    assert response.status_code == 200
    assert response.context["plan"] == current
    html = response.content.decode()
    assert html.count('data-testid="plan-list-item"') == 3
    for status in ("draft", "active", "closed"):
        assert f'data-status="{status}"' in html


def test_the_tab_without_a_plan_invites_the_team_to_write_one(client_for, owner, director, account):
    response = client_for(owner).get(reverse("planning:plans", args=[account.pk]))
    assert b'data-testid="no-plan"' in response.content
    assert b"Write this year" in response.content
    as_director = client_for(director).get(reverse("planning:plans", args=[account.pk]))
    assert b"Write this year" not in as_director.content


def test_it_refuses_a_second_active_plan_for_the_same_year_with_a_field_error(
    client_for, owner, account
):
    PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.ACTIVE)
    client = client_for(owner)
    assert_field_error(
        client,
        reverse("planning:plan_create", args=[account.pk]),
        {**PLAN_DATA, "status": "active"},
        "status",
        unchanged=plans_snapshot,
        snippet="already has an active plan",
    )
    # The "Activate" button on a draft of the same year says so too and changes nothing.
    draft = PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.DRAFT)
    before = plans_snapshot()
    response = client.post(
        plan_url("plan_status", draft), {"status": "active", "row_version": draft.row_version}
    )
    assert response.status_code == 200
    assert b'data-testid="status-error"' in response.content
    assert b"already has an active plan" in response.content
    assert plans_snapshot() == before


def test_the_service_turns_the_database_constraint_into_a_field_error(owner, account):
    PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.ACTIVE)
    draft = PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.DRAFT)
    with pytest.raises(services.ValidationError) as error:
        services.plan_set_status(
            actor=owner, plan=draft, expected_version=draft.row_version, status=PlanStatus.ACTIVE
        )
    assert "status" in error.value.error_dict


def test_activating_and_closing_a_plan(client_for, owner, account):
    plan = PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.DRAFT)
    client = client_for(owner)

    def press(status):
        return client.post(
            plan_url("plan_status", plan), {"status": status, "row_version": plan.row_version}
        )

    assert press("active").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    press("closed")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert client.get(plan_url("plan_status", plan)).status_code == 405


def test_copying_a_plan_to_next_year(owner, teammate, account):
    plan = PlanFactory(account=account, year=2026, status=PlanStatus.ACTIVE, summary="Grow")
    objective = ObjectiveFactory(
        plan=plan,
        baseline=Decimal(100),
        target=Decimal(300),
        actual=Decimal(250),
        due_on=date(2026, 6, 30),
    )
    ActionFactory(
        objective=objective,
        owner=teammate,
        due_on=date(2026, 3, 31),
        status=ActionStatus.DONE,
        done_on=date(2026, 3, 20),
    )
    gone = TeamMemberFactory(account=account).user
    ActionFactory(objective=objective, owner=gone, due_on=date(2026, 2, 29 - 1))
    account.team_members.filter(user=gone).delete()

    copy = services.plan_copy(actor=owner, plan=account.plans.get(pk=plan.pk))

    assert (copy.year, copy.status, copy.copied_from) == (2027, PlanStatus.DRAFT, plan)
    assert (copy.summary, copy.strengths, copy.threats) == (
        plan.summary,
        plan.strengths,
        plan.threats,
    )
    [new_objective] = copy.objectives.all()
    assert new_objective.title == objective.title
    assert new_objective.due_on == date(2027, 6, 30)
    assert (new_objective.baseline, new_objective.target) == (Decimal(100), Decimal(300))
    assert new_objective.actual == new_objective.baseline  # actuals reset
    actions = list(new_objective.actions.order_by("due_on"))
    assert [a.due_on for a in actions] == [date(2027, 2, 28), date(2027, 3, 31)]
    assert all(a.status == ActionStatus.OPEN and a.done_on is None for a in actions)
    assert [a.owner for a in actions] == [None, teammate]  # who left the team is cleared
    # The source is untouched.
    objective.refresh_from_db()
    assert objective.actual == Decimal(250)
    assert plan.objectives.get().actions.filter(status=ActionStatus.DONE).count() == 1


def test_copying_to_a_chosen_year_through_the_page(client_for, owner, account):
    plan = PlanFactory(account=account, year=2026)
    ObjectiveFactory(plan=plan, due_on=date(2026, 9, 30))
    client = client_for(owner)
    form = client.get(plan_url("plan_copy", plan))
    assert form.context["form"]["year"].value() == 2027
    response = client.post(plan_url("plan_copy", plan), {"year": 2028})
    copy = AccountPlan.objects.get(account=account, year=2028)
    assert response["Location"] == plan_url("plan_detail", copy)
    assert copy.objectives.get().due_on == date(2028, 9, 30)
    assert_field_error(
        client, plan_url("plan_copy", plan), {"year": 2026}, "year", unchanged=plans_snapshot
    )


def test_it_refuses_an_objective_due_before_the_plans_year(client_for, owner, account):
    plan = PlanFactory(account=account, year=THIS_YEAR)
    data = {
        "title": "Win the second plant",
        "metric": "Sites served",
        "unit": "",
        "baseline": "1",
        "target": "2",
        "actual": "1",
        "due_on": f"{THIS_YEAR - 1}-12-31",
    }
    url = plan_url("plan_objective_create", plan)
    client = client_for(owner)
    assert_field_error(
        client, url, data, "due_on", unchanged=plans_snapshot, snippet="before the plan"
    )
    assert_field_error(
        client,
        url,
        {**data, "due_on": f"{THIS_YEAR}-06-30", "target": "lots"},
        "target",
        unchanged=plans_snapshot,
    )
    response = client.post(url, {**data, "due_on": f"{THIS_YEAR}-06-30"})
    assert response.status_code == 302
    assert plan.objectives.get().due_on == date(THIS_YEAR, 6, 30)


def test_updating_an_objectives_actual(client_for, owner, account):
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    url = plan_url("plan_objective_actual", objective.plan, objective.pk)
    client = client_for(owner)
    version = objective.row_version
    assert client.post(url, {"actual": "640000.50", "row_version": version}).status_code == 302
    objective.refresh_from_db()
    assert objective.actual == Decimal("640000.50")
    assert_field_error(
        client,
        url,
        {"actual": "abc", "row_version": objective.row_version},
        "actual",
        unchanged=plans_snapshot,
    )


def test_an_action_owner_must_be_on_the_account_team(
    client_for, owner, teammate, outsider, account
):
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    url = plan_url("plan_action_create", objective.plan, objective.pk)
    data = {
        "description": "Meet the CFO",
        "owner": outsider.pk,
        "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "status": "open",
    }
    client = client_for(owner)
    assert_field_error(client, url, data, "owner", unchanged=plans_snapshot)
    assert client.post(url, {**data, "owner": teammate.pk}).status_code == 302
    assert objective.actions.get().owner == teammate
    # The service holds the rule whatever sent the data.
    with pytest.raises(services.ValidationError) as error:
        services.action_save(
            actor=owner, objective=objective, fields={**data, "owner": outsider, "status": "open"}
        )
    assert "owner" in error.value.error_dict


def test_marking_an_action_done_sets_the_date_and_reopening_clears_it(client_for, owner, account):
    action = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(account=account)))
    plan = action.objective.plan
    client = client_for(owner)
    client.post(plan_url("plan_action_done", plan, action.pk), {"row_version": action.row_version})
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.DONE, timezone.localdate())
    client.post(
        plan_url("plan_action_edit", plan, action.pk),
        {
            "description": action.description,
            "owner": owner.pk,
            "due_on": action.due_on.isoformat(),
            "status": "in_progress",
            "row_version": action.row_version,
        },
    )
    action.refresh_from_db()
    assert (action.status, action.done_on) == (ActionStatus.IN_PROGRESS, None)


def test_the_plan_page_flags_overdue_and_behind_objectives_and_overdue_actions(
    client_for, owner, account
):
    today = timezone.localdate()
    plan = PlanFactory(account=account, year=today.year)
    year_start = date(today.year, 1, 1)
    overdue = ObjectiveFactory(
        plan=plan, baseline=0, target=100, actual=10, due_on=max(year_start, today - timedelta(1))
    )
    reached = ObjectiveFactory(plan=plan, baseline=0, target=100, actual=100, due_on=overdue.due_on)
    late_action = ActionFactory(objective=reached, due_on=today - timedelta(days=3))
    done_action = ActionFactory(
        objective=reached,
        due_on=today - timedelta(days=3),
        status=ActionStatus.DONE,
        done_on=today,
    )
    response = client_for(owner).get(plan_url("plan_detail", plan))
    page = response.context["page"]
    rows = {row.objective.pk: row for row in page.objectives}
    if overdue.due_on < today:
        assert rows[overdue.pk].status.overdue
    assert not rows[reached.pk].status.overdue and not rows[reached.pk].status.behind
    flags = {row.action.pk: row.overdue for row in rows[reached.pk].actions}
    assert flags == {late_action.pk: True, done_action.pk: False}
    assert b'data-testid="action-overdue"' in response.content
    assert b"data-print" in response.content


def test_a_director_reads_the_plan_without_edit_buttons(client_for, director, account):
    plan = PlanFactory(account=account)
    ActionFactory(objective=ObjectiveFactory(plan=plan))
    response = client_for(director).get(plan_url("plan_detail", plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="objective"' in html
    for marker in ("objective-create", "action-create", "action-done", "plan-copy", "actual-form"):
        assert f'data-testid="{marker}"' not in html


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill_plan(account, objectives):
    plan = PlanFactory(account=account, year=THIS_YEAR)
    PlanFactory(account=account, year=THIS_YEAR - 1, status=PlanStatus.CLOSED)
    team = [TeamMemberFactory(account=account).user for _ in range(3)]
    for n in range(objectives):
        objective = ObjectiveFactory(plan=plan)
        ActionFactory(objective=objective, owner=team[n % 3])
    return plan


@pytest.mark.parametrize("view", ["plans", "plan_detail"])
def test_plan_pages_do_not_grow_with_objectives_and_actions(client_for, owner, view):
    small = fill_plan(AccountFactory(owner=owner), 5)
    large = fill_plan(AccountFactory(owner=owner), 200)
    client = client_for(owner)

    def url(plan):
        if view == "plans":
            return reverse("planning:plans", args=[plan.account_id])
        return plan_url("plan_detail", plan)

    few = count_queries(client, url(small))
    many = count_queries(client, url(large))
    assert few == many, f"{view}: {few} queries with 5 objectives, {many} with 200"
    assert many <= 12, many


def test_garbage_ids_answer_404(client_for, owner, account):
    plan = PlanFactory(account=account)
    other = ObjectiveFactory()
    client = client_for(owner)
    assert client.get(plan_url("plan_objective_edit", plan, other.pk)).status_code == 404
    assert client.get(plan_url("plan_objective_edit", plan, 99999)).status_code == 404
    assert client.get(plan_url("plan_action_edit", plan, 99999)).status_code == 404
    assert client.get(reverse("planning:plan_detail", args=[account.pk, 99999])).status_code == 404
    response = client.get(reverse("planning:plans", args=[account.pk]) + "?year=abc&x=%00")
    assert response.status_code == 200


def test_editing_a_plan_keeps_its_objectives_inside_its_year(client_for, owner, account):
    plan = PlanFactory(account=account, year=THIS_YEAR, status=PlanStatus.DRAFT)
    ObjectiveFactory(plan=plan, due_on=date(THIS_YEAR, 6, 30))
    url = plan_url("plan_edit", plan)
    client = client_for(owner)
    data = {**PLAN_DATA, "row_version": plan.row_version}
    assert_field_error(
        client, url, {**data, "year": THIS_YEAR + 1}, "year", unchanged=plans_snapshot
    )
    assert_field_error(client, url, {**data, "year": 1999}, "year", unchanged=plans_snapshot)
    response = client.post(url, {**data, "summary": "Sharper summary"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.summary == "Sharper summary"


def test_an_objective_due_after_the_plans_year_is_refused(owner, account):
    plan = PlanFactory(account=account, year=THIS_YEAR)
    with pytest.raises(services.ValidationError) as error:
        services.objective_save(
            actor=owner,
            plan=plan,
            fields={
                "title": "T",
                "metric": "M",
                "target": Decimal(1),
                "due_on": date(THIS_YEAR + 1, 1, 1),
            },
        )
    assert "due_on" in error.value.error_dict
    assert not Objective.objects.exists()
