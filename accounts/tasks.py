"""Celery tasks of the accounts app: thin wrappers over services, taking primary keys."""

from celery import shared_task

from accounts import mail, outbox
from accounts.background_exports import services as export_services
from accounts.imports import services as import_services
from accounts.imports import worker as import_worker


@shared_task(acks_late=True)
def run_import_step(job_id: int, attempt: int = 0) -> str | None:
    """The dry run or the import a job waits for, as attempt `attempt` (a message queued before
    attempts were numbered carries none: 0, which such a job still has). Idempotent: a job that
    is not waiting (done, failed, already run by another delivery) or has moved on to another
    attempt (retried, cancelled) is left alone."""
    return import_worker.import_job_run_step(job_id, attempt)


@shared_task
def reap_dead_imports() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): record as interrupted the imports whose worker died."""
    return import_services.import_jobs_reap_dead()


@shared_task
def delete_old_import_files() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the uploaded files kept past their retention."""
    return import_services.import_files_delete_old()


@shared_task(acks_late=True)
def run_export(job_id: int, attempt: int) -> str | None:
    """Write a background export as attempt `attempt`; a message for another attempt (the job
    retried, or already written) does nothing."""
    return export_services.export_job_run(job_id, attempt)


@shared_task
def reap_dead_exports() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): record as interrupted the exports whose worker died."""
    return export_services.export_jobs_reap_dead()


@shared_task
def delete_old_export_files() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the export files kept past their retention."""
    return export_services.export_files_delete_old()


@shared_task
def send_pending_mail() -> dict[str, int]:
    """After each commit that queued mail, and every minute (CELERY_BEAT_SCHEDULE): send the
    mail that is due. A mail server that cannot be reached does not make the task fail: the
    mails record the error and their next attempt, admins see them on the outgoing mail page,
    and the task logs a warning with the counts (a failing task would mail ADMINS, through the
    very server that is down)."""
    return mail.send_pending_mail()


@shared_task
def delete_old_mail() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): delete sent and given-up mail past its retention."""
    return mail.delete_old_mail()


@shared_task
def relay_outbox() -> int:
    """Every 30 s (CELERY_BEAT_SCHEDULE), and as each worker starts: publish the work that waited
    in the outbox while the broker was unreachable (accounts.outbox)."""
    return outbox.relay()
