"""Edit conflicts in planning beyond the generic case of each route
(tests/planning/conflict_cases.py): what the comparison shows for a visit's attendees, a move
with a reason, a stale page's buttons and forms after the record moved on, and services that
cannot be called without the version."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from planning.models import DevelopmentStage as Stage
from planning.models import Opportunity, Visit
from planning.models.plans import Objective
from planning.pipeline import services as pipeline_services
from planning.plans import services as plan_services
from planning.visits import services as visit_services
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    OpportunityFactory,
    PlanFactory,
    StakeholderFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_comparison_lists_a_visits_attendees_by_name(client_for, owner, teammate, account):
    boss = StakeholderFactory(account=account, name="Liu Yang")
    newcomer = StakeholderFactory(account=account, name="Zhou Min")
    visit = VisitFactory(account=account)
    visit.attendees.set([boss])
    visit.our_attendees.set([owner])
    url = reverse("planning:visit_edit", args=[account.pk, visit.pk])
    opened_at = visit.row_version

    visit_services.visit_save(
        actor=teammate,
        account=account,
        visit=Visit.objects.get(pk=visit.pk),
        expected_version=opened_at,
        fields={},
        attendees=[boss, newcomer],
        our_attendees=[owner, teammate],
    )
    response = client_for(owner).post(
        url,
        {
            "starts_at": local_input(visit.starts_at),
            "kind": visit.kind,
            "attendees": [boss.pk],
            "our_attendees": [owner.pk],
            "objective": "My sharper objective",
            "row_version": opened_at,
        },
    )

    assert response.status_code == 200
    conflict = response.context["form"].conflict
    rows = {row.name: row for row in conflict.rows}
    assert (rows["attendees"].yours, rows["attendees"].stored) == (
        "Liu Yang",
        "Liu Yang, Zhou Min",
    )
    assert set(rows["our_attendees"].stored.split(", ")) == {str(owner), str(teammate)}
    # "Use stored" fills one field; a list of checkboxes is merged by ticking.
    assert not rows["attendees"].can_copy and not rows["our_attendees"].can_copy
    assert "objective" in rows
    assert set(Visit.objects.get(pk=visit.pk).attendees.all()) == {boss, newcomer}


def test_a_move_with_a_reason_keeps_it_and_says_where_the_opportunity_is_now(
    client_for, owner, teammate, account
):
    opportunity = OpportunityFactory(account=account, criteria_met=["need_confirmed"])
    opened_at = opportunity.row_version
    pipeline_services.opportunity_move(
        actor=teammate, opportunity=opportunity, expected_version=opened_at, to_stage="value",
        reason="Skipping ahead",
    )  # fmt: skip

    response = client_for(owner).post(
        reverse("planning:opportunity_move", args=[account.pk, opportunity.pk]),
        {"to_stage": "information", "reason": "The budget is the CEO's", "row_version": opened_at},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{teammate} changed this opportunity" in html
    assert "The budget is the CEO&#x27;s" in html
    [row] = response.context["move_form"].conflict.rows
    assert (row.yours, row.stored) == ("Information & samples", "Value assessment")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.VALUE


def test_a_stale_board_button_goes_back_to_the_board_with_who_moved_it(
    client_for, owner, teammate, account
):
    opportunity = OpportunityFactory(account=account)
    opened_at = opportunity.row_version
    pipeline_services.opportunity_move(
        actor=teammate, opportunity=opportunity, expected_version=opened_at,
        to_stage="information", reason="We met them",
    )  # fmt: skip

    # The board still showed it at the first stage: its button moves it "on" to where it is.
    response = client_for(owner).post(
        reverse("planning:opportunity_move", args=[account.pk, opportunity.pk]),
        {"to_stage": "information", "return_to": "board", "row_version": opened_at},
    )

    assert response["Location"] == reverse("planning:pipeline", args=[account.pk])
    assert any(f"{teammate} changed this opportunity" in m for m in messages_of(response))
    assert Opportunity.objects.get(pk=opportunity.pk).stage_changes.count() == 1


def test_criteria_ticked_on_a_page_from_before_a_move_are_a_conflict(
    client_for, owner, teammate, account
):
    opportunity = OpportunityFactory(account=account)
    opened_at = opportunity.row_version
    pipeline_services.opportunity_move(
        actor=teammate, opportunity=opportunity, expected_version=opened_at,
        to_stage="information", reason="We met them",
    )  # fmt: skip

    response = client_for(owner).post(
        reverse("planning:opportunity_criteria", args=[account.pk, opportunity.pk]),
        {"criteria": ["need_confirmed"], "row_version": opened_at},
    )

    assert response.status_code == 200
    assert f"{teammate} changed this opportunity" in response.content.decode()
    assert "not one of the available choices" not in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).criteria_met == []


def test_the_plan_pages_inline_actual_shows_the_conflict_with_the_figure_kept(
    client_for, owner, teammate, account
):
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    plan = objective.plan
    page = client_for(owner).get(reverse("planning:plan_detail", args=[account.pk, plan.pk]))
    assert f'name="row_version" value="{objective.row_version}"' in page.content.decode()
    plan_services.objective_update_actual(
        actor=teammate, objective=objective, expected_version=objective.row_version, actual=1
    )

    response = client_for(owner).post(
        reverse("planning:plan_objective_actual", args=[account.pk, plan.pk, objective.pk]),
        {"actual": "777.00", "row_version": objective.row_version - 1},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{teammate} changed this objective" in html
    assert 'value="777.00"' in html
    assert Objective.objects.get(pk=objective.pk).actual == 1


def test_a_button_from_a_page_too_old_to_carry_a_version_writes_nothing(client_for, owner, account):
    action = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(account=account)))
    plan = action.objective.plan
    response = client_for(owner).post(
        reverse("planning:plan_action_done", args=[account.pk, plan.pk, action.pk])
    )
    assert response.status_code == 302
    assert any("out of date" in message for message in messages_of(response))
    action.refresh_from_db()
    assert action.status == "open"


def test_a_change_of_a_stored_record_cannot_be_made_without_the_version(owner, account):
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    with pytest.raises(TypeError):
        plan_services.objective_save(
            actor=owner, plan=objective.plan, objective=objective, fields={"title": "x"}
        )
    with pytest.raises(TypeError):
        plan_services.plan_save(
            actor=owner, account=account, plan=objective.plan, fields={"summary": "x"}
        )
    # A new record needs none.
    plan_services.objective_save(
        actor=owner,
        plan=objective.plan,
        fields={
            "title": "New",
            "metric": "Revenue",
            "target": 1,
            "due_on": objective.due_on - timedelta(days=1),
        },
    )
