"""An account's complaints, with their lifecycle (open, in progress, resolved)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models.records import Account
from accounts.models.versioned import Versioned


class ComplaintCategory(models.TextChoices):
    PRODUCT = "product", _("Product quality")
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service")
    BILLING = "billing", _("Billing and payment")
    STAFF = "staff", _("Our staff's attitude")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class ConflictMode(models.TextChoices):
    COMPETING = "competing", _("Competing")
    AVOIDING = "avoiding", _("Avoiding")
    COMPROMISING = "compromising", _("Compromising")
    ACCOMMODATING = "accommodating", _("Accommodating")
    COLLABORATING = "collaborating", _("Collaborating")


class Complaint(Versioned):
    # Which statuses a complaint may move to from each status (services enforce it).
    ALLOWED_TRANSITIONS = {
        ComplaintStatus.OPEN: {ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED},
        ComplaintStatus.IN_PROGRESS: {ComplaintStatus.OPEN, ComplaintStatus.RESOLVED},
        ComplaintStatus.RESOLVED: {ComplaintStatus.OPEN},
    }

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("account")
    )
    title = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("what the customer said"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    conflict_mode = models.CharField(
        _("conflict mode"),
        max_length=15,
        choices=ConflictMode.choices,
        blank=True,
        help_text=_("How the disagreement was handled, if there was one."),
    )

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="complaint_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("opened_on")),
                name="complaint_due_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="complaint_account_status_idx"),
            models.Index(
                fields=["due_on"],
                condition=~Q(status="resolved"),
                name="complaint_open_due_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status != ComplaintStatus.RESOLVED

    @property
    def is_overdue(self):
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()
