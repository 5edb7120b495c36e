"""The value scorecard of an account (DESIGN.md §4): what the account team knows that the
transactions cannot tell — share of wallet, potential, VIP status, expected years — and the
targets the actuals are measured against. Actuals that the records hold (revenue, margin,
complaints, visits, pipeline) are computed, not typed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned
from scoring.models.criteria import PERCENT_VALIDATORS

ZERO_TO_FOUR = [MinValueValidator(0), MaxValueValidator(4)]


class PotentialClass(models.TextChoices):
    A = "A", _("A — high remaining potential")
    B = "B", _("B — medium potential")
    C = "C", _("C — low potential")


def _money(verbose_name, help_text=""):
    return models.DecimalField(
        verbose_name,
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=help_text,
    )


def _percent(verbose_name, help_text=""):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=help_text,
    )


class ValueScorecard(Versioned):
    account = models.OneToOneField(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="scorecard",
        verbose_name=_("account"),
    )
    # Share of wallet and potential, 0 (none) … 4 (very large).
    current_purchases = models.PositiveSmallIntegerField(
        _("current purchases from us (X)"),
        null=True,
        blank=True,
        validators=ZERO_TO_FOUR,
        help_text=_("0 none · 1 small · 2 medium · 3 large · 4 very large"),
    )
    purchase_capacity = models.PositiveSmallIntegerField(
        _("total purchase capacity (Y)"),
        null=True,
        blank=True,
        validators=ZERO_TO_FOUR,
        help_text=_("Everything they buy of what we sell, from anyone: 0 none … 4 very large."),
    )
    growth_potential = models.PositiveSmallIntegerField(
        _("growth potential"), null=True, blank=True, validators=ZERO_TO_FOUR
    )
    strategic_value = models.PositiveSmallIntegerField(
        _("strategic value"),
        null=True,
        blank=True,
        validators=ZERO_TO_FOUR,
        help_text=_("Reference value, access to a market, learning: 0 none … 4 very large."),
    )
    potential_class = models.CharField(
        _("potential class"), max_length=1, choices=PotentialClass.choices, blank=True
    )
    is_vip = models.BooleanField(
        _("VIP"), default=False, help_text=_("Influence beyond what they buy.")
    )
    vip_reason = models.CharField(_("why VIP"), max_length=200, blank=True)
    expected_years = models.PositiveSmallIntegerField(
        _("expected years as a customer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    # Targets per indicator family; the actuals are computed from the records except where the
    # records cannot know (on-time delivery, and satisfaction until surveys exist).
    revenue_target = _money(_("revenue target (12 months)"))
    margin_rate_target = _percent(_("gross margin target (%)"))
    on_time_delivery_target = _percent(_("on-time delivery target (%)"))
    on_time_delivery_actual = _percent(_("on-time delivery actual (%)"))
    complaints_on_time_target = _percent(_("complaints solved on time target (%)"))
    satisfaction_target = _percent(_("satisfaction target (0–100)"))
    satisfaction_actual = _percent(_("satisfaction actual (0–100)"))
    share_of_wallet_target = _percent(_("share of wallet target (%)"))
    visits_target = models.PositiveSmallIntegerField(
        _("visits target (12 months)"), null=True, blank=True
    )
    pipeline_target = _money(_("open pipeline target"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        verbose_name = _("value scorecard")
        verbose_name_plural = _("value scorecards")
        indexes = [models.Index(fields=["potential_class"], name="scorecard_potential_idx")]

    def __str__(self):
        return str(self.account)
