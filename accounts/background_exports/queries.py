"""Reads of background exports: a user sees their own jobs only (another user's answers 404,
an admin's included: the file holds what its owner could see)."""

from django.shortcuts import get_object_or_404

from accounts.models import ExportJob

RECENT_JOBS = 50


def export_jobs(user):
    return ExportJob.objects.filter(user=user)


def recent_export_jobs(user) -> list[ExportJob]:
    return list(export_jobs(user).order_by("-created_at", "-pk")[:RECENT_JOBS])


def get_export_job_or_404(user, pk) -> ExportJob:
    return get_object_or_404(export_jobs(user), pk=pk)
