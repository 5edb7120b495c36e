"""Satisfaction surveys (DESIGN.md §4): admin-editable indicators in three groups; a survey of one
account answered by one stakeholder, importance and performance 1–5 for each indicator. The
survey's satisfaction index is computed by scoring.engine when it is completed and stored."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned
from scoring import engine

ANSWER_VALIDATORS = [MinValueValidator(engine.SURVEY_MIN), MaxValueValidator(engine.SURVEY_MAX)]


class IndicatorGroup(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    PURCHASE = "purchase", _("Purchase experience")


class SurveyIndicator(Versioned):
    """One question of the survey. Retired, not deleted, once answered: old surveys keep it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=10, choices=IndicatorGroup.choices)
    name = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120)
    question = models.CharField(
        _("question (English)"),
        max_length=300,
        blank=True,
        help_text=_("How the respondent is asked about it; the name is used when empty."),
    )
    question_zh_hans = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("asked"), default=True, help_text=_("Retired indicators are kept for old surveys.")
    )

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("survey indicator")
        verbose_name_plural = _("survey indicators")

    def __str__(self):
        return self.label

    def _in_language(self, english: str, chinese: str) -> str:
        if chinese and (get_language() or "").startswith("zh"):
            return chinese
        return english

    @property
    def label(self) -> str:
        return self._in_language(self.name, self.name_zh_hans)

    @property
    def question_text(self) -> str:
        return self._in_language(self.question or self.name, self.question_zh_hans or self.label)


def new_link_nonce() -> str:
    return secrets.token_urlsafe(12)


class SurveyChannel(models.TextChoices):
    RECORDED = "recorded", _("Recorded by the team")
    LINK = "link", _("Answered through a private link")


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("Waiting for the answer")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Link withdrawn")


class Survey(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="surveys",
        verbose_name=_("account"),
    )
    respondent = models.ForeignKey(
        "accounts.Stakeholder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("respondent"),
    )
    # Kept as text too: the answer stays attributable if the stakeholder is deleted.
    respondent_name = models.CharField(_("respondent"), max_length=120, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=SurveyChannel.choices, default=SurveyChannel.RECORDED
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.COMPLETED
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    satisfaction_index = models.DecimalField(
        _("satisfaction index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The private link: a signed token names the survey and this nonce; withdrawing or answering
    # the survey makes every link to it useless.
    link_nonce = models.CharField(max_length=32, default=new_link_nonce, editable=False)
    link_expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["row_version", "link_nonce"])

    class Meta:
        ordering = ["-answered_on", "-created_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (Q(answered_on__isnull=False) & Q(satisfaction_index__isnull=False)),
                name="survey_completed_has_index",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_index__isnull=True)
                | (Q(satisfaction_index__gte=0) & Q(satisfaction_index__lte=100)),
                name="survey_index_0_to_100",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "answered_on"],
                condition=Q(status="completed"),
                name="survey_completed_idx",
            )
        ]

    def __str__(self):
        return f"{self.account} · {self.answered_on or self.created_at.date()}"

    def get_absolute_url(self):
        return reverse("scoring:survey_detail", args=[self.account_id, self.pk])

    @property
    def is_completed(self) -> bool:
        return self.status == SurveyStatus.COMPLETED

    @property
    def link_is_open(self) -> bool:
        return (
            self.status == SurveyStatus.SENT
            and self.link_expires_at is not None
            and self.link_expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        """The status as pages show it: a sent survey whose link expired waits for nothing."""
        if self.status == SurveyStatus.SENT and not self.link_is_open:
            return "expired"
        return self.status

    @property
    def state_label(self) -> str:
        if self.state == "expired":
            return str(_("Link expired"))
        return self.get_status_display()

    @property
    def channel_label(self) -> str:
        """How it was asked; "answered through a private link" only once it was answered."""
        if self.channel == SurveyChannel.LINK and not self.is_completed:
            return str(_("Sent as a private link"))
        return self.get_channel_display()


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey")
    )
    indicator = models.ForeignKey(
        SurveyIndicator,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("indicator"),
    )
    importance = models.PositiveSmallIntegerField(_("importance"), validators=ANSWER_VALIDATORS)
    performance = models.PositiveSmallIntegerField(_("performance"), validators=ANSWER_VALIDATORS)

    class Meta:
        ordering = ["indicator__position", "indicator__pk"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator"], name="survey_answer_once_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(importance__gte=engine.SURVEY_MIN)
                & Q(importance__lte=engine.SURVEY_MAX)
                & Q(performance__gte=engine.SURVEY_MIN)
                & Q(performance__lte=engine.SURVEY_MAX),
                name="survey_answer_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.importance}/{self.performance}"

    @property
    def gap(self) -> int:
        return engine.survey_gap(self.importance, self.performance)
