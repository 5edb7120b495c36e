from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from planning.pipeline import queries, services, stages
from planning.pipeline.filters import OpportunityListFilter
from planning.pipeline.forms import CriteriaForm, LostForm, MoveForm, OpportunityForm


def _opportunity(account, opportunity_pk):
    return get_object_or_404(account.opportunities.select_related("owner"), pk=opportunity_pk)


def opportunity_board(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    columns = queries.board(account)
    cards = [card for column in columns for card in column.cards]
    return render_account_tab(
        request,
        account,
        "pipeline",
        "planning/pipeline/board.html",
        {"columns": columns, "totals": queries.pipeline_totals(cards), "view": "board"},
    )


def opportunity_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    table = OpportunityListFilter(request.GET, queryset=queries.opportunities_for_list(account))
    rows = queries.cards(table.qs)
    return render_account_tab(
        request,
        account,
        "pipeline",
        "planning/pipeline/list.html",
        {
            "rows": rows,
            "headers": table.sort_headers,
            "totals": queries.pipeline_totals(rows),
            "view": "list",
        },
    )


def _save_form(request, account, opportunity=None):
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.OPPORTUNITY_FIELDS}
        try:
            if opportunity is None:
                opportunity = services.opportunity_create(
                    actor=request.user, account=account, **fields
                )
                messages.success(request, _("Opportunity created."))
            else:
                services.opportunity_update(
                    actor=request.user,
                    opportunity=opportunity,
                    expected_version=form.expected_version,
                    **fields,
                )
                messages.success(request, _("Opportunity saved."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _detail_redirect(account, opportunity)
    return render_account_tab(
        request,
        account,
        "pipeline",
        "planning/pipeline/form.html",
        {"form": form, "opportunity": opportunity},
    )


def opportunity_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _save_form(request, account)


def opportunity_edit(request, pk, opportunity_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    opportunity = _opportunity(account, opportunity_pk)
    return _save_form(request, account, opportunity)


def _render_detail(request, account, opportunity, **forms):
    can_edit = access.can_edit_account(request.user, account)
    context = {
        "opportunity": opportunity,
        "weighted": queries.weighted_value(opportunity),
        "criteria": queries.criteria_state(opportunity),
        "history": queries.stage_history(opportunity),
        "is_open": stages.is_open(opportunity.stage),
        "steps": stages.progress(opportunity.stage),
        "next_stage": stages.next_stage(opportunity.stage),
        "can_edit": can_edit,
        "form": forms.get("failed"),
    }
    if can_edit:
        context["criteria_form"] = forms.get("criteria_form") or CriteriaForm(
            opportunity=opportunity
        )
        context["move_form"] = forms.get("move_form") or MoveForm(opportunity=opportunity)
        context["lost_form"] = forms.get("lost_form") or LostForm(opportunity=opportunity)
    if context["next_stage"]:
        context["next_label"] = stages.label_of(context["next_stage"])
    return render_account_tab(
        request, account, "pipeline", "planning/pipeline/detail.html", context
    )


def opportunity_detail(request, pk, opportunity_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    opportunity = _opportunity(account, opportunity_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _render_detail(request, account, opportunity)


def _detail_redirect(account, opportunity):
    return redirect("planning:opportunity_detail", pk=account.pk, opportunity_pk=opportunity.pk)


def opportunity_criteria(request, pk, opportunity_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    opportunity = _opportunity(account, opportunity_pk)
    if request.method != "POST":
        return _detail_redirect(account, opportunity)
    form = CriteriaForm(request.POST, opportunity=opportunity)
    if not stages.is_open(opportunity.stage):
        # Closed since the page was shown (its criteria went with it), or a forged post.
        if form.is_valid() and form.expected_version != opportunity.row_version:
            messages.error(request, EditConflict.about(opportunity).messages[0])
        else:
            messages.error(request, _("A closed opportunity has no exit criteria."))
        return _detail_redirect(account, opportunity)
    if form.is_valid():
        try:
            services.opportunity_criteria_update(
                actor=request.user,
                opportunity=opportunity,
                expected_version=form.expected_version,
                criteria=form.cleaned_data["criteria"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Exit criteria saved."))
            return _detail_redirect(account, opportunity)
    return _render_detail(request, account, opportunity, criteria_form=form, failed=form)


def opportunity_move(request, pk, opportunity_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    opportunity = _opportunity(account, opportunity_pk)
    if request.method != "POST":
        return _detail_redirect(account, opportunity)
    form = MoveForm(request.POST, opportunity=opportunity)
    # The one-click buttons (next stage, won, the board's cards) post no reason: nothing typed to
    # keep, so they are told in a message over the page they came from.
    button = "reason" not in request.POST
    if form.is_valid():
        try:
            change = services.opportunity_move(
                actor=request.user,
                opportunity=opportunity,
                expected_version=form.expected_version,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as error:
            if not button:
                add_service_errors(form, error)
            else:
                messages.error(request, error.messages[0])
                if request.POST.get("return_to") == "board":
                    return redirect("planning:pipeline", pk=account.pk)
                return _detail_redirect(account, opportunity)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if change.to_stage == stages.Stage.WON:
                messages.success(request, _("Won. Well done."))
            else:
                messages.success(
                    request,
                    _("Moved to %(stage)s.") % {"stage": change.get_to_stage_display()},
                )
            if request.POST.get("return_to") == "board":
                return redirect("planning:pipeline", pk=account.pk)
            return _detail_redirect(account, opportunity)
    return _render_detail(request, account, opportunity, move_form=form, failed=form)


def opportunity_lost(request, pk, opportunity_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    opportunity = _opportunity(account, opportunity_pk)
    if request.method != "POST":
        return _detail_redirect(account, opportunity)
    form = LostForm(request.POST, opportunity=opportunity)
    if form.is_valid():
        try:
            services.opportunity_mark_lost(
                actor=request.user,
                opportunity=opportunity,
                expected_version=form.expected_version,
                reason=form.cleaned_data["lost_reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                # The service calls it the reason; this form calls it why it was lost.
                error.error_dict["lost_reason"] = error.error_dict.pop("reason")
            add_service_errors(form, error)
        else:
            messages.warning(request, _("Marked as lost."))
            return _detail_redirect(account, opportunity)
    return _render_detail(request, account, opportunity, lost_form=form, failed=form)
