"""Write side of account plans. Every change goes through here, in a transaction, with the acting
user recorded in the history; the rules (one active plan per account and year, due dates inside
the plan's year, action owners from the account team) hold whatever form or script sent the
data. A change of a stored plan, objective or action names the version its form was loaded at
(`expected_version`) and is refused with EditConflict if someone saved the record since."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, versions
from accounts.conflicts import claim
from accounts.models import Account
from planning.models.plans import AccountPlan, Action, ActionStatus, Objective, PlanStatus
from planning.plans.progress import shift_years

PLAN_FIELDS = ("year", "status", "summary", "strengths", "weaknesses", "opportunities", "threats")
SWOT_FIELDS = ("summary", "strengths", "weaknesses", "opportunities", "threats")
OBJECTIVE_FIELDS = ("title", "metric", "unit", "baseline", "target", "actual", "due_on")
ACTION_FIELDS = ("description", "owner", "due_on", "status")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


def _unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def team_user_ids(account: Account) -> set[int]:
    """The account team: the owner and the members (prefetched by get_visible_account_or_404)."""
    ids = {member.user_id for member in account.team_members.all()}
    if account.owner_id:
        ids.add(account.owner_id)
    return ids


def _active_conflict_error(year) -> ValidationError:
    return ValidationError(
        {
            "status": _(
                "This account already has an active plan for %(year)s. Close it first, or keep "
                "this one as a draft."
            )
            % {"year": year}
        }
    )


def _check_year(year) -> None:
    if year is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValidationError(
            {
                "year": _("Choose a year between %(min)s and %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            }
        )


def _save_plan(actor, plan: AccountPlan) -> AccountPlan:
    """Save, turning the one-active-plan rule into a field error, checked first and backed by the
    database constraint (two people activating at once)."""
    if plan.status == PlanStatus.ACTIVE:
        others = AccountPlan.objects.filter(
            account_id=plan.account_id, year=plan.year, status=PlanStatus.ACTIVE
        ).exclude(pk=plan.pk)
        if others.exists():
            raise _active_conflict_error(plan.year)
    try:
        with transaction.atomic():
            _with_history_user(plan, actor).save()
    except IntegrityError:
        raise _active_conflict_error(plan.year) from None
    return plan


def _check_due_in_plan_year(plan: AccountPlan, due_on: date | None) -> None:
    """Objectives and their actions are due inside the plan's year: the one rule for both."""
    if due_on is None:
        raise ValidationError({"due_on": _("Give a due date.")})
    if due_on.year != plan.year:
        if due_on.year < plan.year:
            message = _("The due date is before the plan's year (%(year)s).")
        else:
            message = _("The due date is after the plan's year (%(year)s).")
        raise ValidationError({"due_on": message % {"year": plan.year}})


@transaction.atomic
def plan_save(
    *,
    actor,
    account: Account,
    plan: AccountPlan | None = None,
    expected_version: int | None = None,
    fields: dict,
) -> AccountPlan:
    """Create a plan for the account (plan=None) or change one from a form loaded at
    `expected_version`."""
    access.require_edit(actor, account)
    _unknown(fields, PLAN_FIELDS)
    if plan is None:
        plan = AccountPlan(account=account, owner_id=account.owner_id or actor.pk)
    elif plan.account_id != account.pk:
        raise PermissionDenied
    else:
        claim(plan, expected_version=expected_version)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_year(plan.year)
    if plan.pk:
        # Objectives must stay inside the plan's year.
        outside = plan.objectives.exclude(due_on__year=plan.year)
        actions_outside = Action.objects.filter(objective__plan=plan).exclude(
            due_on__year=plan.year
        )
        if "year" in fields and outside.exists():
            raise ValidationError(
                {
                    "year": _(
                        "Some objectives are due outside %(year)s: move their due dates first, "
                        "or copy the plan to that year instead."
                    )
                    % {"year": plan.year}
                }
            )
        if "year" in fields and actions_outside.exists():
            raise ValidationError(
                {
                    "year": _(
                        "Some actions are due outside %(year)s: move their due dates first, "
                        "or copy the plan to that year instead."
                    )
                    % {"year": plan.year}
                }
            )
    plan.full_clean(exclude=["account", "owner", "copied_from"], validate_constraints=False)
    return _save_plan(actor, plan)


def restorable_plan_fields(actor, account: Account) -> set[str]:
    """The fields of an earlier version of a plan that `actor` may put back: what the plan's
    form edits."""
    return set(PLAN_FIELDS) if access.can_edit_account(actor, account) else set()


@transaction.atomic
def plan_restore(
    *,
    actor,
    account: Account,
    plan: AccountPlan,
    expected_version: int,
    version,
    fields: Iterable[str],
) -> AccountPlan:
    """Put the chosen fields of an earlier version of the plan back, through plan_save (so the
    year and one-active-plan rules hold), as a change whose history names that version."""
    access.require_edit(actor, account)
    chosen = set(fields)
    if version.id != plan.pk or plan.account_id != account.pk:
        raise PermissionDenied
    versions.check_chosen(chosen, restorable_plan_fields(actor, account))
    plan._change_reason = versions.restore_reason(version)
    return plan_save(
        actor=actor,
        account=account,
        plan=plan,
        expected_version=expected_version,
        fields=versions.values_of(version, versions.tracked_fields(AccountPlan), chosen),
    )


@transaction.atomic
def plan_set_status(*, actor, plan: AccountPlan, expected_version: int, status: str) -> AccountPlan:
    """Activate, close or put a plan back to draft, from a page that showed it at
    `expected_version`."""
    access.require_edit(actor, plan.account)
    claim(plan, expected_version=expected_version)
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose draft, active or closed.")})
    plan.status = status
    return _save_plan(actor, plan)


@transaction.atomic
def plan_copy(*, actor, plan: AccountPlan, year: int | None = None) -> AccountPlan:
    """Start a new draft from `plan` for `year` (default: the year after): the summary and SWOT,
    the objectives with due dates moved by the same number of years and their actuals reset to
    the baseline, and the actions as open with due dates moved (owners who left the team are
    cleared)."""
    access.require_edit(actor, plan.account)
    year = plan.year + 1 if year is None else int(year)
    _check_year(year)
    if year == plan.year:
        raise ValidationError({"year": _("Choose another year than the plan's own.")})
    years = year - plan.year
    account = plan.account
    copy = AccountPlan(
        account=account,
        year=year,
        owner_id=account.owner_id or plan.owner_id,
        status=PlanStatus.DRAFT,
        copied_from=plan,
        **{name: getattr(plan, name) for name in SWOT_FIELDS},
    )
    _with_history_user(copy, actor).save()
    team = team_user_ids(account)
    for objective in plan.objectives.prefetch_related("actions"):
        new_objective = Objective(
            plan=copy,
            title=objective.title,
            metric=objective.metric,
            unit=objective.unit,
            baseline=objective.baseline,
            target=objective.target,
            actual=objective.baseline,
            due_on=shift_years(objective.due_on, years),
            position=objective.position,
        )
        _with_history_user(new_objective, actor).save()
        for action in objective.actions.all():
            _with_history_user(
                Action(
                    objective=new_objective,
                    description=action.description,
                    owner_id=action.owner_id if action.owner_id in team else None,
                    due_on=shift_years(action.due_on, years),
                    status=ActionStatus.OPEN,
                ),
                actor,
            ).save()
    return copy


@transaction.atomic
def objective_save(
    *,
    actor,
    plan: AccountPlan,
    objective: Objective | None = None,
    expected_version: int | None = None,
    fields: dict,
) -> Objective:
    """Add an objective to the plan (objective=None) or change one from a form loaded at
    `expected_version`."""
    access.require_edit(actor, plan.account)
    _unknown(fields, OBJECTIVE_FIELDS)
    if objective is None:
        last = plan.objectives.order_by("-position").values_list("position", flat=True).first()
        objective = Objective(plan=plan, position=(last or 0) + 1)
    elif objective.plan_id != plan.pk:
        raise PermissionDenied
    else:
        claim(objective, expected_version=expected_version)
    for name, value in fields.items():
        setattr(objective, name, value)
    if objective.target is None:
        raise ValidationError({"target": _("Give a target.")})
    _check_due_in_plan_year(plan, objective.due_on)
    objective.full_clean(exclude=["plan"])
    _with_history_user(objective, actor).save()
    return objective


@transaction.atomic
def objective_update_actual(
    *, actor, objective: Objective, expected_version: int, actual: Decimal
) -> Objective:
    access.require_edit(actor, objective.plan.account)
    claim(objective, expected_version=expected_version)
    if actual is None:
        raise ValidationError({"actual": _("Give the actual figure.")})
    objective.actual = actual
    objective.full_clean(exclude=["plan"])
    _with_history_user(objective, actor).save()
    return objective


def _apply_action_status(action: Action, status: str, done_on: date | None = None) -> None:
    action.status = status
    if status == ActionStatus.DONE:
        action.done_on = action.done_on or done_on or timezone.localdate()
    else:
        action.done_on = None


@transaction.atomic
def action_save(
    *,
    actor,
    objective: Objective,
    action: Action | None = None,
    expected_version: int | None = None,
    fields: dict,
) -> Action:
    """Add an action to the objective (action=None) or change one from a form loaded at
    `expected_version`."""
    account = objective.plan.account
    access.require_edit(actor, account)
    _unknown(fields, ACTION_FIELDS)
    if action is None:
        action = Action(objective=objective)
    elif action.objective_id != objective.pk:
        raise PermissionDenied
    else:
        claim(action, expected_version=expected_version)
    previous_owner_id = action.owner_id
    for name, value in fields.items():
        if name != "status":
            setattr(action, name, value)
    owner_id = action.owner_id
    if (
        owner_id is not None
        and owner_id != previous_owner_id
        and owner_id not in team_user_ids(account)
    ):
        raise ValidationError({"owner": _("Choose someone on the account team.")})
    if "status" in fields:
        _apply_action_status(action, fields["status"])
    _check_due_in_plan_year(objective.plan, action.due_on)
    action.full_clean(exclude=["objective"])
    _with_history_user(action, actor).save()
    return action


@transaction.atomic
def action_mark_done(
    *, actor, action: Action, expected_version: int, done_on: date | None = None
) -> Action:
    access.require_edit(actor, action.objective.plan.account)
    claim(action, expected_version=expected_version)
    _apply_action_status(action, ActionStatus.DONE, done_on)
    _with_history_user(action, actor).save()
    return action
