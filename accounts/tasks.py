"""Celery tasks of the accounts app: thin wrappers over services, taking primary keys."""

from celery import shared_task

from accounts.imports import services as import_services


@shared_task(acks_late=True)
def run_import_step(job_id: int) -> str | None:
    """The dry run or the import a job waits for. Idempotent: a job that is not waiting (done,
    failed, already run by another delivery) is left alone."""
    return import_services.run_step(job_id)
