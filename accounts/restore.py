"""The page that shows an earlier version of a record beside the record now and puts the ticked
fields back (accounts.versions reads, the record's own service writes). One flow for the
account, a stakeholder and an account plan; each view loads its record through the access rules
and says which fields its service may put back."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import versions
from accounts.conflicts import EditConflict
from accounts.forms import RestoreForm, add_service_errors


def version_page(
    request,
    *,
    record,
    history_id,
    restorable: set[str],
    restore: Callable[..., object],
    done_url: str,
    render: Callable[[dict], object],
):
    """The earlier version `history_id` of `record` (404 if it is not one of the record's own).
    GET: the comparison. POST (only by those `restorable` lets put something back, else 403):
    `restore(version=…, expected_version=…, fields=[…])`, then back to `done_url`; refused (a
    stale page, a rule of the service) it shows the comparison again with the ticks kept,
    against the record as stored now."""
    model = type(record)
    version = versions.version_of(model, record.pk, history_id)
    if version is None:
        raise Http404
    if request.method == "POST" and not restorable:
        raise PermissionDenied
    fields = versions.tracked_fields(model)
    form = RestoreForm(
        request.POST or None,
        choices=[(f.name, f.verbose_name) for f in fields if f.name in restorable],
        row_version=record.row_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            restore(
                version=version,
                expected_version=form.expected_version,
                fields=form.cleaned_data["fields_to_restore"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            if isinstance(error, EditConflict) and error.current is not None:
                record = error.current
        else:
            messages.success(request, _("The chosen fields are back as they were."))
            return redirect(done_url)
    compared = versions.compare(version, record, fields, restorable)
    return render(
        {
            "version": version,
            "compared": compared,
            "differing": [row for row in compared if row.differs],
            "same": [row for row in compared if not row.differs],
            "form": form,
            "chosen": set(form["fields_to_restore"].value() or ()),
            "unchanged": not any(row.differs for row in compared),
        }
    )
