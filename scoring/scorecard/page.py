"""What the Value tab shows, assembled from the scorecard, the actuals and the engine: the three
value cards, the targets table and the recent changes. Coordinates of the small SVG charts are
computed here; the template only places them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from scoring import engine
from scoring.geometry import Scale, coord
from scoring.models import AccountHealth, PotentialClass, ValueScorecard
from scoring.scorecard.queries import (
    LEVEL_WORDS,
    ONE_PLACE,
    Actuals,
    Change,
    account_actuals,
    get_scorecard,
    recent_changes,
)

CLASS_MEANINGS = {
    PotentialClass.A: _(
        "High remaining potential: a large buyer of what we sell, and we have at least two steps "
        "of their spend still to win. Invest to grow the share of wallet."
    ),
    PotentialClass.B: _(
        "Medium potential: some of their spend is still to win. Grow it where the cost of winning "
        "it is reasonable."
    ),
    PotentialClass.C: _(
        "Low potential: we already have what there is, or they buy little of what we sell. "
        "Serve efficiently; maybe not a key account."
    ),
}

STATUS_LABELS = {
    engine.MET: _("met"),
    engine.BEHIND: _("behind"),
    engine.NO_TARGET: _("no target"),
    engine.NO_ACTUAL: _("no actual yet"),
}

FAMILIES = (
    ("financial", _("Financial")),
    ("service", _("Service")),
    ("customer", _("Customer")),
    ("sales", _("Sales")),
)

MONEY, PERCENT, COUNT = "money", "percent", "count"
INDEX = "index"  # a 0–100 index: shown as "60.5 / 100", not as a percentage


@dataclass(frozen=True)
class Level:
    """One 0–4 assessment with its word, and the four pips the page draws."""

    value: int | None

    @property
    def word(self):
        return LEVEL_WORDS.get(self.value, "")

    @property
    def pips(self) -> list[bool]:
        return [self.value is not None and step <= self.value for step in range(1, 5)]


# The share-of-wallet bars: one SVG unit per hundredth of the 0–4 scale.
WALLET_WIDTH = 400
WALLET_SCALE = Scale(0, 4, 0, WALLET_WIDTH)


@dataclass(frozen=True)
class WalletChart:
    current: int
    capacity: int
    width: int = WALLET_WIDTH
    ticks: tuple[str, ...] = tuple(coord(x) for _level, x in WALLET_SCALE.ticks(range(5)))

    @property
    def current_width(self) -> str:
        return coord(WALLET_SCALE(self.current))

    @property
    def capacity_width(self) -> str:
        return coord(WALLET_SCALE(self.capacity))


@dataclass(frozen=True)
class Lifetime:
    revenue_window: Decimal
    years_used: Decimal  # the span of the average: at most three years, at least one
    annual_sales: Decimal
    expected_years: int | None
    value: Decimal | None
    first_order: date | None

    @property
    def has_sales(self) -> bool:
        return bool(self.revenue_window)

    @property
    def since_first_order(self) -> bool:
        """The average runs from the first order, not over the full three-year window."""
        return self.years_used < engine.LIFETIME_WINDOW_YEARS


def lifetime(actuals: Actuals, expected_years: int | None, today: date) -> Lifetime:
    traded = engine.years_traded(actuals.first_order, today)
    annual = engine.average_annual_sales(actuals.revenue_window, traded)
    used = max(traded, 1)
    return Lifetime(
        revenue_window=actuals.revenue_window,
        years_used=(Decimal(used.numerator) / Decimal(used.denominator)).quantize(ONE_PLACE),
        annual_sales=annual,
        expected_years=expected_years,
        value=engine.lifetime_value(annual, expected_years),
        first_order=actuals.first_order,
    )


@dataclass(frozen=True)
class TargetRow:
    key: str
    family: str
    label: str
    unit: str
    target: Decimal | int | None
    actual: Decimal | int | None
    typed: bool = False  # typed by the team: the records cannot know it
    note: str = ""

    @property
    def achievement(self) -> Decimal | None:
        return engine.achievement(self.target, self.actual)

    @property
    def status(self) -> str:
        return engine.target_status(self.target, self.actual)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def bar_width(self) -> int:
        """The achievement bar, 0–100 (a met zero target is a full bar)."""
        if self.status == engine.MET:
            return min(int(self.achievement or 100), 100)
        if self.achievement is None:
            return 0
        return max(min(int(self.achievement), 100), 0)


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    rows: list[TargetRow]


def satisfaction_row(card: ValueScorecard, health: AccountHealth | None) -> TargetRow:
    """Computed from the account's surveys when it has any in the window; the hand-entered figure
    only stands in for accounts nobody has surveyed."""
    if health is not None and health.satisfaction_index is not None:
        return TargetRow(
            "satisfaction",
            "customer",
            _("Satisfaction index (0–100)"),
            INDEX,
            card.satisfaction_target,
            health.satisfaction_index,
            note=ngettext(
                "computed from %(count)s recent survey",
                "computed from the average of %(count)s recent surveys",
                health.surveys_counted,
            )
            % {"count": health.surveys_counted},
        )
    return TargetRow(
        "satisfaction",
        "customer",
        _("Satisfaction index (0–100)"),
        INDEX,
        card.satisfaction_target,
        card.satisfaction_actual,
        typed=True,
        note=_("no recent survey: the figure entered by hand")
        if card.satisfaction_actual is not None
        else "",
    )


def target_rows(
    scorecard: ValueScorecard | None, actuals: Actuals, sow, health: AccountHealth | None = None
) -> list[Family]:
    card = scorecard or ValueScorecard()
    if actuals.complaints_with_due:
        complaints_note = gettext("%(on_time)s of %(total)s resolved by their due date") % {
            "on_time": actuals.complaints_on_time,
            "total": actuals.complaints_with_due,
        }
    else:
        complaints_note = gettext("No complaint with a due date resolved in the last 12 months")
    if actuals.complaints_without_due:
        complaints_note += " · " + ngettext(
            "%(count)s without a due date left out",
            "%(count)s without a due date left out",
            actuals.complaints_without_due,
        ) % {"count": actuals.complaints_without_due}
    rows = [
        TargetRow(
            "revenue",
            "financial",
            _("Revenue, last 12 months"),
            MONEY,
            card.revenue_target,
            actuals.revenue_12m,
            note=_("invoiced, before returns"),
        ),
        TargetRow(
            "margin_rate",
            "financial",
            _("Gross margin"),
            PERCENT,
            card.margin_rate_target,
            actuals.margin_rate,
        ),
        TargetRow(
            "on_time_delivery",
            "service",
            _("On-time delivery"),
            PERCENT,
            card.on_time_delivery_target,
            card.on_time_delivery_actual,
            typed=True,
        ),
        TargetRow(
            "complaints_on_time",
            "service",
            _("Complaints solved on time"),
            PERCENT,
            card.complaints_on_time_target,
            actuals.complaints_on_time_rate,
            note=complaints_note,
        ),
        satisfaction_row(card, health),
        TargetRow(
            "share_of_wallet",
            "customer",
            _("Share of wallet (X ÷ Y)"),
            PERCENT,
            card.share_of_wallet_target,
            sow,
        ),
        TargetRow(
            "visits",
            "sales",
            _("Visits reported, last 12 months"),
            COUNT,
            card.visits_target,
            actuals.visits_12m,
        ),
        TargetRow(
            "pipeline",
            "sales",
            _("Open pipeline"),
            MONEY,
            card.pipeline_target,
            actuals.pipeline_value,
            note=ngettext(
                "%(count)s open opportunity", "%(count)s open opportunities", actuals.pipeline_count
            )
            % {"count": actuals.pipeline_count},
        ),
    ]
    return [
        Family(key, label, [row for row in rows if row.family == key]) for key, label in FAMILIES
    ]


@dataclass(frozen=True)
class ScorecardPage:
    scorecard: ValueScorecard | None
    actuals: Actuals
    current: Level
    capacity: Level
    growth: Level
    strategic: Level
    potential_class: str | None
    share_of_wallet: Decimal | None
    wallet: WalletChart | None
    lifetime: Lifetime
    families: list[Family]
    changes: list[Change]

    @property
    def class_label(self):
        return PotentialClass(self.potential_class).label if self.potential_class else ""

    @property
    def class_meaning(self):
        return CLASS_MEANINGS.get(self.potential_class, "")


def account_health(account: Account) -> AccountHealth | None:
    return (
        AccountHealth.objects.filter(account=account)
        .only("account_id", "satisfaction_index", "surveys_counted")
        .first()
    )


def scorecard_page(account: Account, *, today: date | None = None) -> ScorecardPage:
    """Everything the Value tab shows, in five queries."""
    today = today or timezone.localdate()
    scorecard = get_scorecard(account)
    card = scorecard or ValueScorecard()
    actuals = account_actuals(account, today=today)
    x, y = card.current_purchases, card.purchase_capacity
    sow = engine.share_of_wallet(x, y)
    return ScorecardPage(
        scorecard=scorecard,
        actuals=actuals,
        current=Level(x),
        capacity=Level(y),
        growth=Level(card.growth_potential),
        strategic=Level(card.strategic_value),
        potential_class=engine.potential_class(x, y),
        share_of_wallet=sow,
        wallet=WalletChart(x, y) if x is not None and y is not None else None,
        lifetime=lifetime(actuals, card.expected_years, today),
        families=target_rows(scorecard, actuals, sow, account_health(account)),
        changes=recent_changes(scorecard),
    )
