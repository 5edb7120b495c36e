"""The record of each spreadsheet import: who brought which file in, how its columns were mapped,
what the dry run found and what was written (accounts.imports.services runs the steps)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
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
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"], name="import_user_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.get_kind_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}


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
