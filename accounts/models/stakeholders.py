"""The people in an account and who of ours knows them (DESIGN.md §4, Stakeholder and Coverage)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models.versioned import Versioned


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    RULE_MAKER = "rule_maker", _("Rule maker")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    INFLUENCER = "influencer", _("Influencer")
    COACH = "coach", _("Coach / insider")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class SocialStyle(models.TextChoices):
    ANALYTICAL = "analytical", _("Analytical")
    DRIVER = "driver", _("Driver")
    AMIABLE = "amiable", _("Amiable")
    EXPRESSIVE = "expressive", _("Expressive")


class StakeholderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left the company")


class NeedScope(models.TextChoices):
    COMPANY = "company", _("Company need")
    PERSONAL = "personal", _("Personal need")


class NeedOpenness(models.TextChoices):
    OPEN = "open", _("Open")
    PRIVATE = "private", _("Private")


class NeedExpression(models.TextChoices):
    EXPLICIT = "explicit", _("Explicit")
    IMPLIED = "implied", _("Implied")


ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(Versioned):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="stakeholders",
        verbose_name=_("account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120)
    title = models.CharField(_("title"), max_length=120, blank=True)
    department = models.CharField(_("department / function"), max_length=120, blank=True)
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("reports to"),
    )
    buying_role = models.CharField(_("buying role"), max_length=20, choices=BuyingRole.choices)
    attitude = models.CharField(
        _("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"),
        default=3,
        validators=ONE_TO_FIVE,
        help_text=_("1 = little say in the decision, 5 = decides."),
    )
    involvement = models.PositiveSmallIntegerField(
        _("involvement"),
        default=3,
        validators=ONE_TO_FIVE,
        help_text=_("1 = rarely involved with us, 5 = involved every day."),
    )
    social_style = models.CharField(
        _("social style"), max_length=12, choices=SocialStyle.choices, blank=True
    )
    motivations = models.TextField(
        _("motivations"), blank=True, help_text=_("What drives them: career, recognition, safety…")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StakeholderStatus.choices,
        default=StakeholderStatus.ACTIVE,
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        ordering = ["-influence", "name", "pk"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1) & Q(influence__lte=5),
                name="stakeholder_influence_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(involvement__gte=1) & Q(involvement__lte=5),
                name="stakeholder_involvement_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")), name="stakeholder_not_own_manager"
            ),
            models.CheckConstraint(
                condition=Q(status="left") | Q(left_on__isnull=True),
                name="stakeholder_left_on_only_when_left",
            ),
        ]
        indexes = [models.Index(fields=["account", "status"], name="stakeholder_account_idx")]

    def __str__(self):
        return self.name

    @property
    def has_left(self):
        return self.status == StakeholderStatus.LEFT


class StakeholderNeed(models.Model):
    """One need, classified the three ways sales training uses (company/personal, open/private,
    explicit/implied), so the visit preparation can work on the hidden ones."""

    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="needs", verbose_name=_("stakeholder")
    )
    description = models.CharField(_("need"), max_length=300)
    scope = models.CharField(
        _("whose need"), max_length=10, choices=NeedScope.choices, default=NeedScope.COMPANY
    )
    openness = models.CharField(
        _("openness"), max_length=10, choices=NeedOpenness.choices, default=NeedOpenness.OPEN
    )
    expression = models.CharField(
        _("expressed"),
        max_length=10,
        choices=NeedExpression.choices,
        default=NeedExpression.EXPLICIT,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        return self.description


class StakeholderPrivateNote(models.Model):
    """Personal details the account team keeps to build the relationship. A table of its own so
    that no query for stakeholders can carry them to a director, an export or a dashboard."""

    stakeholder = models.OneToOneField(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="private_note",
        verbose_name=_("stakeholder"),
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    hometown = models.CharField(_("hometown"), max_length=120, blank=True)
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    family = models.CharField(_("family"), max_length=300, blank=True)
    notes = models.TextField(_("private notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")

    def __str__(self):
        return str(self.stakeholder)


class CoverageStrength(models.IntegerChoices):
    NONE = 0, _("0 — no relationship")
    ACQUAINTED = 1, _("1 — acquainted")
    WORKING = 2, _("2 — working relationship")
    TRUSTED = 3, _("3 — trusted")


class Coverage(Versioned):
    """Which of our people knows which of their stakeholders, and how well."""

    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="coverage",
        verbose_name=_("stakeholder"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stakeholder_coverage",
        verbose_name=_("our person"),
    )
    strength = models.PositiveSmallIntegerField(
        _("strength"), choices=CoverageStrength.choices, default=CoverageStrength.ACQUAINTED
    )
    # Until visits exist (planning), the team types it; reporting a visit will set it.
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        ordering = ["stakeholder", "user"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.UniqueConstraint(fields=["stakeholder", "user"], name="coverage_once_per_pair"),
            models.CheckConstraint(
                condition=Q(strength__gte=0) & Q(strength__lte=3), name="coverage_strength_0_to_3"
            ),
        ]
        indexes = [models.Index(fields=["user", "stakeholder"], name="coverage_user_idx")]

    def __str__(self):
        return f"{self.user} ↔ {self.stakeholder}"
