from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import ButtonForm, EditConflict
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from planning.models import VisitStatus
from planning.visits import queries, services
from planning.visits.forms import SPIN_GROUPS, VisitForm, VisitReportForm

TAB = "visits"


def _render(request, account, template, context=None):
    return render_account_tab(request, account, TAB, f"planning/visits/{template}", context)


def _to_visit(account, visit):
    return redirect("planning:visit_detail", pk=account.pk, visit_pk=visit.pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def visit_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return _render(request, account, "list.html", {"visits": queries.visits_for_tab(account)})


def visit_detail(request, pk, visit_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    visit = queries.get_visit_or_404(account, visit_pk)
    return _render(
        request,
        account,
        "detail.html",
        {
            "visit": visit,
            "cards": queries.attendee_cards(visit),
            "spin": [(name, visit._meta.get_field(name).verbose_name) for name in SPIN_GROUPS],
            "is_past": visit.starts_at < timezone.now(),
            # Report once it has taken place (a visit earlier today counts).
            "can_report": timezone.localdate(visit.starts_at) <= timezone.localdate(),
        },
    )


def _prepare(request, account, visit):
    initial = {}
    if visit is None and any(user.pk == request.user.pk for user in queries.team_users(account)):
        initial["our_attendees"] = [request.user.pk]  # whoever prepares it usually goes
    form = VisitForm(request.POST or None, instance=visit, account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.visit_save(
                actor=request.user,
                account=account,
                visit=visit,
                expected_version=form.expected_version if visit else None,
                fields={name: data[name] for name in services.PREPARE_FIELDS},
                attendees=data["attendees"],
                our_attendees=data["our_attendees"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return _to_visit(account, saved)
    return _render(request, account, "form.html", {"form": form, "visit": visit})


def visit_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    return _prepare(request, account, None)


def visit_edit(request, pk, visit_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    visit = queries.get_visit_or_404(account, visit_pk)
    # A form sent after the visit was reported or cancelled is the service's to refuse, with the
    # typed input kept.
    if request.method != "POST" and visit.status != VisitStatus.PLANNED:
        messages.warning(request, _("Only a planned visit can be changed."))
        return _to_visit(account, visit)
    return _prepare(request, account, visit)


def visit_report(request, pk, visit_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    visit = queries.get_visit_or_404(account, visit_pk)
    # A report sent after someone else reported or cancelled the visit is the service's to refuse,
    # with the typed report kept beside theirs.
    if request.method != "POST" and visit.status != VisitStatus.PLANNED:
        messages.warning(
            request,
            _("This visit is already %(status)s: it cannot be reported again.")
            % {"status": visit.get_status_display().lower()},
        )
        return _to_visit(account, visit)
    form = VisitReportForm(request.POST or None, row_version=visit.row_version)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_report(
                actor=request.user,
                account=account,
                visit=visit,
                expected_version=form.expected_version,
                fields=form.report(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Visit reported. The attendees' last contact is brought up to date.")
            )
            return _to_visit(account, visit)
    return _render(
        request,
        account,
        "report.html",
        {"form": form, "visit": visit},
    )


def _post_action(request, pk, visit_pk, action, done_message):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_editable_account_or_404(request.user, pk)
    visit = queries.get_visit_or_404(account, visit_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ButtonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.refusal())
        return _to_visit(account, visit)
    try:
        action(
            actor=request.user,
            account=account,
            visit=visit,
            expected_version=form.expected_version,
        )
    except EditConflict as error:
        messages.error(request, error.messages[0])
    except ValidationError as error:
        messages.warning(request, _error_text(error))
    else:
        messages.success(request, done_message)
    return _to_visit(account, visit)


def visit_cancel(request, pk, visit_pk):
    return _post_action(request, pk, visit_pk, services.visit_cancel, _("Visit cancelled."))


def visit_next_step_done(request, pk, visit_pk):
    return _post_action(
        request, pk, visit_pk, services.visit_next_step_done, _("Next step marked as done.")
    )
