"""An export too large to write inside a web request (more rows than KAM_EXPORT_INLINE_MAX_ROWS):
the file is written by a Celery worker (accounts.exports_jobs) and kept in the database, in
parts, until its owner downloads it.

The file lives in the database, not the default storage: the default storage is each web host's
own disk, so a file one worker wrote would be missing on the other hosts, while every host and
worker shares the database (and its backups). It is kept as parts of at most a megabyte
(`ExportFilePart`) so neither the worker that writes it nor the web process that sends it ever
holds the whole file in memory.

Like an import, the job runs under a lease (accounts.jobs): a worker that dies mid-export stops
beating, and its page shows the job interrupted, with retry, within a lease."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jobs import Leased, expired_before


class ExportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    TRANSACTIONS = "transactions", _("Transactions")
    IMPORT_REPORT = "import_report", _("Import report")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    # Its worker died while writing (or the job hit its time limit); its owner retries it.
    INTERRUPTED = "interrupted", _("Interrupted")


EXPORT_RUNNING = (ExportStatus.QUEUED, ExportStatus.RUNNING)
# Not stored: a queued job that no worker has picked up for a whole lease.
EXPORT_WAITING_TOO_LONG = "waiting"


class ExportJob(Leased):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("what"), max_length=16, choices=ExportKind.choices)
    # What rebuilds the same rows in the same user's scope: the account list's filters as a
    # query string ({"query": "…"}), or the import job ({"import_job": pk}).
    parameters = models.JSONField(default=dict, editable=False)
    export_format = models.CharField(_("format"), max_length=4)
    language = models.CharField(max_length=10, editable=False)  # of the headers and labels
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    queued_at = models.DateTimeField(default=timezone.now, editable=False)  # the last (re)try
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    # The file's parts are deleted KAM_EXPORT_FILE_RETENTION_DAYS after it was written.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.export_format}, {self.user})"

    def lease_started_at(self):
        return self.started_at

    @property
    def is_running(self) -> bool:
        return self.status in EXPORT_RUNNING

    @property
    def state(self) -> str:
        """The status as people see it: a running job whose worker stopped beating is
        interrupted already, before the reaper (a beat job, every minute) records it."""
        if self.status == ExportStatus.RUNNING and self.lease_expired():
            return ExportStatus.INTERRUPTED
        if self.status == ExportStatus.QUEUED and self.queued_at < expired_before():
            return EXPORT_WAITING_TOO_LONG
        return self.status

    def get_state_display(self) -> str:
        if self.state == EXPORT_WAITING_TOO_LONG:
            return str(_("Waiting for a worker"))
        return str(ExportStatus(self.state).label)

    @property
    def is_stuck(self) -> bool:
        """Interrupted, failed or never picked up: its owner may retry it."""
        return self.state in (
            ExportStatus.INTERRUPTED,
            ExportStatus.FAILED,
            EXPORT_WAITING_TOO_LONG,
        )

    @property
    def has_file(self) -> bool:
        return self.status == ExportStatus.DONE and self.file_deleted_at is None

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_written * 100 // self.rows_total)


class ExportFilePart(models.Model):
    """One part of an export's file, in order of `number`."""

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="export_file_part_once")
        ]

    def __str__(self):
        return f"{self.job_id} part {self.number}"
