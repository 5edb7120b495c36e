"""Account health (DESIGN.md §4 RiskScore, §6): the churn-risk model admins edit, each account's
current satisfaction and churn risk with every factor's contribution, daily snapshots for trends,
and a record of each recalculation run. scoring.health.runs and
scoring.health.recalculation compute and write them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.jobs import Leased, expired_before
from accounts.models.versioned import Versioned
from scoring import engine


class RiskLevel(models.TextChoices):
    LOW = engine.RISK_LOW, _("Low")
    MEDIUM = engine.RISK_MEDIUM, _("Medium")
    HIGH = engine.RISK_HIGH, _("High")


class RiskPolicy(Versioned):
    """The one row of churn-risk settings (pk 1): where the levels start, and the window that
    satisfaction is averaged over."""

    medium_from = models.PositiveSmallIntegerField(
        _("medium risk from"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    high_from = models.PositiveSmallIntegerField(
        _("high risk from"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Crossing into high risk notifies the account manager."),
    )
    satisfaction_window_days = models.PositiveSmallIntegerField(
        _("satisfaction window (days)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(1095)],
        help_text=_(
            "An account's satisfaction is the average of its surveys in this many days; the trend "
            "compares it with the same length of time before."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["row_version"])

    class Meta:
        verbose_name = _("churn-risk policy")
        verbose_name_plural = _("churn-risk policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="risk_policy_single_row"),
            models.CheckConstraint(
                condition=Q(medium_from__lt=models.F("high_from")),
                name="risk_policy_medium_below_high",
                violation_error_message=_("Medium risk must start below high risk."),
            ),
        ]

    def __str__(self):
        return str(_("Churn-risk policy"))


class RiskFactor(models.Model):
    """One factor of the churn-risk score. Its measure x (see engine.RISK_FACTORS) earns nothing
    at `start`, the full weight at `full`, and a straight line in between; `start` above `full`
    means a falling measure is the risk (satisfaction, revenue change)."""

    code = models.CharField(
        _("factor"),
        max_length=30,
        unique=True,
        choices=[(code, code) for code in engine.RISK_FACTORS],
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[MaxValueValidator(100)],
        help_text=_("The most points this factor can add; 0 switches it off."),
    )
    start = models.DecimalField(_("counts from"), max_digits=8, decimal_places=2)
    full = models.DecimalField(_("full weight at"), max_digits=8, decimal_places=2)
    days = models.PositiveSmallIntegerField(
        _("days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1095)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("churn-risk factor")
        verbose_name_plural = _("churn-risk factors")
        constraints = [
            models.CheckConstraint(
                condition=~Q(start=models.F("full")),
                name="risk_factor_start_differs_from_full",
                violation_error_message=_("“Counts from” and “full weight at” must differ."),
            )
        ]

    def __str__(self):
        return self.code

    def as_rule(self) -> engine.FactorRule:
        return engine.FactorRule(
            code=self.code, weight=self.weight, start=self.start, full=self.full, days=self.days
        )


class AccountHealth(models.Model):
    """An account's current satisfaction and churn risk, as the last recalculation left them.
    `factors` keeps each factor's points and the facts behind them (numbers only, so the page
    words them in the reader's language)."""

    account = models.OneToOneField(
        "accounts.Account",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="health",
        verbose_name=_("account"),
    )
    risk_score = models.PositiveSmallIntegerField(_("churn risk"))
    risk_level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    satisfaction_index = models.DecimalField(
        _("satisfaction index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_change = models.DecimalField(
        _("satisfaction change"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    surveys_counted = models.PositiveIntegerField(_("surveys counted"), default=0)
    revenue_12m = models.DecimalField(
        _("revenue, last 12 months"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    margin_12m = models.DecimalField(
        _("gross margin, last 12 months"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    revenue_prev_12m = models.DecimalField(
        _("revenue, the 12 months before"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    visited_in_cadence = models.BooleanField(_("visited within cadence"), default=False)
    has_active_plan = models.BooleanField(_("active plan this year"), default=False)
    complaints_past_due = models.PositiveIntegerField(_("complaints past due"), default=0)
    high_since = models.DateField(_("high risk since"), null=True, blank=True)
    # Against the latest snapshot at least a week old (None: none that old), so the overview
    # filters and sorts on "since last week" without a subquery per account.
    risk_change = models.SmallIntegerField(_("change since last week"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    calculated_at = models.DateTimeField(_("calculated"))

    class Meta:
        verbose_name = _("account health")
        verbose_name_plural = _("account health")
        indexes = [
            models.Index(fields=["-risk_score"], name="health_risk_idx"),
            models.Index(fields=["risk_level"], name="health_level_idx"),
        ]

    def __str__(self):
        return f"{self.account_id}: {self.risk_score}"


class HealthSnapshot(models.Model):
    """One account's risk, satisfaction and the portfolio dashboard's figures on one day, for
    trend lines and the dashboard's "against the previous period". A run writes today's row for
    each account whose values changed or that has none yet today."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="health_snapshots",
        verbose_name=_("account"),
    )
    day = models.DateField(_("day"))
    risk_score = models.PositiveSmallIntegerField(_("churn risk"))
    risk_level = models.CharField(_("risk level"), max_length=6, choices=RiskLevel.choices)
    satisfaction_index = models.DecimalField(
        _("satisfaction index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    category = models.CharField(_("category"), max_length=10, blank=True)
    revenue_12m = models.DecimalField(
        _("revenue, last 12 months"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    visited_in_cadence = models.BooleanField(_("visited within cadence"), default=False)
    has_active_plan = models.BooleanField(_("active plan this year"), default=False)
    complaints_past_due = models.PositiveIntegerField(_("complaints past due"), default=0)

    class Meta:
        ordering = ["account", "day"]
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="health_snapshot_once_a_day")
        ]
        # The dashboard reads every account's row of one past day.
        indexes = [models.Index(fields=["day", "account"], name="health_snapshot_day_idx")]

    def __str__(self):
        return f"{self.account_id} · {self.day}: {self.risk_score}"


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly")
    ADMIN = "admin", _("Recalculate now")
    SURVEY = "survey", _("After a survey")
    COMMAND = "command", _("Command line")
    IMPORT = "import", _("After an import of transactions")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Finished with errors")
    INTERRUPTED = "interrupted", _("Interrupted")
    SKIPPED = "skipped", _("Skipped: another run was in progress")


# A run in one of these went (or is going) through every account it set out to.
COVERING_STATUSES = (RunStatus.RUNNING, RunStatus.FINISHED, RunStatus.FAILED)


class StopReason(models.TextChoices):
    """Why an interrupted run stopped, as far as anyone could tell."""

    WORKER_LOST = "worker_lost", _("Its worker stopped answering")
    TIME_LIMIT = "time_limit", _("It reached its time limit")
    STOPPED = "stopped", _("Its process was stopped")


class HealthRun(Leased):
    """One recalculation: when, why, what it covered, how many accounts changed, what failed.

    A running run holds a lease (accounts.jobs): it beats while its batches go on, and one whose
    beats stopped for a whole lease is dead and shown interrupted. Batches go in account-id order
    and each is saved whole or not at all, so `done_through` (the last id of the last batch
    saved) says exactly which accounts have their new health; a retry is a new run that carries
    on after it (`retry_of`, `resumed_after`, with the counts so far)."""

    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
        help_text=_("Empty for a run over every account."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    planned = models.PositiveIntegerField(_("accounts to recalculate"), default=0)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    alerts = models.PositiveIntegerField(_("alerts"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    error_text = models.TextField(_("errors"), blank=True)
    done_through = models.PositiveBigIntegerField(
        _("saved up to account"),
        null=True,
        blank=True,
        help_text=_("The highest account id of the last batch saved."),
    )
    stopped_because = models.CharField(
        _("stopped because"), max_length=12, choices=StopReason.choices, blank=True
    )
    # The Celery message that started the run: the same message delivered again (after its
    # worker died) finds its run and does nothing, so a job that kills its worker cannot loop.
    task_id = models.CharField(_("task"), max_length=255, blank=True, editable=False)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("retry of"),
    )
    resumed_after = models.PositiveBigIntegerField(
        _("carried on after account"), null=True, blank=True
    )
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retry asked for by"),
    )
    retried_at = models.DateTimeField(_("retry asked for"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("health recalculation")
        verbose_name_plural = _("health recalculations")
        indexes = [
            models.Index(
                fields=["status"], condition=Q(status="running"), name="health_run_running_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task_id"], condition=~Q(task_id=""), name="health_run_one_per_task"
            )
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def lease_started_at(self):
        return self.started_at

    def is_dead(self, now=None) -> bool:
        """Marked running, but silent for a whole lease: its worker died (the reaper will mark
        it interrupted within a minute; pages show it so at once)."""
        return self.status == RunStatus.RUNNING and self.lease_expired(now)

    @property
    def shown_status(self) -> str:
        return RunStatus.INTERRUPTED if self.is_dead() else self.status

    def get_shown_status_display(self) -> str:
        return RunStatus(self.shown_status).label

    @property
    def stopped_at(self):
        """When an interrupted run stopped: its last sign of life."""
        return self.finished_at or self.heartbeat_at or self.started_at

    def retry_waiting(self, now=None) -> bool:
        """A retry was asked for less than a lease ago and has not started yet (no worker free
        so far): asking again would only queue it twice. Later it may be asked for again."""
        return self.retried_at is not None and self.retried_at > expired_before(now)

    @property
    def remaining(self) -> int:
        """Accounts the run meant to recalculate and did not save."""
        return max(self.planned - self.accounts, 0)

    def covers(self, other: "HealthRun") -> bool:
        """This run recalculates what `other` did, or more, from later records: it started
        after it, went over every account or over other's one, and went through (or is going
        through) them — or, interrupted, saved some, which a retry of `other` would put back to
        older figures (retry this one instead). services.covering_runs asks the database the
        same."""
        return (
            (self.started_at, self.pk) > (other.started_at, other.pk)
            and (self.account_id is None or self.account_id == other.account_id)
            and (
                self.status in COVERING_STATUSES
                or (self.status == RunStatus.INTERRUPTED and self.done_through is not None)
            )
        )
