from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.coverage.queries import map_report
from accounts.forms import add_service_errors
from accounts.stakeholders import queries, services
from accounts.stakeholders.forms import MarkLeftForm, PrivateNoteForm, StakeholderForm, need_formset
from accounts.tabs import render_account_tab

TAB = "stakeholders"


def _render(request, account, template, section, context=None):
    return render_account_tab(
        request,
        account,
        TAB,
        f"accounts/stakeholders/{template}",
        {"section": section, **(context or {})},
    )


def _to_card(account, stakeholder):
    return redirect("accounts:stakeholder_detail", pk=account.pk, stakeholder_pk=stakeholder.pk)


def stakeholder_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _render(
        request,
        account,
        "list.html",
        "list",
        {
            "people": queries.stakeholders_for_list(account),
            "role_tags": queries.ROLE_TAGS,
            "map_report": map_report(account),
        },
    )


def stakeholder_detail(request, pk, stakeholder_pk, mark_left_form=None):
    account = access.get_visible_account_or_404(request.user, pk)
    may_see_notes = access.can_see_private_notes(request.user, account)
    card = queries.stakeholder_card(account, stakeholder_pk, include_private_notes=may_see_notes)
    return _render(
        request,
        account,
        "detail.html",
        "list",
        {
            "card": card,
            "person": card.stakeholder,
            "can_see_private_notes": may_see_notes,
            "mark_left_form": mark_left_form or MarkLeftForm(),
        },
    )


def _edit(request, account, stakeholder):
    access.require_edit(request.user, account)
    may_see_notes = access.can_see_private_notes(request.user, account)
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_need" in data
    form = StakeholderForm(data, instance=stakeholder, account=account)
    needs = need_formset(data, stakeholder=stakeholder, add_row=adding_row)
    # Only the account team gets the private section, and only their POST can change it.
    note_form = None
    if may_see_notes:
        note_form = PrivateNoteForm(
            data, instance=queries.private_note_of(stakeholder) if stakeholder else None
        )
    if data is not None and not adding_row:
        forms_valid = [form.is_valid(), needs.is_valid()]
        if note_form is not None:
            forms_valid.append(note_form.is_valid())
        if all(forms_valid):
            try:
                saved = services.stakeholder_save(
                    actor=request.user,
                    account=account,
                    stakeholder=stakeholder,
                    fields=form.cleaned_data,
                    needs=[
                        {"id": f.instance.pk, **{k: f.cleaned_data[k] for k in f._meta.fields}}
                        for f in needs.forms
                        if f.cleaned_data
                        and not f.cleaned_data.get("DELETE")
                        and f.cleaned_data.get("description")
                    ],
                    private_note=note_form.cleaned_data if note_form is not None else None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” saved.") % {"name": saved.name})
                return _to_card(account, saved)
    return _render(
        request,
        account,
        "form.html",
        "list",
        {"form": form, "needs": needs, "note_form": note_form, "person": stakeholder},
    )


def stakeholder_create(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _edit(request, account, None)


def stakeholder_edit(request, pk, stakeholder_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _edit(request, account, queries.get_stakeholder_or_404(account, stakeholder_pk))


def stakeholder_mark_left(request, pk, stakeholder_pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_visible_account_or_404(request.user, pk)
    stakeholder = queries.get_stakeholder_or_404(account, stakeholder_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access.require_edit(request.user, account)
    form = MarkLeftForm(request.POST)
    if form.is_valid():
        try:
            services.stakeholder_mark_left(
                actor=request.user, stakeholder=stakeholder, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            reports = stakeholder.direct_reports.count()
            message = _("%(name)s is marked as having left the company.") % {
                "name": stakeholder.name
            }
            if reports:
                message += " " + ngettext(
                    "Their %(count)d direct report keeps the line to them on the org chart: "
                    "map their new manager when you know it.",
                    "Their %(count)d direct reports keep the line to them on the org chart: "
                    "map their new manager when you know it.",
                    reports,
                ) % {"count": reports}
            messages.success(request, message)
            return _to_card(account, stakeholder)
    return stakeholder_detail(request, pk, stakeholder_pk, mark_left_form=form)


def stakeholder_reinstate(request, pk, stakeholder_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    stakeholder = queries.get_stakeholder_or_404(account, stakeholder_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    access.require_edit(request.user, account)
    services.stakeholder_reinstate(actor=request.user, stakeholder=stakeholder)
    messages.success(request, _("%(name)s is back on the map.") % {"name": stakeholder.name})
    return _to_card(account, stakeholder)


def stakeholder_org_chart(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _render(
        request,
        account,
        "org_chart.html",
        "org_chart",
        {
            "chart": queries.org_chart(account),
            "role_legend": queries.role_legend(),
            "attitude_legend": queries.attitude_legend(),
        },
    )


def stakeholder_power_grid(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _render(
        request,
        account,
        "power_grid.html",
        "power_grid",
        {
            "grid": queries.power_grid(account),
            "role_legend": queries.role_legend(),
            "attitude_legend": queries.attitude_legend(),
        },
    )
