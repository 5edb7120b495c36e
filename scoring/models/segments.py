"""Segments (industries or other groups of customers) scored with the same engine against a
segment criteria set, to rank where to look for key accounts (DESIGN.md §5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Industry
from accounts.models.versioned import Versioned
from scoring.models.criteria import Criterion, _localised


class Segment(Versioned):
    name = models.CharField(_("name (English)"), max_length=120, unique=True)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    industry = models.CharField(
        _("industry"),
        max_length=20,
        choices=Industry.choices,
        blank=True,
        help_text=_("The accounts' industry this segment stands for, if any."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return _localised(self.name, self.name_zh_hans)


class SegmentScore(models.Model):
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("segment")
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        related_name="segment_scores",
        verbose_name=_("criterion"),
    )
    value = models.SmallIntegerField(_("score"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segment score")
        verbose_name_plural = _("segment scores")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "criterion"], name="segment_score_once_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.segment} · {self.criterion}: {self.value}"
