"""The import wizard: upload → map the columns → the dry run's report → confirm → done. Each step
is a page of its own job (/accounts/import/<pk>/), so a reload or a bookmark lands where the
import is; while the worker checks or imports, the page polls the progress with htmx (and
reloads itself without JavaScript). A job whose worker died (or that no worker picks up) shows
what was written — nothing — and offers its owner retry and cancel."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRefresh

from accounts import access, exports
from accounts.background_exports import services as export_services
from accounts.background_exports import views as export_views
from accounts.imports import files, queries, services
from accounts.imports.fields import KINDS
from accounts.imports.forms import ConfirmForm, JobActionForm, MappingForm, UploadForm
from accounts.imports.upload_limits import ImportFileError
from accounts.models import ExportKind, ImportStatus
from accounts.models.imports import WAITING

REPORT_PAGE_SIZE = 100
STEPS = ((1, gettext_lazy("Upload")), (2, gettext_lazy("Map the columns")),
         (3, gettext_lazy("Check")), (4, gettext_lazy("Import")))  # fmt: skip
STEP_OF_STATUS = {
    ImportStatus.UPLOADED: 2,
    ImportStatus.CHECKING: 3,
    ImportStatus.CHECKED: 3,
    ImportStatus.FAILED: 3,
    ImportStatus.IMPORTING: 4,
    ImportStatus.DONE: 5,  # every step ticked
    ImportStatus.NOTHING: 5,
}


def _step_of(job) -> int:
    """The wizard's step the page is on: an interrupted job is still in the step it stopped in."""
    status = job.interrupted_step if job.status == ImportStatus.INTERRUPTED else job.status
    return STEP_OF_STATUS.get(status, 3)


def _require_import(user) -> None:
    if not access.can_import(user):
        raise PermissionDenied


# Scope first, method second: another manager gets 404 and a director 403 whatever the method.
def _import_job_or_404(request, pk):
    _require_import(request.user)
    return queries.get_import_job_or_404(request.user, pk)


def import_start(request):
    _require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_start(
                user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("accounts:import_mapping", pk=job.pk)
    jobs = Paginator(queries.import_jobs(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/imports/start.html",
        {
            "form": form,
            "page": jobs,
            "sees_everyone": access.is_admin(request.user),
            "steps": STEPS,
            "step": 1,
        },
    )


def import_mapping(request, pk):
    job = _import_job_or_404(request, pk)
    if job.user_id != request.user.pk and request.method == "POST":
        raise PermissionDenied  # an admin may look at anyone's import, not run it
    if (
        job.user_id != request.user.pk
        or job.status not in services.MAPPABLE
        or not job.has_file  # the detail page says it was deleted
    ):
        return redirect("accounts:import_detail", pk=job.pk)
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_check(user=request.user, job=job, mapping=form.mapping)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:import_detail", pk=job.pk)
    return render(
        request,
        "accounts/imports/mapping.html",
        {"job": job, "form": form, "steps": STEPS, "step": 2},
    )


def import_detail(request, pk):
    job = _import_job_or_404(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if job.status == ImportStatus.UPLOADED and job.user_id == request.user.pk and job.has_file:
        return redirect("accounts:import_mapping", pk=job.pk)
    stuck = job.is_stuck
    queued = queries.waits_for_broker(job)
    shown = request.GET.get("show", "")
    if shown not in queries.ACTION_FILTERS:
        shown = ""
    return render(
        request,
        "accounts/imports/detail.html",
        {
            "job": job,
            "is_mine": job.user_id == request.user.pk,
            "progress": (
                services.read_progress(job.pk)
                if job.is_running and not stuck and not queued
                else None
            ),
            "stuck": stuck,
            "queued": queued,
            "waiting": job.state == WAITING,
            # Without ids: the retry and cancel forms carry the same hidden field.
            "action_form": JobActionForm(initial={"attempt": job.attempt}, auto_id=False),
            "retention_days": settings.KAM_IMPORT_FILE_RETENTION_DAYS,
            "page": queries.report_page(job, shown, request.GET.get("page"), REPORT_PAGE_SIZE),
            "shown": shown,
            "filters": queries.ACTION_FILTERS,
            "cards": [
                (action, label, job.planned.get(action, 0))
                for action, label in queries.ACTION_FILTERS.items()
                if action
            ],
            "confirm_form": ConfirmForm(),
            "steps": STEPS,
            "step": _step_of(job),
        },
    )


def import_progress(request, pk):
    """The progress bar, polled by htmx: once the step has finished — or its worker died, or no
    worker has picked it up for a whole lease — the page reloads itself, and shows the outcome
    without polling. `?while=stuck` is the slower watch of a job no worker has picked up:
    nothing to do (204) until the job moves on (a worker takes it, a retry from another tab)."""
    _require_import(request.user)
    job = queries.get_import_progress_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if request.GET.get("while") == "stuck":
        return HttpResponse(status=204) if job.is_stuck else HttpResponseClientRefresh()
    if request.GET.get("while") == "queued":
        queued = queries.waits_for_broker(job) and not job.is_stuck
        return HttpResponse(status=204) if queued else HttpResponseClientRefresh()
    if not job.is_running or job.is_stuck:
        return HttpResponseClientRefresh()
    return render(
        request,
        "accounts/imports/_progress.html",
        {
            "job": job,
            "progress": services.read_progress(job.pk),
            "waiting": job.state == WAITING,
        },
    )


def import_confirm(request, pk):
    job = _import_job_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        services.import_job_confirm(
            user=request.user,
            job=job,
            only_valid_rows=form.cleaned_data.get("only_valid_rows", False),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("accounts:import_detail", pk=job.pk)


def import_retry(request, pk):
    """Queue again the step an interrupted job (or one no worker picked up) was in."""
    job = _import_job_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = JobActionForm(request.POST)
    try:
        services.import_job_retry(user=request.user, job=job, attempt=form.seen_attempt())
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("accounts:import_detail", pk=job.pk)


def import_cancel(request, pk):
    """Give up an interrupted step (or one no worker picked up): nothing was written."""
    job = _import_job_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = JobActionForm(request.POST)
    try:
        status = services.import_job_cancel(user=request.user, job=job, attempt=form.seen_attempt())
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if status == ImportStatus.CHECKED:
            messages.success(
                request,
                _("Cancelled; nothing was written. The check's report is below: confirm the "
                  "import again when you are ready."),
            )  # fmt: skip
        else:
            messages.success(
                request, _("Cancelled; nothing was written. Check the mapping and start again.")
            )
    return redirect("accounts:import_detail", pk=job.pk)


def import_report(request, pk):
    job = _import_job_or_404(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not job.report:
        messages.info(request, _("This import has not been checked yet: there is no report."))
        return redirect("accounts:import_detail", pk=job.pk)
    rows = job.row_count if job.has_file else len(job.report)
    export_format = exports.chosen_format(request)
    if export_format is not None and export_services.is_large(rows):
        # A large file's report is written in the background (reading it alone takes longer
        # than a request may).
        export = export_services.export_job_start(
            user=request.user,
            kind=ExportKind.IMPORT_REPORT,
            parameters={"import_job": job.pk},
            export_format=export_format,
        )
        return export_views.started(export)
    return _download(request, files.report_table(job))


def import_template(request, kind):
    _require_import(request.user)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if kind not in KINDS:
        return HttpResponseBadRequest(_("There is no template of that kind."))
    return _download(request, files.template_table(kind))


def _download(request, table):
    export_format = exports.chosen_format(request)
    if export_format is None:
        return HttpResponseBadRequest(_("Choose Excel (xlsx) or CSV."))
    return exports.response(table, export_format)
