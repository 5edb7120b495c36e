"""The pages of background exports: "My exports", one export's page (a progress bar polled with
htmx, reloading itself without JavaScript, then the download link), its download and its retry.
Every job is its owner's alone: another user's answers 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from accounts import exports
from accounts.background_exports import queries, services
from accounts.imports.forms import JobActionForm

CONTENT_TYPES = {exports.XLSX: exports.XLSX_CONTENT_TYPE, exports.CSV: exports.CSV_CONTENT_TYPE}


def started(job):
    """Where a request that made (or found) a background export lands: the job's page."""
    return redirect("accounts:export_job", pk=job.pk)


@require_GET
def export_jobs(request):
    return render(
        request,
        "accounts/exports/list.html",
        {
            "jobs": queries.recent_export_jobs(request.user),
            "retention_days": settings.KAM_EXPORT_FILE_RETENTION_DAYS,
            "inline_max_rows": services.inline_max_rows(),
        },
    )


# Scope first, method second: another user gets 404 whatever the method.
def export_job(request, pk):
    job = queries.get_export_job_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "accounts/exports/detail.html",
        {
            "job": job,
            "action_form": JobActionForm(initial={"attempt": job.attempt}, auto_id=False),
            "retention_days": settings.KAM_EXPORT_FILE_RETENTION_DAYS,
        },
    )


def export_job_progress(request, pk):
    """The progress bar, polled by htmx; once the job has ended (or its worker died, or no worker
    has picked it up for a whole lease) the page reloads itself and shows the outcome.
    `?while=stuck`: the watch of a job no worker has picked up, until one does."""
    job = queries.get_export_job_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if request.GET.get("while") == "stuck":
        # The slower watch of a job no worker has picked up: nothing to do until it moves on.
        return HttpResponse(status=204) if job.is_stuck else HttpResponseClientRefresh()
    if not job.is_running or job.is_stuck:
        return HttpResponseClientRefresh()
    return render(request, "accounts/exports/_progress.html", {"job": job})


def export_job_download(request, pk):
    job = queries.get_export_job_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not job.has_file:
        return redirect("accounts:export_job", pk=job.pk)
    response = StreamingHttpResponse(
        services.file_parts(job), content_type=CONTENT_TYPES[job.export_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response["Content-Length"] = str(job.file_size)
    return response


def export_job_retry(request, pk):
    job = queries.get_export_job_or_404(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = JobActionForm(request.POST)
    try:
        services.export_job_retry(user=request.user, job=job, attempt=form.seen_attempt())
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("accounts:export_job", pk=job.pk)
