"""How the relationship with an account develops: the Millman-Wilson ladder and how each side sees
the other (DESIGN.md §4, RelationshipStage)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RelationshipStage(models.TextChoices):
    PRE_KAM = "pre_kam", _("Pre-KAM")
    EARLY = "early", _("Early KAM")
    MID = "mid", _("Mid KAM")
    PARTNERSHIP = "partnership", _("Partnership KAM")
    SYNERGISTIC = "synergistic", _("Synergistic KAM")
    UNCOUPLING = "uncoupling", _("Uncoupling KAM")


# The ladder's rungs, lowest first. Uncoupling is off the ladder: reaching it is always a step back.
STAGE_LADDER = (
    RelationshipStage.PRE_KAM,
    RelationshipStage.EARLY,
    RelationshipStage.MID,
    RelationshipStage.PARTNERSHIP,
    RelationshipStage.SYNERGISTIC,
)


def stage_rank(stage: str) -> int:
    """Position on the ladder; uncoupling ranks below pre-KAM."""
    return STAGE_LADDER.index(stage) if stage in STAGE_LADDER else -1


def is_regression(from_stage: str, to_stage: str) -> bool:
    return bool(from_stage) and stage_rank(to_stage) < stage_rank(from_stage)


class DecisionStyle(models.TextChoices):
    AUTHORITARIAN = "authoritarian", _("Authoritarian")
    CONSULTATIVE = "consultative", _("Consultative")
    ADVISORY = "advisory", _("Advisory")


class HighLow(models.TextChoices):
    HIGH = "high", _("High")
    LOW = "low", _("Low")


class StageChange(models.Model):
    """One move of the current or target stage: from, to, when, who, why."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("account"),
    )
    from_stage = models.CharField(
        _("from stage"), max_length=12, choices=RelationshipStage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=12, choices=RelationshipStage.choices)
    target_stage = models.CharField(
        _("target stage"), max_length=12, choices=RelationshipStage.choices, blank=True
    )
    rationale = models.TextField(_("rationale"))
    is_regression = models.BooleanField(_("regression"), default=False)
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
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [
            models.Index(fields=["account", "-changed_at"], name="stage_change_account_idx"),
            models.Index(
                fields=["changed_at"], condition=Q(is_regression=True), name="stage_regression_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"


class StageAssessment(models.Model):
    """A run of the assessment checklist: the observable signs ticked and the stage they suggest.
    The latest row is the account's current assessment; older rows stay as its history."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="stage_assessments",
        verbose_name=_("account"),
    )
    signs = models.JSONField(_("signs observed"), default=list, blank=True)
    suggested_stage = models.CharField(
        _("suggested stage"), max_length=12, choices=RelationshipStage.choices
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = "assessed_at"
        verbose_name = _("stage assessment")
        verbose_name_plural = _("stage assessments")
        indexes = [
            models.Index(fields=["account", "-assessed_at"], name="stage_assessment_account_idx")
        ]

    def __str__(self):
        return f"{self.account_id}: {self.get_suggested_stage_display()}"
