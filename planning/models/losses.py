"""Lost accounts: why they were lost, the plan to win them back, and what they looked like then."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned


class LossReason(models.TextChoices):
    BUYER_STAFF_CHANGE = "buyer_staff_change", _("Buyer staff change")
    RELOCATION = "relocation", _("Relocation")
    OTHER_RELATIONSHIPS = "other_relationships", _("Other relationships")
    COMPETITOR = "competitor", _("Competitor")
    DISSATISFACTION = "dissatisfaction", _("Product or service dissatisfaction")
    INDIFFERENCE = "indifference", _("Our staff's indifference")
    PRICE = "price", _("Price")
    UNRESOLVED_COMPLAINT = "unresolved_complaint", _("Unresolved complaint")


class LossRecord(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="loss_records",
        verbose_name=_("account"),
    )
    reason = models.CharField(_("main reason"), max_length=25, choices=LossReason.choices)
    notes = models.TextField(_("what happened"), blank=True)
    win_back_plan = models.TextField(_("win-back plan"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    # The stakeholder map, the plan and the figures as they were when the account was lost,
    # frozen as plain data so later edits never change what the team saw then.
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version", "snapshot"])

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        get_latest_by = "recorded_at"
        verbose_name = _("loss record")
        verbose_name_plural = _("loss records")
        indexes = [models.Index(fields=["account", "-recorded_at"], name="loss_account_idx")]

    def __str__(self):
        return f"{self.account_id}: {self.get_reason_display()}"
