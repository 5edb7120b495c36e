from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.forms import add_service_errors
from accounts.models import Category
from accounts.tabs import render_account_tab
from planning.losses import queries, services
from planning.losses.forms import LossRecordForm

# Loss records belong to the account as a whole: shown under the Overview tab.
TAB = "overview"
REVIEW_AFTER_DAYS = 90


def _render(request, account, template, context=None):
    return render_account_tab(request, account, TAB, f"planning/losses/{template}", context)


def loss_records(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    records = queries.loss_records(account)
    return _render(
        request,
        account,
        "list.html",
        {
            "records": records,
            "latest": records[0] if records else None,
            "is_lost": account.category == Category.LOST,
        },
    )


def loss_record_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    initial = {"review_on": timezone.localdate() + timedelta(days=REVIEW_AFTER_DAYS)}
    form = LossRecordForm(request.POST or None, initial=initial, row_version=account.row_version)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.account_mark_lost(
                actor=request.user,
                account=account,
                expected_version=form.expected_version,
                **{name: form.cleaned_data[name] for name in services.LOSS_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” is marked lost. The record keeps the account as it is today.")
                % {"name": account.name},
            )
            return redirect("planning:loss_record_detail", pk=account.pk, record_pk=record.pk)
    return _render(
        request,
        account,
        "form.html",
        {"form": form, "already_lost": account.category == Category.LOST},
    )


def loss_record_detail(request, pk, record_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    record = queries.get_record_or_404(account, record_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _render(
        request,
        account,
        "detail.html",
        {"record": record, "snapshot": queries.readable_snapshot(record.snapshot)},
    )
