from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import access, exports, history, lifecycle, queries, services
from accounts.background_exports import services as export_services
from accounts.background_exports import views as export_views
from accounts.conflicts import ButtonForm
from accounts.coverage.queries import map_report
from accounts.filters import AccountFilter
from accounts.forms import (
    AccountForm,
    ComplaintEditForm,
    ComplaintForm,
    ComplaintResolveForm,
    OwnerForm,
    TeamMemberForm,
    TransactionForm,
    add_service_errors,
)
from accounts.pagination import paginate
from accounts.relationship import queries as relationship_queries
from accounts.restore import version_page
from accounts.tabs import render_account_tab


def account_list(request):
    accounts = queries.accounts_for_list(access.visible_accounts(request.user))
    account_filter = AccountFilter(request.GET, queryset=accounts)
    page = paginate(request, account_filter.qs)
    revenue = queries.revenue_last_12_months(a.pk for a in page.object_list)
    rows = [(account, revenue.get(account.pk)) for account in page.object_list]
    template = "accounts/account_list.html"
    if request.htmx and request.htmx.target == "account-results":
        template += "#results"
    return TemplateResponse(
        request,
        template,
        {
            "filter": account_filter,
            "page": page,
            "rows": rows,
            "is_filtered": account_filter.is_filtered,
            "can_create": access.can_create_account(request.user),
            "can_import": access.can_import(request.user),
        },
    )


def _export(request, kind: str):
    """One of the account list's exports, under the list's current filters, of the accounts the
    user may see (`?format=xlsx|csv` plus the list's own parameters). More rows than
    KAM_EXPORT_INLINE_MAX_ROWS: written in the background, and the user lands on its page."""
    export_format = exports.chosen_format(request)
    if export_format is None:
        return HttpResponseBadRequest(_("Choose Excel (xlsx) or CSV."))
    query = export_services.list_query(request.GET)
    table = export_services.list_table(request.user, kind, query)
    limit = export_services.inline_max_rows()
    if export_format == exports.XLSX:
        limit = max(limit, exports.XLSX_MAX_ROWS)
    rows = exports.count_rows(table, limit)
    if export_format == exports.XLSX and rows > exports.XLSX_MAX_ROWS:
        messages.warning(
            request,
            _(
                "That is more rows than an Excel worksheet holds (%(limit)s). Export CSV instead "
                "or narrow the filters."
            )
            % {"limit": number_format(exports.XLSX_MAX_ROWS, force_grouping=True)},
        )
        return redirect(f"{reverse('accounts:list')}?{query}")
    if export_services.is_large(rows):
        job = export_services.export_job_start(
            user=request.user, kind=kind, parameters={"query": query}, export_format=export_format
        )
        return export_views.started(job)
    return exports.response(table, export_format)


@require_GET
def export_accounts(request):
    return _export(request, "accounts")


@require_GET
def export_stakeholders(request):
    return _export(request, "stakeholders")


@require_GET
def export_transactions(request):
    return _export(request, "transactions")


def account_create(request):
    if not access.can_create_account(request.user):
        raise PermissionDenied
    can_choose_owner = access.is_admin(request.user)
    initial = {} if can_choose_owner else {"owner": request.user}
    form = AccountForm(request.POST or None, initial=initial, can_choose_owner=can_choose_owner)
    if request.method == "POST" and form.is_valid():
        try:
            # A new account has no version to check: the form's hidden row_version (0) stays here.
            fields = {k: v for k, v in form.cleaned_data.items() if k != "row_version"}
            account = services.account_create(actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account “%(name)s” created.") % {"name": account.name})
            return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


def account_detail(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return render_account_tab(
        request,
        account,
        "overview",
        "accounts/account_overview.html",
        {
            "figures": queries.trading_indicators(account),
            "open_complaints": queries.open_complaints(account),
            "recent_transactions": queries.recent_transactions(account),
            "relationship": relationship_queries.relationship_summary(account),
            "map_report": map_report(account),
        },
    )


def account_edit(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = AccountForm(
        request.POST or None,
        instance=account,
        can_choose_owner=access.can_manage_team(request.user, account),
    )
    category_before = account.category  # the form's validation writes into the instance
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        # Losing an account is finished by recording why (planning registers the recorder).
        recorder = lifecycle.loss_record_url(
            account, category_from=category_before, category_to=fields.get("category")
        )
        if recorder:
            del fields["category"]
            account.category = category_before
        try:
            services.account_update(
                actor=request.user,
                account=account,
                expected_version=form.expected_version,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if recorder:
                messages.info(
                    request,
                    _("Record why “%(name)s” was lost to finish.") % {"name": account.name},
                )
                return redirect(recorder)
            messages.success(request, _("Changes saved."))
            return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def account_history(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return render_account_tab(
        request,
        account,
        "history",
        "accounts/account_history.html",
        {
            "entries": history.account_history(
                account,
                include_private_notes=access.can_see_private_notes(request.user, account),
            )
        },
    )


def account_version(request, pk, history_id):
    """An earlier version of the account beside the account now; the team puts fields back."""
    account = access.get_visible_account_or_404(request.user, pk)
    return version_page(
        request,
        record=account,
        history_id=history_id,
        restorable=services.restorable_account_fields(request.user, account),
        restore=partial(services.account_restore, actor=request.user, account=account),
        done_url=reverse("accounts:history", args=[account.pk]),
        render=lambda context: render_account_tab(
            request, account, "history", "accounts/account_version.html", context
        ),
    )


def account_team(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    owner_form = member_form = None
    if access.can_manage_team(request.user, account):
        owner_form = OwnerForm(
            request.POST if request.POST.get("action") == "owner" else None, account=account
        )
        member_form = TeamMemberForm(
            request.POST if request.POST.get("action") == "add" else None, account=account
        )
    if request.method == "POST":
        access.require_team_management(request.user, account)
        action = request.POST.get("action")
        form = {"owner": owner_form, "add": member_form}.get(action)
        if form is not None and form.is_valid():
            try:
                if action == "owner":
                    owner = form.cleaned_data["owner"]
                    unchanged = owner == account.owner
                    services.account_set_owner(
                        actor=request.user,
                        account=account,
                        owner=owner,
                        expected_version=form.expected_version,
                    )
                    if not unchanged:
                        messages.success(request, _("Account manager changed."))
                    elif owner is None:
                        messages.info(
                            request, _("The account has no manager already: nothing changed.")
                        )
                    else:
                        messages.info(
                            request,
                            _("%(name)s is the account manager already: nothing changed.")
                            % {"name": owner},
                        )
                else:
                    services.team_member_add(
                        actor=request.user, account=account, **form.cleaned_data
                    )
                    messages.success(request, _("Team member added."))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("accounts:team", pk=account.pk)
    return render_account_tab(
        request,
        account,
        "team",
        "accounts/account_team.html",
        {"owner_form": owner_form, "member_form": member_form},
    )


def team_member_remove(request, pk, member_pk):
    account = access.get_team_account_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return redirect("accounts:team", pk=account.pk)
    try:
        member = services.team_member_remove(
            actor=request.user,
            account=account,
            member_pk=member_pk,
            expected_version=button.expected_version,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(name)s removed from the team.") % {"name": member.user})
    return redirect("accounts:team", pk=account.pk)


def transaction_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    page = paginate(request, queries.account_transactions(account), per_page=50)
    return render_account_tab(
        request,
        account,
        "transactions",
        "accounts/transaction_list.html",
        {"page": page, "figures": queries.trading_indicators(account)},
    )


def transaction_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = TransactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transaction_add(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Transaction added."))
            return redirect("accounts:transactions", pk=account.pk)
    return render_account_tab(
        request, account, "transactions", "accounts/transaction_form.html", {"form": form}
    )


def complaint_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    page = paginate(request, queries.account_complaints(account), per_page=25)
    return render_account_tab(
        request, account, "complaints", "accounts/complaint_list.html", {"page": page}
    )


def complaint_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = ComplaintForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_open(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Complaint logged."))
            return redirect("accounts:complaints", pk=account.pk)
    return render_account_tab(
        request,
        account,
        "complaints",
        "accounts/complaint_form.html",
        {"form": form, "complaint": None},
    )


def _complaint_for(request, pk, complaint_pk):
    """The complaint to change, and its account (which the user must be able to edit)."""
    account = access.get_editable_account_or_404(request.user, pk)
    complaint = get_object_or_404(account.complaints.select_related("owner"), pk=complaint_pk)
    complaint.account = account
    return account, complaint


def complaint_edit(request, pk, complaint_pk):
    account, complaint = _complaint_for(request, pk, complaint_pk)
    form = ComplaintEditForm(request.POST or None, instance=complaint, account=account)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.complaint_update(
                actor=request.user,
                complaint=complaint,
                expected_version=form.expected_version,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Complaint updated."))
            return redirect("accounts:complaints", pk=account.pk)
    return render_account_tab(
        request,
        account,
        "complaints",
        "accounts/complaint_form.html",
        {"form": form, "complaint": complaint},
    )


def complaint_resolve(request, pk, complaint_pk):
    account, complaint = _complaint_for(request, pk, complaint_pk)
    # A resolution typed on a page loaded before someone else resolved it goes to the service,
    # which shows it beside theirs rather than dropping it.
    if request.method != "POST" and not complaint.is_open:
        messages.info(request, _("This complaint is already resolved."))
        return redirect("accounts:complaints", pk=account.pk)
    form = ComplaintResolveForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_resolve(
                actor=request.user,
                complaint=complaint,
                expected_version=form.expected_version,
                resolution=form.cleaned_data["resolution"],
                resolved_on=form.cleaned_data["resolved_on"],
                conflict_mode=form.cleaned_data["conflict_mode"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Complaint resolved."))
            return redirect("accounts:complaints", pk=account.pk)
    return render_account_tab(
        request,
        account,
        "complaints",
        "accounts/complaint_resolve.html",
        {"form": form, "complaint": complaint},
    )


def complaint_reopen(request, pk, complaint_pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account, complaint = _complaint_for(request, pk, complaint_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return redirect("accounts:complaints", pk=account.pk)
    try:
        services.complaint_reopen(
            actor=request.user, complaint=complaint, expected_version=button.expected_version
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Complaint reopened."))
    return redirect("accounts:complaints", pk=account.pk)
