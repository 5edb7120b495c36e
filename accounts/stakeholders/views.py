from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.conflicts import ButtonForm, EditConflict
from accounts.coverage.queries import map_report
from accounts.forms import add_service_errors
from accounts.restore import version_page
from accounts.stakeholders import queries, services
from accounts.stakeholders.forms import (
    MarkLeftForm,
    PrivateNoteForm,
    StakeholderEditForm,
    StakeholderForm,
    need_conflict_rows,
    need_formset,
    needs_against,
    private_note_conflict_rows,
    shown_as_typed,
)
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
            "mark_left_form": mark_left_form
            or MarkLeftForm(row_version=card.stakeholder.row_version),
        },
    )


def _edit(request, account, stakeholder):
    may_see_notes = access.can_see_private_notes(request.user, account)
    data = request.POST if request.method == "POST" else None
    adding_row = data is not None and "add_need" in data
    if stakeholder is None:
        form = StakeholderForm(data, instance=None, account=account)
    else:
        form = StakeholderEditForm(data, instance=stakeholder, account=account)
        if data is not None:
            # Rows of needs removed since the page was loaded would not bind; they become new
            # rows, so the save reaches the service, which tells of the change.
            data = needs_against(data, queries.needs_of(stakeholder))
    needs = need_formset(data, stakeholder=stakeholder, add_row=adding_row)
    # Only the account team gets the private section, and only their POST can change it.
    note_form = None
    if may_see_notes:
        note_form = PrivateNoteForm(
            data, instance=queries.private_note_of(stakeholder) if stakeholder else None
        )
    if adding_row:
        shown_as_typed(form, needs, note_form)
    elif data is not None:
        forms_valid = [form.is_valid(), needs.is_valid()]
        if note_form is not None:
            forms_valid.append(note_form.is_valid())
        if all(forms_valid):
            try:
                saved = services.stakeholder_save(
                    actor=request.user,
                    account=account,
                    stakeholder=stakeholder,
                    expected_version=form.expected_version if stakeholder else None,
                    fields={name: form.cleaned_data[name] for name in StakeholderForm.Meta.fields},
                    needs=[
                        {"id": f.instance.pk, **{k: f.cleaned_data[k] for k in f._meta.fields}}
                        for f in needs.forms
                        if f.cleaned_data
                        and not f.cleaned_data.get("DELETE")
                        and f.cleaned_data.get("description")
                    ],
                    private_note=note_form.cleaned_data if note_form is not None else None,
                )
            except EditConflict as error:
                needs = _show_conflict(request, error, form, needs, note_form, stakeholder)
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


def _show_conflict(request, error, form, needs, note_form, stakeholder):
    """Someone saved the person after this form was loaded: everything typed stays (the person,
    the needs, the private notes), beside what is stored now. Returns the needs formset to show:
    the typed rows fitted to the stored needs, with any needs someone else added."""
    if error.current is None:
        form.show_conflict(error)
        return needs
    stored_needs = queries.needs_of(stakeholder)
    rebased = needs_against(request.POST, stored_needs, add_unknown=True)
    rows = need_conflict_rows(request.POST, rebased, stored_needs)
    if note_form is not None:  # the account team's form only: nobody else sees private notes
        rows += private_note_conflict_rows(note_form, queries.private_note_of(stakeholder))
    form.show_conflict(error, extra_rows=rows)
    return need_formset(rebased, stakeholder=stakeholder)


def stakeholder_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _edit(request, account, None)


def stakeholder_edit(request, pk, stakeholder_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _edit(request, account, queries.get_stakeholder_or_404(account, stakeholder_pk))


def stakeholder_mark_left(request, pk, stakeholder_pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_editable_account_or_404(request.user, pk)
    stakeholder = queries.get_stakeholder_or_404(account, stakeholder_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MarkLeftForm(request.POST, row_version=stakeholder.row_version)
    if form.is_valid():
        try:
            services.stakeholder_mark_left(
                actor=request.user,
                stakeholder=stakeholder,
                expected_version=form.expected_version,
                left_on=form.cleaned_data["left_on"],
            )
        except EditConflict as error:
            # An in-place change: say who changed the person, and show the card as it is now.
            messages.error(request, error.messages[0])
            return _to_card(account, stakeholder)
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
    account = access.get_editable_account_or_404(request.user, pk)
    stakeholder = queries.get_stakeholder_or_404(account, stakeholder_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return _to_card(account, stakeholder)
    try:
        services.stakeholder_reinstate(
            actor=request.user, stakeholder=stakeholder, expected_version=button.expected_version
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
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


def stakeholder_history(request, pk, stakeholder_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    person = queries.get_stakeholder_or_404(account, stakeholder_pk)
    return _render(
        request,
        account,
        "history.html",
        "list",
        {"person": person, "versions": queries.stakeholder_versions(person)},
    )


def stakeholder_version(request, pk, stakeholder_pk, history_id):
    """An earlier version of the person beside the person now; the team puts fields back."""
    account = access.get_visible_account_or_404(request.user, pk)
    person = queries.get_stakeholder_or_404(account, stakeholder_pk)
    return version_page(
        request,
        record=person,
        history_id=history_id,
        restorable=services.restorable_stakeholder_fields(request.user, account),
        restore=partial(
            services.stakeholder_restore, actor=request.user, account=account, stakeholder=person
        ),
        done_url=reverse("accounts:stakeholder_history", args=[account.pk, person.pk]),
        render=lambda context: _render(
            request, account, "version.html", "list", {"person": person, **context}
        ),
    )
