"""Read side of account plans: the account's plans, one plan's page with its objectives and
actions (a fixed number of queries whatever their count), and the objects under a plan."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts import versions
from accounts.models import Account
from planning.models.plans import AccountPlan, Action, Objective, PlanStatus
from planning.plans.progress import ObjectiveStatus, is_action_overdue, objective_status
from planning.plans.services import team_user_ids

User = get_user_model()


def plans_of(account: Account) -> list[AccountPlan]:
    return list(
        account.plans.annotate(objective_count=Count("objectives")).order_by("-year", "-pk")
    )


def default_plan(plans: list[AccountPlan], today=None) -> AccountPlan | None:
    """The plan the tab opens: this year's active plan, else the latest active plan, else the
    latest plan."""
    year = (today or timezone.localdate()).year
    for candidate in (
        [p for p in plans if p.year == year and p.status == PlanStatus.ACTIVE],
        [p for p in plans if p.status == PlanStatus.ACTIVE],
        plans,
    ):
        if candidate:
            return candidate[0]
    return None


def get_plan_or_404(account: Account, plan_pk) -> AccountPlan:
    plan = get_object_or_404(account.plans.select_related("owner", "copied_from"), pk=plan_pk)
    plan.account = account  # keep the prefetched team
    return plan


def get_objective_or_404(plan: AccountPlan, objective_pk) -> Objective:
    objective = get_object_or_404(plan.objectives, pk=objective_pk)
    objective.plan = plan
    return objective


def get_action_or_404(plan: AccountPlan, action_pk) -> Action:
    action = get_object_or_404(
        Action.objects.select_related("objective"), objective__plan=plan, pk=action_pk
    )
    action.objective.plan = plan
    return action


def team_users(account: Account):
    return User.objects.filter(pk__in=team_user_ids(account)).order_by(
        "first_name", "last_name", "username"
    )


@dataclass
class ActionRow:
    action: Action
    overdue: bool


@dataclass
class ObjectiveRow:
    objective: Objective
    status: ObjectiveStatus
    actions: list[ActionRow] = field(default_factory=list)

    @property
    def open_overdue_actions(self) -> int:
        return sum(1 for row in self.actions if row.overdue)


@dataclass
class PlanPage:
    plan: AccountPlan
    objectives: list[ObjectiveRow]

    @property
    def behind_count(self) -> int:
        return sum(1 for row in self.objectives if row.status.behind)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.objectives if row.status.overdue)

    @property
    def overdue_actions_count(self) -> int:
        return sum(row.open_overdue_actions for row in self.objectives)


def plan_page(plan: AccountPlan, today=None) -> PlanPage:
    """The plan with its objectives and their actions, each flagged: 3 queries."""
    today = today or timezone.localdate()
    objectives = plan.objectives.prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner"))
    )
    rows = []
    for objective in objectives:
        objective.plan = plan
        status = objective_status(
            year=plan.year,
            due_on=objective.due_on,
            today=today,
            baseline=objective.baseline,
            target=objective.target,
            actual=objective.actual,
        )
        actions = [
            ActionRow(
                action,
                is_action_overdue(status=action.status, due_on=action.due_on, today=today),
            )
            for action in objective.actions.all()
        ]
        rows.append(ObjectiveRow(objective, status, actions))
    return PlanPage(plan, rows)


def plan_versions(plan: AccountPlan) -> list:
    """Every version of the plan, newest first, each with what it changed."""
    return versions.versions(
        AccountPlan.history.filter(id=plan.pk),
        versions.tracked_fields(AccountPlan),
        compare_url=lambda history_id: reverse(
            "planning:plan_version", args=[plan.account_id, plan.pk, history_id]
        ),
    )
