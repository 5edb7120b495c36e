"""Selection criteria (DESIGN.md §4 scoring): versioned criteria sets of weighted criteria.

A set is a draft while an admin edits it, then published (one per kind at a time), then archived
when the next one is published; archived sets stay readable. Every assessment names the set it
was computed under.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned
from scoring import engine


def _localised(english: str, chinese: str) -> str:
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return english


# The note of the criteria sets KAM ships: stored as this msgid, shown translated.
SHIPPED_NOTE = gettext_noop("The default criteria that ship with KAM.")


class SetKind(models.TextChoices):
    ACCOUNT = "account", _("Account selection")
    SEGMENT = "segment", _("Segment scoring")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Dimension(models.TextChoices):
    ATTRACTIVENESS = engine.ATTRACTIVENESS, _("Customer attractiveness")
    ADVANTAGE = engine.ADVANTAGE, _("Our relative advantage")


PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class CriteriaSet(Versioned):
    kind = models.CharField(_("kind"), max_length=10, choices=SetKind.choices)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    change_note = models.TextField(
        _("what changed and why"),
        blank=True,
        help_text=_("Shown beside the version, so everyone knows why the criteria changed."),
    )
    attractiveness_threshold = models.DecimalField(
        _("attractiveness threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT_VALIDATORS,
        help_text=_("An attractiveness index at or above this (0–100) counts as high."),
    )
    advantage_threshold = models.DecimalField(
        _("advantage threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT_VALIDATORS,
        help_text=_("An advantage index at or above this (0–100) counts as high."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="criteria_set_version_once"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status="published"),
                name="criteria_set_one_published_per_kind",
                violation_error_message=_("Only one criteria set can be published at a time."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status="draft"),
                name="criteria_set_one_draft_per_kind",
                violation_error_message=_("There is already a draft: edit that one."),
            ),
            models.CheckConstraint(
                condition=Q(attractiveness_threshold__gte=0)
                & Q(attractiveness_threshold__lte=100)
                & Q(advantage_threshold__gte=0)
                & Q(advantage_threshold__lte=100),
                name="criteria_set_thresholds_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.label} (v{self.version})"

    @property
    def label(self):
        return _localised(self.name, self.name_zh_hans)

    @property
    def shown_change_note(self) -> str:
        """The note in the reader's language when it is the one KAM ships (stored as its msgid)."""
        return gettext(self.change_note) if self.change_note == SHIPPED_NOTE else self.change_note

    @property
    def is_draft(self):
        return self.status == SetStatus.DRAFT

    @property
    def is_published(self):
        return self.status == SetStatus.PUBLISHED


class Criterion(Versioned):
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("criteria set"),
    )
    # Stable across versions: scores carry over to the next version by code.
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("A short fixed key; scores carry over to the next version by it."),
    )
    dimension = models.CharField(_("dimension"), max_length=15, choices=Dimension.choices)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh_hans = models.TextField(_("description (Chinese)"), blank=True)
    weight = models.SmallIntegerField(
        _("weight"),
        validators=[
            MinValueValidator(engine.WEIGHT_MIN),
            MaxValueValidator(engine.WEIGHT_MAX),
        ],
        help_text=_(
            "−10 to 10. A negative weight counts against: a high score lowers the index "
            "(e.g. competition intensity)."
        ),
    )
    scale_min = models.SmallIntegerField(_("scale from"), default=0)
    scale_max = models.SmallIntegerField(_("scale to"), default=10)
    low_means = models.CharField(_("low score means (English)"), max_length=200, blank=True)
    low_means_zh_hans = models.CharField(_("low score means (Chinese)"), max_length=200, blank=True)
    high_means = models.CharField(_("high score means (English)"), max_length=200, blank=True)
    high_means_zh_hans = models.CharField(
        _("high score means (Chinese)"), max_length=200, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["criteria_set", "dimension", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="criterion_code_once_per_set",
                violation_error_message=_("This set already has a criterion with this code."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=engine.WEIGHT_MIN) & Q(weight__lte=engine.WEIGHT_MAX),
                name="criterion_weight_in_range",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="criterion_scale_min_below_max",
                violation_error_message=_("The scale must go from a lower to a higher number."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return _localised(self.name, self.name_zh_hans)

    @property
    def description_label(self):
        return _localised(self.description, self.description_zh_hans)

    @property
    def low_label(self):
        return _localised(self.low_means, self.low_means_zh_hans)

    @property
    def high_label(self):
        return _localised(self.high_means, self.high_means_zh_hans)

    @property
    def spec(self) -> engine.CriterionSpec:
        return engine.CriterionSpec(
            self.code, self.dimension, self.weight, self.scale_min, self.scale_max
        )
