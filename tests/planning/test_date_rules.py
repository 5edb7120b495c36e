"""Issue 17, defect 7: an action's due date keeps to its plan's year by the objective's rule (one
rule, both refused the same way); a visit or its next step dated years away is refused with a
message next to the field."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import Visit
from planning.models.plans import Action
from planning.plans import services
from planning.visits.services import visit_save
from tests.access_checks import assert_field_error
from tests.factories import ObjectiveFactory, PlanFactory, StakeholderFactory, VisitFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def actions():
    return list(Action.objects.values_list("pk", "due_on").order_by("pk"))


@pytest.mark.parametrize("due_on", [date(THIS_YEAR - 1, 6, 1), date(THIS_YEAR + 1, 1, 1)])
def test_an_action_due_outside_its_plans_year_is_refused(client_for, owner, account, due_on):
    objective = ObjectiveFactory(plan=PlanFactory(account=account, year=THIS_YEAR))
    url = reverse("planning:plan_action_create", args=[account.pk, objective.plan_id, objective.pk])
    data = {"description": "Meet the CFO", "owner": owner.pk, "due_on": due_on.isoformat()}
    assert_field_error(
        client_for(owner), url, {**data, "status": "open"}, "due_on", unchanged=actions
    )
    # The same words as an objective's refusal: one rule.
    with pytest.raises(services.ValidationError) as action_error:
        services.action_save(actor=owner, objective=objective, fields={"due_on": due_on})
    with pytest.raises(services.ValidationError) as objective_error:
        services.objective_save(
            actor=owner, plan=objective.plan, objective=None,
            fields={"title": "T", "metric": "M", "target": 1, "due_on": due_on},
        )  # fmt: skip
    assert action_error.value.message_dict["due_on"] == objective_error.value.message_dict["due_on"]


def test_an_action_inside_the_year_is_saved(client_for, owner, account):
    objective = ObjectiveFactory(plan=PlanFactory(account=account, year=THIS_YEAR))
    action = services.action_save(
        actor=owner,
        objective=objective,
        fields={"description": "Call", "due_on": date(THIS_YEAR, 12, 31), "status": "open"},
    )
    assert action.pk


def test_moving_a_plans_year_away_from_its_actions_is_refused(owner, account):
    plan = PlanFactory(account=account, year=THIS_YEAR)
    objective = ObjectiveFactory(plan=plan, due_on=date(THIS_YEAR, 6, 1))
    Action.objects.create(objective=objective, description="Old", due_on=date(THIS_YEAR, 3, 1))
    # The objective moved by hand already; its action did not.
    objective.__class__.objects.filter(pk=objective.pk).update(due_on=date(THIS_YEAR + 1, 6, 1))
    with pytest.raises(services.ValidationError) as error:
        services.plan_save(
            actor=owner,
            account=account,
            plan=plan,
            expected_version=plan.row_version,
            fields={"year": THIS_YEAR + 1},
        )
    assert "actions are due outside" in error.value.message_dict["year"][0]


def visits():
    return list(Visit.objects.values_list("pk", "starts_at").order_by("pk"))


@pytest.mark.parametrize(
    ("starts_at", "words"),
    [("2099-03-01T10:00", "years ahead"), ("1999-03-01T10:00", "years back")],
)
def test_a_visit_dated_years_away_is_refused(client_for, owner, account, starts_at, words):
    url = reverse("planning:visit_create", args=[account.pk])
    data = {"starts_at": starts_at, "kind": "visit", "objective": "Agree the pilot scope."}
    assert_field_error(client_for(owner), url, data, "starts_at", unchanged=visits, snippet=words)
    soon = (timezone.localtime() + timedelta(days=300)).strftime("%Y-%m-%dT%H:%M")
    assert client_for(owner).post(url, {**data, "starts_at": soon}).status_code == 302


def test_a_next_step_years_ahead_is_refused(client_for, owner, account):
    visit = VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=1))
    visit.attendees.set([StakeholderFactory(account=account)])
    visit.our_attendees.set([owner])
    url = reverse("planning:visit_report", args=[account.pk, visit.pk])
    data = {
        "outcome": "Went well.",
        "commitment": "direct",
        "next_step": "Send the offer",
        "next_step_on": "2099-01-01",
        "helped_them": "yes",
        "helped_us": "yes",
        "helped_relationship": "yes",
        "row_version": visit.row_version,
    }
    assert_field_error(
        client_for(owner), url, data, "next_step_on", unchanged=visits, snippet="years ahead"
    )


def test_a_stored_visit_keeps_its_date_when_its_preparation_changes(client_for, owner, account):
    old = timezone.now() - timedelta(days=6 * 366)
    visit = VisitFactory(account=account, starts_at=old)
    visit_save(
        actor=owner,
        account=account,
        visit=visit,
        expected_version=visit.row_version,
        fields={"objective": "Still agree the scope."},
        attendees=[],
        our_attendees=[],
    )
    assert Visit.objects.get(pk=visit.pk).objective == "Still agree the scope."
