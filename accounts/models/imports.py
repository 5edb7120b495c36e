"""The record of each spreadsheet import: who brought which file in, how its columns were mapped,
what the dry run found and what was written (accounts.imports.services queues the steps,
accounts.imports.worker runs them).

A job's check and import run in a Celery worker under a lease (accounts.jobs): `attempt` numbers
each queuing of a step, so a message for an earlier one does nothing, and `heartbeat_at` shows
the worker is alive. A running job nobody has picked up yet is waiting; one whose worker stopped
beating is interrupted (see `state`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.jobs import Leased, expired_before
from accounts.models.records import Account


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    TRANSACTIONS = "transactions", _("Transactions")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to map")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", pgettext_lazy("import", "Imported")
    # Another import of the same file (or of the same records) wrote them first: when this one
    # ran, no row created or changed anything.
    NOTHING = "nothing", _("Nothing to import")
    FAILED = "failed", _("Failed")
    # Its worker died while checking or importing (`interrupted_in` says which); nothing was
    # written. Its owner retries or cancels it.
    INTERRUPTED = "interrupted", _("Interrupted")


RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
# Not stored: a running job that no worker has picked up yet.
WAITING = "waiting"


class ImportJob(Leased):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    kind = models.CharField(_("what"), max_length=12, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    # The uploaded file as it came, read again by each step (the dry run and the import run in a
    # worker, possibly on another machine).
    content = models.BinaryField(editable=False)
    language = models.CharField(max_length=10, editable=False)  # of the report's messages
    headers = models.JSONField(default=list, editable=False)
    preview = models.JSONField(default=list, editable=False)  # the first rows, as text
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    mapping = models.JSONField(default=dict, editable=False)  # "column index" → field key
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # When the running step was queued (a job no worker picks up is "waiting for a worker"), and
    # the step a dead worker left (checking or importing), which retry runs again.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    interrupted_in = models.CharField(max_length=12, blank=True, editable=False)
    only_valid_rows = models.BooleanField(_("only the valid rows"), default=False)
    # The dry run: {"create": n, "update": n, "unchanged": n, "reject": n}, and per row
    # [line, action, [[field key, message], …], [changed field keys]].
    planned = models.JSONField(default=dict, editable=False)
    report = models.JSONField(default=list, editable=False)
    # What the import wrote: {"created": n, "updated": n, "unchanged": n, "skipped": n}.
    written = models.JSONField(default=dict, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("imported"), null=True, blank=True, editable=False)
    # The uploaded file (content and preview) is deleted KAM_IMPORT_FILE_RETENTION_DAYS after
    # the job's last step; the record and its report stay.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"], name="import_user_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.get_kind_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def has_file(self) -> bool:
        return self.file_deleted_at is None

    @property
    def state(self) -> str:
        """The status as people see it: a running job no worker has picked up yet is WAITING,
        and one whose worker stopped beating is interrupted already, before the reaper (a beat
        job, every minute) has recorded it."""
        if self.is_running:
            if self.heartbeat_at is None:
                return WAITING
            if self.lease_expired():
                return ImportStatus.INTERRUPTED
        return self.status

    def get_state_display(self) -> str:
        if self.state == WAITING:
            return str(_("Waiting for a worker"))
        return str(ImportStatus(self.state).label)

    @property
    def is_interrupted(self) -> bool:
        return self.state == ImportStatus.INTERRUPTED

    @property
    def interrupted_step(self) -> str:
        """CHECKING or IMPORTING: the step an interrupted (or stuck) job was in."""
        return self.interrupted_in if self.status == ImportStatus.INTERRUPTED else self.status

    @property
    def waits_too_long(self) -> bool:
        """Queued a whole lease ago and still not picked up: no worker is running, or the
        message was lost (a broker restarted without its data)."""
        return (
            self.state == WAITING
            and self.queued_at is not None
            and self.queued_at < expired_before()
        )

    @property
    def is_stuck(self) -> bool:
        """Interrupted, or waiting too long: its owner may retry or cancel it."""
        return self.is_interrupted or self.waits_too_long


class ImportedAccount(models.Model):
    """What one import did to one account, for the account's History tab (transactions keep no
    history of their own)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="accounts")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="imports")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "account"], name="imported_account_once")
        ]
        indexes = [models.Index(fields=["account", "job"], name="imported_account_idx")]

    def __str__(self):
        return f"{self.job_id} → {self.account_id}"
