from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import access, lifecycle
from accounts.forms import add_service_errors
from accounts.relationship import ladder, queries, services
from accounts.relationship.forms import (
    RelationshipProfileForm,
    StageAssessmentForm,
    StageChangeForm,
)
from accounts.tabs import render_account_tab


def _render_tab(request, account, stage_form=None):
    if stage_form is None and access.can_edit_account(request.user, account):
        stage_form = StageChangeForm(account=account)
    return render_account_tab(
        request,
        account,
        "relationship",
        "accounts/relationship/page.html",
        {
            "relationship": queries.relationship_summary(account),
            "timeline": queries.stage_timeline(account),
            "stage_form": stage_form,
            "stage_guides": ladder.stage_guides(),
        },
    )


def relationship(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _render_tab(request, account)


def stage_change(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    if request.method != "POST":
        return redirect("accounts:relationship", pk=account.pk)
    form = StageChangeForm(request.POST, account=account)
    if form.is_valid():
        try:
            change = services.stage_change(
                actor=request.user,
                account=account,
                expected_version=form.expected_version,
                to_stage=form.cleaned_data["to_stage"],
                target_stage=form.cleaned_data["target_stage"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if change is None:
                messages.info(request, _("The stage and the target are already set that way."))
            elif change.is_regression:
                messages.warning(
                    request,
                    _("Stage set to %(stage)s. This is a step back down the ladder (a regression).")
                    % {"stage": change.get_to_stage_display()},
                )
            else:
                messages.success(
                    request, _("Stage set to %(stage)s.") % {"stage": change.get_to_stage_display()}
                )
            recorder = lifecycle.loss_record_url(
                account, category_from=account.category, stage_change=change
            )
            if recorder:
                messages.info(
                    request,
                    _("The relationship is uncoupling. If the account is lost, record why."),
                )
                return redirect(recorder)
            return redirect("accounts:relationship", pk=account.pk)
    return _render_tab(request, account, stage_form=form)


def stage_assessment(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method == "POST":
        access.require_edit(request.user, account)
    latest = queries.latest_assessment(account)
    form = StageAssessmentForm(request.POST or None, latest=latest)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.stage_assess(
                actor=request.user,
                account=account,
                expected_latest=form.expected_version,
                signs=form.cleaned_data["signs"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Assessment saved. The checklist suggests %(stage)s.")
                % {"stage": assessment.get_suggested_stage_display()},
            )
            return redirect("accounts:relationship", pk=account.pk)
    return render_account_tab(
        request,
        account,
        "relationship",
        "accounts/relationship/assessment.html",
        {
            "form": form,
            "latest": latest,
            "checklist": ladder.checklist(),
            "can_assess": access.can_edit_account(request.user, account),
        },
    )


def relationship_profile(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = RelationshipProfileForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_profile_update(
                actor=request.user,
                account=account,
                expected_version=form.expected_version,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Relationship profile saved."))
            return redirect("accounts:relationship", pk=account.pk)
    return render_account_tab(
        request, account, "relationship", "accounts/relationship/profile.html", {"form": form}
    )
