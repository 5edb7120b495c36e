from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import ButtonForm, EditConflict
from accounts.forms import add_service_errors
from accounts.restore import version_page
from accounts.tabs import render_account_tab
from planning.plans import queries, services
from planning.plans.forms import (
    ActionForm,
    ActualForm,
    ObjectiveForm,
    PlanCopyForm,
    PlanForm,
    PlanStatusForm,
)

TAB = "plans"


def _render(request, account, template, context=None):
    return render_account_tab(request, account, TAB, f"planning/plans/{template}", context)


def _to_plan(account, plan, anchor=""):
    response = redirect("planning:plan_detail", pk=account.pk, plan_pk=plan.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _plan_page(request, account, plan, status_form=None):
    plans = queries.plans_of(account)
    if plan is None:
        plan = queries.default_plan(plans)
        if plan is not None:
            plan.account = account
    return _render(
        request,
        account,
        "page.html",
        {
            "plans": plans,
            "page": queries.plan_page(plan) if plan is not None else None,
            "plan": plan,
            "status_form": status_form,
        },
    )


def plan_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _plan_page(request, account, None)


def plan_detail(request, pk, plan_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _plan_page(request, account, queries.get_plan_or_404(account, plan_pk))


def _plan_form(request, account, plan):
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
        try:
            saved = services.plan_save(
                actor=request.user,
                account=account,
                plan=plan,
                expected_version=form.expected_version if plan else None,
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Plan %(year)s saved.") % {"year": saved.year})
            return _to_plan(account, saved)
    return _render(request, account, "plan_form.html", {"form": form, "plan": plan})


def plan_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _plan_form(request, account, None)


def plan_edit(request, pk, plan_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _plan_form(request, account, queries.get_plan_or_404(account, plan_pk))


def plan_status(request, pk, plan_pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_set_status(
                actor=request.user,
                plan=plan,
                expected_version=form.expected_version,
                status=form.cleaned_data["status"],
            )
        except EditConflict as error:
            messages.error(request, error.messages[0])
            return _to_plan(account, plan)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Plan %(year)s is now %(status)s.")
                % {"year": plan.year, "status": plan.get_status_display().lower()},
            )
            return _to_plan(account, plan)
    plan.refresh_from_db(fields=["status"])
    return _plan_page(request, account, plan, status_form=form)


def plan_copy(request, pk, plan_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    form = PlanCopyForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.plan_copy(actor=request.user, plan=plan, year=form.cleaned_data["year"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Draft plan %(year)s started from %(source)s.")
                % {"year": copy.year, "source": plan.year},
            )
            return _to_plan(account, copy)
    return _render(request, account, "copy_form.html", {"form": form, "plan": plan})


def _objective_form(request, account, plan, objective):
    form = ObjectiveForm(request.POST or None, instance=objective, plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.OBJECTIVE_FIELDS}
        try:
            saved = services.objective_save(
                actor=request.user,
                plan=plan,
                objective=objective,
                expected_version=form.expected_version if objective else None,
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objective “%(title)s” saved.") % {"title": saved.title})
            return _to_plan(account, plan, f"objective-{saved.pk}")
    return _render(
        request,
        account,
        "objective_form.html",
        {"form": form, "plan": plan, "objective": objective},
    )


def plan_objective_create(request, pk, plan_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    return _objective_form(request, account, plan, None)


def plan_objective_edit(request, pk, plan_pk, objective_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    objective = queries.get_objective_or_404(plan, objective_pk)
    return _objective_form(request, account, plan, objective)


def plan_objective_actual(request, pk, plan_pk, objective_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    objective = queries.get_objective_or_404(plan, objective_pk)
    form = ActualForm(request.POST or None, objective=objective)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_update_actual(
                actor=request.user,
                objective=objective,
                expected_version=form.expected_version,
                actual=form.cleaned_data["actual"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Actual of “%(title)s” updated.") % {"title": objective.title}
            )
            return _to_plan(account, plan, f"objective-{objective.pk}")
    return _render(
        request,
        account,
        "actual_form.html",
        {"form": form, "plan": plan, "objective": objective},
    )


def _action_form(request, account, plan, objective, action):
    form = ActionForm(request.POST or None, instance=action, team=queries.team_users(account))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ACTION_FIELDS}
        try:
            saved = services.action_save(
                actor=request.user,
                objective=objective,
                action=action,
                expected_version=form.expected_version if action else None,
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Action “%(action)s” saved.") % {"action": saved.description}
            )
            return _to_plan(account, plan, f"objective-{objective.pk}")
    return _render(
        request,
        account,
        "action_form.html",
        {"form": form, "plan": plan, "objective": objective, "action": action},
    )


def plan_action_create(request, pk, plan_pk, objective_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    objective = queries.get_objective_or_404(plan, objective_pk)
    return _action_form(request, account, plan, objective, None)


def plan_action_edit(request, pk, plan_pk, action_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    action = queries.get_action_or_404(plan, action_pk)
    return _action_form(request, account, plan, action.objective, action)


def plan_action_done(request, pk, plan_pk, action_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    action = queries.get_action_or_404(plan, action_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ButtonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.refusal())
    else:
        try:
            services.action_mark_done(
                actor=request.user, action=action, expected_version=form.expected_version
            )
        except EditConflict as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("Action “%(action)s” done.") % {"action": action.description}
            )
    return _to_plan(account, plan, f"objective-{action.objective_id}")


def plan_history(request, pk, plan_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    return _render(
        request, account, "history.html", {"plan": plan, "versions": queries.plan_versions(plan)}
    )


def plan_version(request, pk, plan_pk, history_id):
    """An earlier version of the plan beside the plan now; the team puts fields back."""
    account = access.get_visible_account_or_404(request.user, pk)
    plan = queries.get_plan_or_404(account, plan_pk)
    return version_page(
        request,
        record=plan,
        history_id=history_id,
        restorable=services.restorable_plan_fields(request.user, account),
        restore=partial(services.plan_restore, actor=request.user, account=account, plan=plan),
        done_url=reverse("planning:plan_history", args=[account.pk, plan.pk]),
        render=lambda context: _render(request, account, "version.html", {"plan": plan, **context}),
    )
