"""Tier rules: how accounts are placed in the value pyramid (accounts.Tier). One policy says
what value is measured and how; one rule per tier gives its threshold or its percentile."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned
from scoring import engine
from scoring.models.criteria import PERCENT_VALIDATORS


class TierBasis(models.TextChoices):
    REVENUE = "revenue", _("Revenue, last 12 months")
    MARGIN = "margin", _("Gross margin, last 12 months")


class TierMethod(models.TextChoices):
    THRESHOLD = engine.BY_THRESHOLD, _("Value thresholds")
    PERCENTILE = engine.BY_PERCENTILE, _("Portfolio percentiles")


class TierPolicy(Versioned):
    """The one row of tier settings (pk 1)."""

    basis = models.CharField(
        _("measured on"), max_length=10, choices=TierBasis.choices, default=TierBasis.REVENUE
    )
    method = models.CharField(
        _("method"), max_length=10, choices=TierMethod.choices, default=TierMethod.THRESHOLD
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    last_applied_at = models.DateTimeField(_("last applied"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="tier_policy_single_row")]

    def __str__(self):
        return str(_("Tier policy"))


class TierRule(models.Model):
    tier = models.OneToOneField(
        "accounts.Tier", on_delete=models.CASCADE, related_name="rule", verbose_name=_("tier")
    )
    min_value = models.DecimalField(
        _("at least"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Value thresholds: accounts worth at least this much. Empty on the last tier."),
    )
    top_percent = models.DecimalField(
        _("top percent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_(
            "Portfolio percentiles: accounts in the top this-many percent (counted from the "
            "largest). Empty on the last tier."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["tier__rank"]
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")

    def __str__(self):
        return str(self.tier)

    @property
    def band(self) -> engine.TierBand:
        return engine.TierBand(self.tier_id, self.tier.rank, self.min_value, self.top_percent)
