"""The development pipeline: opportunities on the five development stages (DESIGN.md §4)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned


class DevelopmentStage(models.TextChoices):
    TARGET = "target", _("Target identified")
    INFORMATION = "information", _("Information & samples")
    VALUE = "value", _("Value assessment")
    RELATIONSHIP = "relationship", _("Relationship building")
    CLOSING = "closing", _("Closing")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("opportunity stage", "Lost")


OPEN_STAGES = (
    DevelopmentStage.TARGET,
    DevelopmentStage.INFORMATION,
    DevelopmentStage.VALUE,
    DevelopmentStage.RELATIONSHIP,
    DevelopmentStage.CLOSING,
)


class Opportunity(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="opportunities",
        verbose_name=_("account"),
    )
    name = models.CharField(_("opportunity"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=DevelopmentStage.choices, default=DevelopmentStage.TARGET
    )
    value = models.DecimalField(
        _("value"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"))
    # Exit criteria of the current stage the user has ticked (codes from planning's stage table).
    criteria_met = models.JSONField(_("exit criteria met"), default=list, blank=True)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        ordering = ["expected_close", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100),
                name="opportunity_probability_percent",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="opportunity_value_positive"),
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""),
                name="opportunity_lost_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "stage"], name="opportunity_account_idx"),
            models.Index(fields=["stage", "expected_close"], name="opportunity_stage_idx"),
        ]

    def __str__(self):
        return self.name


class OpportunityStageChange(models.Model):
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("opportunity"),
    )
    from_stage = models.CharField(_("from"), max_length=12, choices=DevelopmentStage.choices)
    to_stage = models.CharField(_("to"), max_length=12, choices=DevelopmentStage.choices)
    # Exit criteria still unticked when the user moved on, and why they moved on anyway.
    criteria_skipped = models.JSONField(_("criteria skipped"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("opportunity stage change")
        verbose_name_plural = _("opportunity stage changes")
        indexes = [
            models.Index(fields=["opportunity", "-changed_at"], name="opportunity_change_idx")
        ]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
