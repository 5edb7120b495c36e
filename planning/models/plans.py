"""The yearly account plan: SWOT, SMART objectives and the actions under them (DESIGN.md §4)."""

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


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", pgettext_lazy("plan status", "Active")
    CLOSED = "closed", _("Closed")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AccountPlan(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("account"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_plans",
        verbose_name=_("plan owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    opportunities = models.TextField(_("opportunities"), blank=True)
    threats = models.TextField(_("threats"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year"],
                condition=Q(status="active"),
                name="plan_one_active_per_account_and_year",
                violation_error_message=_("This account already has an active plan for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="plan_year_in_range"
            ),
        ]
        indexes = [models.Index(fields=["account", "-year"], name="plan_account_year_idx")]

    def __str__(self):
        return f"{self.year}"


class Objective(Versioned):
    """A SMART objective: what, measured by which metric, to what target, by when."""

    plan = models.ForeignKey(
        AccountPlan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan")
    )
    title = models.CharField(_("objective"), max_length=200)
    metric = models.CharField(_("metric"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, default=Decimal(0)
    )
    target = models.DecimalField(
        pgettext_lazy("objective", "target"), max_digits=16, decimal_places=2
    )
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2, default=Decimal(0))
    due_on = models.DateField(pgettext_lazy("deadline", "due"))
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["position", "due_on", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return self.title


class Action(Versioned):
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="actions", verbose_name=_("objective")
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("who"),
    )
    due_on = models.DateField(pgettext_lazy("deadline", "due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="action_done_has_date",
            )
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(status__in=["open", "in_progress"]),
                name="action_open_due_idx",
            )
        ]

    def __str__(self):
        return self.description
