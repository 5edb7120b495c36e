from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from accounts import access
from accounts.coverage import queries, services
from accounts.coverage.forms import CoverageForm
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab

BOARD = "coverage-board"


def _render_matrix(request, account, template="accounts/coverage/matrix.html", announcement=""):
    """The matrix page or its board; `announcement` goes to the page's live region (htmx)."""
    matrix = queries.coverage_matrix(account)
    return render_account_tab(
        request,
        account,
        "stakeholders",
        template,
        {
            "matrix": matrix,
            "map_report": matrix.report,
            "subnav": "coverage",
            "announcement": announcement,
        },
    )


def coverage_matrix(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    template = "accounts/coverage/matrix.html"
    if request.htmx and request.htmx.target == BOARD:
        template += "#board"
    return _render_matrix(request, account, template)


def coverage_edit(request, pk, stakeholder_pk, user_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    stakeholder = get_object_or_404(account.stakeholders, pk=stakeholder_pk)
    user = queries.team_user(account, user_pk)
    if user is None:
        raise Http404
    cell = queries.coverage_cell(account, stakeholder, user)
    form = CoverageForm(
        request.POST or None,
        initial={"strength": cell.strength, "last_contact": cell.last_contact},
        row_version=cell.row_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.coverage_set(
                actor=request.user,
                account=account,
                stakeholder=stakeholder,
                user=user,
                expected_version=form.expected_version,
                strength=form.cleaned_data["strength"],
                last_contact=form.cleaned_data["last_contact"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = _("Coverage of %(stakeholder)s by %(user)s saved.") % {
                "stakeholder": stakeholder,
                "user": user,
            }
            if request.htmx:
                response = _render_matrix(
                    request, account, "accounts/coverage/matrix.html#board", announcement=saved
                )
                return reswap(retarget(response, f"#{BOARD}"), "outerHTML")
            messages.success(request, saved)
            return redirect("accounts:coverage", pk=account.pk)
    template = "accounts/coverage/edit.html"
    if request.htmx:
        template += "#cell_form"
    return render_account_tab(
        request,
        account,
        "stakeholders",
        template,
        {"cell": cell, "form": form, "subnav": "coverage"},
    )
