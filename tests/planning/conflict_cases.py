"""The planning app's edit routes (namespaces planning and my), for
tests/kam/test_edit_conflicts.py (tests/conflict_checks.py says how a case runs). Each CASES
entry builds two people's edits of one record; NOT_EDITS says why each other route needs no
case."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account
from planning.models import Commitment, Opportunity, Visit, VisitStatus
from planning.models.losses import LossRecord
from planning.models.plans import AccountPlan, Action, Objective
from planning.pipeline import services as pipeline_services
from planning.plans import services as plan_services
from planning.visits import services as visit_services
from tests.conflict_checks import ConflictCase, Personas
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    OpportunityFactory,
    PlanFactory,
    StakeholderFactory,
    VisitFactory,
)


def _row(model, pk):
    return lambda: model._base_manager.filter(pk=pk).values().get()


def _fresh(model, pk):
    return model._base_manager.get(pk=pk)


# --- Plans -----------------------------------------------------------------------------------


def _plan_url(name, plan, *extra):
    return reverse(f"planning:{name}", args=[plan.account_id, plan.pk, *extra])


def _teammate_saves_the_summary(p: Personas, plan):
    def change():
        fresh = _fresh(AccountPlan, plan.pk)
        plan_services.plan_save(
            actor=p.teammate,
            account=fresh.account,
            plan=fresh,
            expected_version=fresh.row_version,
            fields={"summary": "The teammate's summary"},
        )

    return change


def plan_edit(p: Personas) -> ConflictCase:
    plan = PlanFactory(account=p.account, summary="The first summary")
    return ConflictCase(
        url=_plan_url("plan_edit", plan),
        editor=p.owner,
        edit={"threats": "A price war in the east"},
        change=_teammate_saves_the_summary(p, plan),
        changed_by=p.teammate,
        stored=_row(AccountPlan, plan.pk),
    )


def plan_version(p: Personas) -> ConflictCase:
    """Putting an earlier summary back, from a comparison the teammate made stale."""
    plan = PlanFactory(account=p.account, summary="The first summary")
    first = plan.history.earliest()
    fresh = _fresh(AccountPlan, plan.pk)
    plan_services.plan_save(
        actor=p.owner,
        account=fresh.account,
        plan=fresh,
        expected_version=fresh.row_version,
        fields={"summary": "The owner's second summary"},
    )
    return ConflictCase(
        url=_plan_url("plan_version", plan, first.history_id),
        editor=p.owner,
        edit={"fields_to_restore": ["summary"]},
        change=_teammate_saves_the_summary(p, plan),
        changed_by=p.teammate,
        stored=_row(AccountPlan, plan.pk),
    )


def plan_status(p: Personas) -> ConflictCase:
    """Closing the plan from a page the teammate made stale by saving the plan."""
    plan = PlanFactory(account=p.account)
    return ConflictCase(
        url=_plan_url("plan_detail", plan),
        editor=p.owner,
        action_suffix="/status/",
        in_place=True,
        change=_teammate_saves_the_summary(p, plan),
        changed_by=p.teammate,
        stored=_row(AccountPlan, plan.pk),
    )


def _teammate_renames_the_objective(p: Personas, objective):
    def change():
        fresh = _fresh(Objective, objective.pk)
        plan_services.objective_save(
            actor=p.teammate,
            plan=fresh.plan,
            objective=fresh,
            expected_version=fresh.row_version,
            fields={"title": "The teammate's title"},
        )

    return change


def plan_objective_edit(p: Personas) -> ConflictCase:
    objective = ObjectiveFactory(plan=PlanFactory(account=p.account))
    return ConflictCase(
        url=_plan_url("plan_objective_edit", objective.plan, objective.pk),
        editor=p.owner,
        edit={"target": "2000000"},
        change=_teammate_renames_the_objective(p, objective),
        changed_by=p.teammate,
        stored=_row(Objective, objective.pk),
    )


def plan_objective_actual(p: Personas) -> ConflictCase:
    """The actual's own page (the plan page's inline form posts to the same route)."""
    objective = ObjectiveFactory(plan=PlanFactory(account=p.account))

    def teammate_updates_the_actual():
        fresh = _fresh(Objective, objective.pk)
        plan_services.objective_update_actual(
            actor=p.teammate, objective=fresh, expected_version=fresh.row_version, actual=400000
        )

    return ConflictCase(
        url=_plan_url("plan_objective_actual", objective.plan, objective.pk),
        editor=p.owner,
        edit={"actual": "380000.00"},
        change=teammate_updates_the_actual,
        changed_by=p.teammate,
        stored=_row(Objective, objective.pk),
    )


def _teammate_rewords_the_action(p: Personas, action):
    def change():
        fresh = _fresh(Action, action.pk)
        plan_services.action_save(
            actor=p.teammate,
            objective=fresh.objective,
            action=fresh,
            expected_version=fresh.row_version,
            fields={"description": "The teammate's wording"},
        )

    return change


def plan_action_edit(p: Personas) -> ConflictCase:
    action = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(account=p.account)))
    plan = action.objective.plan
    return ConflictCase(
        url=_plan_url("plan_action_edit", plan, action.pk),
        editor=p.owner,
        edit={"due_on": date(plan.year, 12, 30).isoformat()},  # inside the plan's year
        change=_teammate_rewords_the_action(p, action),
        changed_by=p.teammate,
        stored=_row(Action, action.pk),
    )


def plan_action_done(p: Personas) -> ConflictCase:
    action = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(account=p.account)))
    return ConflictCase(
        url=_plan_url("plan_detail", action.objective.plan),
        editor=p.owner,
        action_suffix=f"/actions/{action.pk}/done/",
        in_place=True,
        change=_teammate_rewords_the_action(p, action),
        changed_by=p.teammate,
        stored=_row(Action, action.pk),
    )


# --- Visits ----------------------------------------------------------------------------------


def _visit_url(name, visit):
    return reverse(f"planning:{name}", args=[visit.account_id, visit.pk])


def _visit_state(visit):
    def stored():
        fresh = _fresh(Visit, visit.pk)
        return (
            Visit.objects.filter(pk=visit.pk).values().get(),
            sorted(fresh.attendees.values_list("pk", flat=True)),
            sorted(fresh.our_attendees.values_list("pk", flat=True)),
        )

    return stored


def _teammate_adds_an_attendee(p: Personas, visit):
    def change():
        fresh = _fresh(Visit, visit.pk)
        newcomer = StakeholderFactory(account=fresh.account, name="Zhou Min")
        visit_services.visit_save(
            actor=p.teammate,
            account=fresh.account,
            visit=fresh,
            expected_version=fresh.row_version,
            fields={"objective": "The teammate's objective"},
            attendees=[*fresh.attendees.all(), newcomer],
            our_attendees=fresh.our_attendees.all(),
        )

    return change


def _planned_visit(p: Personas, days=3):
    visit = VisitFactory(account=p.account, starts_at=timezone.now() + timedelta(days=days))
    visit.attendees.set([StakeholderFactory(account=p.account, name="Liu Yang")])
    visit.our_attendees.set([p.owner])
    return visit


def visit_edit(p: Personas) -> ConflictCase:
    """The preparation; the teammate's change adds someone to the attendees (many-to-many)."""
    visit = _planned_visit(p)
    return ConflictCase(
        url=_visit_url("visit_edit", visit),
        editor=p.owner,
        edit={"concession_limit": "3 % at most"},
        change=_teammate_adds_an_attendee(p, visit),
        changed_by=p.teammate,
        stored=_visit_state(visit),
    )


def visit_report(p: Personas) -> ConflictCase:
    """The report changes the same visit as its preparation, which the teammate changed."""
    visit = _planned_visit(p, days=-1)
    return ConflictCase(
        url=_visit_url("visit_report", visit),
        editor=p.owner,
        edit={
            "outcome": "They agreed to a pilot line.",
            "commitment": Commitment.PRELIMINARY,
            "helped_them": "yes",
            "helped_us": "yes",
            "helped_relationship": "no",
        },
        change=_teammate_adds_an_attendee(p, visit),
        changed_by=p.teammate,
        stored=_visit_state(visit),
    )


def visit_cancel(p: Personas) -> ConflictCase:
    """Cancelling a visit the teammate has just changed."""
    visit = _planned_visit(p)
    return ConflictCase(
        url=_visit_url("visit_detail", visit),
        editor=p.owner,
        action_suffix="/cancel/",
        in_place=True,
        change=_teammate_adds_an_attendee(p, visit),
        changed_by=p.teammate,
        stored=_visit_state(visit),
    )


def visit_next_step_done(p: Personas) -> ConflictCase:
    """A reported visit's next step, ticked by the teammate first."""
    visit = VisitFactory(
        account=p.account,
        starts_at=timezone.now() - timedelta(days=2),
        status=VisitStatus.REPORTED,
        reported_at=timezone.now(),
        outcome="Good meeting.",
        commitment=Commitment.DIRECT,
        next_step="Send the samples",
        next_step_on=timezone.localdate() + timedelta(days=3),
    )

    def teammate_ticks_it():
        fresh = _fresh(Visit, visit.pk)
        visit_services.visit_next_step_done(
            actor=p.teammate, account=fresh.account, visit=fresh, expected_version=fresh.row_version
        )

    return ConflictCase(
        url=_visit_url("visit_detail", visit),
        editor=p.owner,
        action_suffix="/next-step-done/",
        in_place=True,
        change=teammate_ticks_it,
        changed_by=p.teammate,
        stored=_visit_state(visit),
    )


# --- Pipeline --------------------------------------------------------------------------------


def _opportunity_url(name, opportunity):
    return reverse(f"planning:{name}", args=[opportunity.account_id, opportunity.pk])


def _teammate_ticks_a_criterion(p: Personas, opportunity):
    def change():
        fresh = _fresh(Opportunity, opportunity.pk)
        pipeline_services.opportunity_criteria_update(
            actor=p.teammate,
            opportunity=fresh,
            expected_version=fresh.row_version,
            criteria=["budget_holder_known"],
        )

    return change


def opportunity_edit(p: Personas) -> ConflictCase:
    opportunity = OpportunityFactory(account=p.account)

    def teammate_raises_the_value():
        fresh = _fresh(Opportunity, opportunity.pk)
        pipeline_services.opportunity_update(
            actor=p.teammate,
            opportunity=fresh,
            expected_version=fresh.row_version,
            name=fresh.name,
            value=900000,
            probability=fresh.probability,
            expected_close=fresh.expected_close,
        )

    return ConflictCase(
        url=_opportunity_url("opportunity_edit", opportunity),
        editor=p.owner,
        edit={"probability": "65"},
        change=teammate_raises_the_value,
        changed_by=p.teammate,
        stored=_row(Opportunity, opportunity.pk),
    )


def opportunity_criteria(p: Personas) -> ConflictCase:
    opportunity = OpportunityFactory(account=p.account)
    return ConflictCase(
        url=_opportunity_url("opportunity_detail", opportunity),
        editor=p.owner,
        action_suffix="/criteria/",
        edit={"criteria": ["need_confirmed"]},
        change=_teammate_ticks_a_criterion(p, opportunity),
        changed_by=p.teammate,
        stored=_row(Opportunity, opportunity.pk),
    )


def opportunity_move(p: Personas) -> ConflictCase:
    """The one-click "Move to the next stage" (the move form with a reason is in
    tests/planning/test_conflicts.py)."""
    opportunity = OpportunityFactory(account=p.account)
    return ConflictCase(
        url=_opportunity_url("opportunity_detail", opportunity),
        editor=p.owner,
        action_suffix="/move/",
        in_place=True,
        change=_teammate_ticks_a_criterion(p, opportunity),
        changed_by=p.teammate,
        stored=_row(Opportunity, opportunity.pk),
    )


def opportunity_lost(p: Personas) -> ConflictCase:
    opportunity = OpportunityFactory(account=p.account)
    return ConflictCase(
        url=_opportunity_url("opportunity_detail", opportunity),
        editor=p.owner,
        action_suffix=f"/pipeline/{opportunity.pk}/lost/",
        edit={"lost_reason": "A competitor undercut us by 12 %."},
        change=_teammate_ticks_a_criterion(p, opportunity),
        changed_by=p.teammate,
        stored=_row(Opportunity, opportunity.pk),
    )


# --- Lost accounts ---------------------------------------------------------------------------


def loss_record_create(p: Personas) -> ConflictCase:
    """A new record, which sets the account's category to lost: it must not go over a change
    of the account saved after the form was opened."""
    account = p.account

    def teammate_saves_the_account():
        fresh = _fresh(Account, account.pk)
        account_services.account_update(
            actor=p.teammate,
            account=fresh,
            expected_version=fresh.row_version,
            description="The teammate's description",
        )

    def stored():
        return Account.objects.filter(pk=account.pk).values().get(), LossRecord.objects.count()

    return ConflictCase(
        url=reverse("planning:loss_record_create", args=[account.pk]),
        editor=p.owner,
        edit={"reason": "price", "notes": "They took a cheaper offer."},
        change=teammate_saves_the_account,
        changed_by=p.teammate,
        stored=stored,
    )


CASES = {
    "planning:plan_edit": plan_edit,
    "planning:plan_version": plan_version,
    "planning:plan_status": plan_status,
    "planning:plan_objective_edit": plan_objective_edit,
    "planning:plan_objective_actual": plan_objective_actual,
    "planning:plan_action_edit": plan_action_edit,
    "planning:plan_action_done": plan_action_done,
    "planning:visit_edit": visit_edit,
    "planning:visit_report": visit_report,
    "planning:visit_cancel": visit_cancel,
    "planning:visit_next_step_done": visit_next_step_done,
    "planning:opportunity_edit": opportunity_edit,
    "planning:opportunity_criteria": opportunity_criteria,
    "planning:opportunity_move": opportunity_move,
    "planning:opportunity_lost": opportunity_lost,
    "planning:loss_record_create": loss_record_create,
}

NOT_EDITS = {
    # Plans
    "planning:plans": "a page; its forms post to the plan routes",
    "planning:plan_detail": "a page; its buttons post to plan_status, the actual and action_done",
    "planning:plan_history": "a list of versions; each opens plan_version",
    "planning:plan_create": "writes a new plan: nothing stored to overwrite",
    "planning:plan_copy": (
        "writes a new draft from the plan as stored when it is copied: the plan copied is only "
        "read, nothing stored is overwritten"
    ),
    "planning:plan_objective_create": "adds an objective: nothing stored to overwrite",
    "planning:plan_action_create": "adds an action: nothing stored to overwrite",
    # Visits
    "planning:visits": "a list",
    "planning:visit_detail": "a page; its buttons post to visit_cancel and visit_next_step_done",
    "planning:visit_create": "prepares a new visit: nothing stored to overwrite",
    # Pipeline
    "planning:pipeline": "the board; its cards' buttons post to opportunity_move",
    "planning:opportunity_list": "a list",
    "planning:opportunity_create": "adds an opportunity: nothing stored to overwrite",
    "planning:opportunity_detail": "a page; its forms post to criteria, move and lost",
    # Lost accounts
    "planning:loss_records": "a list",
    "planning:loss_record_detail": (
        "a page without a form: a loss record is never edited (its snapshot is frozen)"
    ),
    # My week, the calendar and notifications: each person's own, changed by nobody else.
    "my:week": "a page without a form",
    "my:calendar": "a page; its one form posts to calendar_reset",
    "my:calendar_reset": (
        "replaces the person's own calendar link with a new one: per user, no form values to "
        "lose, and the newest reset is the one wanted"
    ),
    "my:calendar_feed": "a download (the ICS feed)",
    "my:notifications": "a list; its buttons post to notification_read and read_all",
    "my:notification_read": (
        "marks the person's own notification read: per user and idempotent, nothing typed"
    ),
    "my:notifications_read_all": (
        "marks the person's own notifications read: per user and idempotent, nothing typed"
    ),
}
