"""Visits: prepared (SPIN questions, a SMART objective) and then reported (DESIGN.md §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned


class VisitType(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EXECUTIVE_VISIT = "executive", _("Executive visit")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Reported")
    CANCELLED = "cancelled", _("Cancelled")


class Commitment(models.TextChoices):
    DIRECT = "direct", _("Direct request")
    SUMMARY = "summary", _("Summary")
    COMPARISON = "comparison", _("Comparison")
    SPECIAL_OFFER = "special_offer", _("Special offer")
    PRELIMINARY = "preliminary", _("Preliminary commitment")
    CHOICE = "choice", _("Choice")
    ASSUMPTIVE = "assumptive", _("Assumptive")
    NONE = "none", _("None obtained")


class Visit(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("account"),
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=VisitType.choices, default=VisitType.VISIT
    )
    starts_at = models.DateTimeField(_("date and time"))
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        "accounts.Stakeholder", blank=True, related_name="visits", verbose_name=_("their people")
    )
    our_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="visits", verbose_name=_("our people")
    )
    # Prepare
    objective = models.TextField(
        _("objective"), help_text=_("Specific, measurable, agreed, realistic, with a date.")
    )
    situation_questions = models.TextField(_("situation questions"), blank=True)
    problem_questions = models.TextField(_("problem questions"), blank=True)
    implication_questions = models.TextField(_("implication questions"), blank=True)
    need_payoff_questions = models.TextField(_("need-payoff questions"), blank=True)
    expected_objections = models.TextField(_("expected objections"), blank=True)
    concession_limit = models.TextField(_("concession limit"), blank=True)
    # Report
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    buying_signals = models.TextField(_("buying signals seen"), blank=True)
    commitment = models.CharField(
        _("commitment obtained"), max_length=15, choices=Commitment.choices, blank=True
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step due"), null=True, blank=True)
    next_step_done = models.BooleanField(_("next step done"), default=False)
    helped_them = models.BooleanField(_("did it help them?"), null=True, blank=True)
    helped_us = models.BooleanField(_("did it help us?"), null=True, blank=True)
    helped_relationship = models.BooleanField(
        _("did it help the relationship?"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords(
        excluded_fields=["row_version"], m2m_fields=[attendees, our_attendees]
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="reported") | Q(reported_at__isnull=False),
                name="visit_reported_has_date",
            )
        ]
        indexes = [
            models.Index(fields=["account", "-starts_at"], name="visit_account_idx"),
            models.Index(fields=["status", "starts_at"], name="visit_status_idx"),
            models.Index(
                fields=["next_step_on"],
                condition=Q(next_step_done=False) & ~Q(next_step=""),
                name="visit_open_next_step_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.starts_at:%Y-%m-%d}"
