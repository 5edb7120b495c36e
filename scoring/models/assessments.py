"""Account assessments: an account scored against a criteria set. Each (re-)scoring is a new
Assessment with its criterion scores; the newest is the account's current one (is_current), the
older ones are its history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring import engine
from scoring.models.criteria import CriteriaSet, Criterion


class Quadrant(models.TextChoices):
    KEY = engine.KEY, _("Key quadrant")
    DEVELOP = engine.DEVELOP, _("Develop")
    MAINTAIN = engine.MAINTAIN, _("Maintain")
    OPPORTUNISTIC = engine.OPPORTUNISTIC, _("Opportunistic")


QUADRANT_STRATEGIES = {
    Quadrant.KEY: _(
        "Attractive, and we are strong: invest in the relationship, build a partnership and "
        "optimise profit over the long term."
    ),
    Quadrant.DEVELOP: _(
        "Attractive, but we are weak: invest to build our advantage where we can win, or "
        "decide deliberately not to."
    ),
    Quadrant.MAINTAIN: _(
        "We are strong, but the customer is less attractive: serve it efficiently, protect the "
        "margin and keep the cost to serve low."
    ),
    Quadrant.OPPORTUNISTIC: _(
        "Less attractive, and we are weak: serve it at low cost, take business when it comes "
        "and do not invest ahead of it."
    ),
}


class AssessmentSource(models.TextChoices):
    SCORED = "scored", _("Scored by the account team")
    CARRIED_OVER = "carried_over", _("Carried over to a new criteria version")


class Assessment(models.Model):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("account"),
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("criteria version"),
    )
    source = models.CharField(
        _("source"),
        max_length=15,
        choices=AssessmentSource.choices,
        default=AssessmentSource.SCORED,
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    attractiveness = models.DecimalField(
        _("attractiveness index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    advantage = models.DecimalField(
        _("advantage index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    quadrant = models.CharField(_("quadrant"), max_length=15, choices=Quadrant.choices, blank=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-scored_at", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(is_current=True),
                name="assessment_one_current_per_account",
            ),
            models.CheckConstraint(
                condition=(
                    Q(attractiveness__isnull=True)
                    | (Q(attractiveness__gte=0) & Q(attractiveness__lte=100))
                )
                & (Q(advantage__isnull=True) | (Q(advantage__gte=0) & Q(advantage__lte=100))),
                name="assessment_indices_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-scored_at"], name="assessment_account_idx"),
            models.Index(
                fields=["quadrant"], condition=Q(is_current=True), name="assessment_current_idx"
            ),
        ]

    def __str__(self):
        return f"{self.account} · {self.scored_at:%Y-%m-%d}"

    @property
    def row_version(self) -> int:
        """An assessment never changes: a new scoring is a new assessment. So the id of an
        account's current assessment is the version of its scores, which the scoring form
        carries like any edit form (scoring.assessments.services.account_assess)."""
        return self.pk or 0

    @property
    def strategy(self):
        return QUADRANT_STRATEGIES.get(self.quadrant, "")


class CriterionScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    # None: the rater did not know; the engine leaves it out (see scoring.engine).
    value = models.SmallIntegerField(_("score"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "criterion__dimension", "criterion__position", "criterion"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="criterion_score_once_per_assessment"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
