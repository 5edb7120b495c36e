from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models.relationship import DecisionStyle, HighLow, RelationshipStage
from accounts.models.versioned import Versioned


class User(AbstractUser):
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language KAM is shown in after you sign in."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        if self.last_name and self.first_name and not self.first_name.isascii():
            return f"{self.last_name}{self.first_name}"
        return super().get_full_name()


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TELECOM = "telecom", _("Telecommunications")
    FINANCE = "finance", _("Finance")
    GOVERNMENT = "government", _("Government")
    EDUCATION = "education", _("Education")
    RETAIL = "retail", _("Retail")
    ENERGY = "energy", _("Energy")
    HEALTHCARE = "healthcare", _("Healthcare")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    NORTH = "north", _("North China")
    EAST = "east", _("East China")
    SOUTH = "south", _("South China")
    CENTRAL = "central", _("Central China")
    SOUTHWEST = "southwest", _("Southwest China")
    NORTHWEST = "northwest", _("Northwest China")
    NORTHEAST = "northeast", _("Northeast China")
    OVERSEAS = "overseas", _("Overseas")


class Category(models.TextChoices):
    TARGET = "target", _("Target")
    NORMAL = "normal", _("Normal")
    KEY = "key", _("Key account")
    LOST = "lost", _("Lost")


CATEGORY_GOALS = {
    Category.TARGET: _("Capture it: win the first business."),
    Category.NORMAL: _("Serve it well and grow it."),
    Category.KEY: _("Sustain the relationship and optimise profit. Needs an owner and a plan."),
    Category.LOST: _("Understand why it was lost and plan to win it back."),
}


class Tier(models.Model):
    """A level of the value pyramid. Admins edit the names; tier rules (scoring) assign them."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (English)"), max_length=60)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the most valuable tier.")
    )
    visit_cadence_days = models.PositiveSmallIntegerField(
        _("visit every (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("How often an account of this tier should be visited at least."),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.name_zh_hans and (get_language() or "").startswith("zh"):
            return self.name_zh_hans
        return self.name


class Account(Versioned):
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external ID"),
        max_length=64,
        blank=True,
        help_text=_("The customer's number in your ERP, used to match imports."),
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.NORMAL
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    # The owner is the account manager and plan owner. It lives on the account rather than as a
    # team row because it is one per account, filtered and sorted on in every list, and a key
    # account must have one (a database constraint below).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The customer's own yearly revenue."),
    )
    registered_capital = models.DecimalField(
        _("registered capital"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    is_listed = models.BooleanField(_("listed company"), default=False)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # The relationship (accounts.models.relationship): changed only through the stage services,
    # which keep a StageChange row for each move.
    relationship_stage = models.CharField(
        _("relationship stage"),
        max_length=12,
        choices=RelationshipStage.choices,
        default=RelationshipStage.PRE_KAM,
    )
    target_stage = models.CharField(
        _("target stage"), max_length=12, choices=RelationshipStage.choices, blank=True
    )
    decision_style = models.CharField(
        _("decision-making unit"), max_length=15, choices=DecisionStyle.choices, blank=True
    )
    seller_intent = models.CharField(
        _("our intent"),
        max_length=4,
        choices=HighLow.choices,
        blank=True,
        help_text=_("How much we want a key-account relationship with them."),
    )
    buyer_intent = models.CharField(
        _("their intent"),
        max_length=4,
        choices=HighLow.choices,
        blank=True,
        help_text=_("How much they want a close relationship with us."),
    )
    offering_importance = models.CharField(
        _("importance of our offering to them"), max_length=4, choices=HighLow.choices, blank=True
    )
    relative_spend = models.CharField(
        _("their relative spend with us"), max_length=4, choices=HighLow.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["row_version", "updated_at"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="key") | Q(owner__isnull=False),
                name="account_key_account_has_owner",
                violation_error_message=_("A key account must have an account manager."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="account_unique_external_id",
                violation_error_message=_("Another account already has this external ID."),
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="account_name_idx"),
            models.Index(fields=["category", "name"], name="account_category_idx"),
            models.Index(fields=["owner", "name"], name="account_owner_idx"),
            models.Index(fields=["industry", "name"], name="account_industry_idx"),
            models.Index(fields=["region", "name"], name="account_region_idx"),
            models.Index(fields=["-updated_at"], name="account_updated_idx"),
            models.Index(fields=["relationship_stage"], name="account_stage_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:detail", args=[self.pk])

    @property
    def category_goal(self):
        return CATEGORY_GOALS.get(self.category, "")


class TeamRole(models.TextChoices):
    MEMBER = "member", _("Team member")
    EXECUTIVE_SPONSOR = "sponsor", _("Executive sponsor")


class AccountTeamMember(Versioned):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("account")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    joined_on = models.DateField(_("joined"), default=timezone.localdate)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        ordering = ["role", "user__first_name", "user__username"]
        verbose_name = _("team member")
        verbose_name_plural = _("account team")
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="team_member_once_per_account")
        ]
        indexes = [models.Index(fields=["user", "account"], name="team_member_user_idx")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"
