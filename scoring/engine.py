"""The scoring maths (DESIGN.md §4 scoring, §5): pure functions, numbers in and numbers out, no
ORM. Services and queries feed them rows; tests feed them hand-computed cases.

Indices. Each criterion has a weight w (−10…10) and a scale [min, max]. A value v is first
normalised to n = (v − min) / (max − min). A positive weight earns |w|·n points, a negative weight
earns |w|·(1 − n): a high score on "competition intensity" counts against. A dimension's index is
100 × earned / Σ|w| over the criteria that were scored, so it always lies in 0–100 and each
criterion's points add up to the index. This is the weighted sum Σ w·v rescaled from its possible
range onto 0–100.

Unscored criteria ("don't know") are left out of both the points and the denominator: the index
is the one the scored criteria give, and the result says how many were scored. Guessing a middle
value would pull every poorly known account towards the centre of the matrix. A dimension with
nothing scored (or only zero weights) has no index, so the account has no quadrant.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from math import lcm

ATTRACTIVENESS = "attractiveness"
ADVANTAGE = "advantage"
DIMENSIONS = (ATTRACTIVENESS, ADVANTAGE)

WEIGHT_MIN, WEIGHT_MAX = -10, 10

# Quadrants of the attractiveness × advantage matrix.
KEY = "key"  # high attractiveness, high advantage
DEVELOP = "develop"  # high attractiveness, low advantage
MAINTAIN = "maintain"  # low attractiveness, high advantage
OPPORTUNISTIC = "opportunistic"  # low, low

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    dimension: str
    weight: int
    scale_min: int = 0
    scale_max: int = 10


@dataclass(frozen=True)
class Contribution:
    code: str
    dimension: str
    weight: int
    value: int | None
    # Index points this criterion earned, and the most it could have earned; None when unscored.
    points: Decimal | None
    max_points: Decimal | None

    @property
    def is_scored(self) -> bool:
        return self.value is not None

    @property
    def counts_against(self) -> bool:
        return self.weight < 0


@dataclass(frozen=True)
class AccountResult:
    attractiveness: Decimal | None
    advantage: Decimal | None
    quadrant: str | None
    contributions: tuple[Contribution, ...]

    @property
    def scored_count(self) -> int:
        return sum(1 for c in self.contributions if c.is_scored)

    def contributions_for(self, dimension: str) -> list[Contribution]:
        return [c for c in self.contributions if c.dimension == dimension]


def _hundredths(numerator: int, denominator: int) -> Decimal:
    """numerator ÷ denominator (both ≥ 0) rounded half up to 0.01, in integers: exact, and
    far faster than Fraction or Decimal arithmetic when a whole portfolio is scored."""
    return Decimal((200 * numerator + denominator) // (2 * denominator)).scaleb(-2)


def normalised(value: int, scale_min: int, scale_max: int) -> Fraction:
    """Where value sits on its scale, 0 (min) to 1 (max)."""
    if scale_max <= scale_min:
        raise ValueError("scale_max must be greater than scale_min")
    if not scale_min <= value <= scale_max:
        raise ValueError(f"{value} is outside the scale {scale_min}–{scale_max}")
    return Fraction(value - scale_min, scale_max - scale_min)


def _earned_steps(spec: CriterionSpec, value: int) -> int:
    """|weight| × the steps up the scale that count (from the bottom for a positive weight, from
    the top for a negative one); divided by the scale's span, that is the criterion's points."""
    if spec.scale_max <= spec.scale_min:
        raise ValueError("scale_max must be greater than scale_min")
    if not spec.scale_min <= value <= spec.scale_max:
        raise ValueError(f"{value} is outside the scale {spec.scale_min}–{spec.scale_max}")
    steps = value - spec.scale_min if spec.weight >= 0 else spec.scale_max - value
    return abs(spec.weight) * steps


def _dimension_sums(criteria, values) -> tuple[int, int, int, list]:
    """(earned, common span, Σ|weight|, [(spec, value, earned steps)]) over the scored criteria,
    earned expressed over the scales' common span so the sum stays an exact integer."""
    scored = [(c, values[c.code]) for c in criteria if values.get(c.code) is not None]
    common_span = lcm(*(c.scale_max - c.scale_min for c, _value in scored))  # lcm() is 1
    parts = [(c, value, _earned_steps(c, value)) for c, value in scored]
    earned = sum(steps * (common_span // (c.scale_max - c.scale_min)) for c, _value, steps in parts)
    return earned, common_span, sum(abs(c.weight) for c, _value in scored), parts


def dimension_index(
    criteria: Sequence[CriterionSpec], values: Mapping[str, int | None]
) -> tuple[Decimal | None, list[Contribution]]:
    """One dimension's index (0–100, or None with nothing scored) and each criterion's points."""
    earned, common_span, denominator, parts = _dimension_sums(criteria, values)
    steps_by_code = {c.code: steps for c, _value, steps in parts}
    index = _hundredths(100 * earned, common_span * denominator) if denominator else None
    contributions = []
    for spec in criteria:
        value = values.get(spec.code)
        if value is None or not denominator:
            points = max_points = None
        else:
            span = spec.scale_max - spec.scale_min
            points = _hundredths(100 * steps_by_code[spec.code], span * denominator)
            max_points = _hundredths(100 * abs(spec.weight), denominator)
        contributions.append(
            Contribution(spec.code, spec.dimension, spec.weight, value, points, max_points)
        )
    return index, contributions


def quadrant(
    attractiveness: Decimal | None,
    advantage: Decimal | None,
    attractiveness_threshold: Decimal,
    advantage_threshold: Decimal,
) -> str | None:
    """An index at or above its threshold counts as high."""
    if attractiveness is None or advantage is None:
        return None
    high_attractiveness = attractiveness >= attractiveness_threshold
    high_advantage = advantage >= advantage_threshold
    if high_attractiveness:
        return KEY if high_advantage else DEVELOP
    return MAINTAIN if high_advantage else OPPORTUNISTIC


def score_account(
    criteria: Sequence[CriterionSpec],
    values: Mapping[str, int | None],
    attractiveness_threshold: Decimal,
    advantage_threshold: Decimal,
) -> AccountResult:
    indices = {}
    contributions: list[Contribution] = []
    for dimension in DIMENSIONS:
        index, parts = dimension_index([c for c in criteria if c.dimension == dimension], values)
        indices[dimension] = index
        contributions += parts
    return AccountResult(
        attractiveness=indices[ATTRACTIVENESS],
        advantage=indices[ADVANTAGE],
        quadrant=quadrant(
            indices[ATTRACTIVENESS],
            indices[ADVANTAGE],
            Decimal(attractiveness_threshold),
            Decimal(advantage_threshold),
        ),
        contributions=tuple(contributions),
    )


# --- Segments -------------------------------------------------------------------------------


def weighted_total(criteria: Sequence[CriterionSpec], values: Mapping[str, int | None]) -> int:
    """Σ weight × value over the scored criteria: the segment table's total (DESIGN.md §5)."""
    return sum(c.weight * values[c.code] for c in criteria if values.get(c.code) is not None)


@dataclass(frozen=True)
class RankedSegment:
    key: object
    total: int
    rank: int
    at_or_above_average: bool


def rank_segments(totals: Mapping[object, int]) -> tuple[list[RankedSegment], Fraction | None]:
    """Segments best first; equal totals share a rank (1, 2, 2, 4); and the average total."""
    if not totals:
        return [], None
    average = Fraction(sum(totals.values()), len(totals))
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    ranked = []
    for position, (key, total) in enumerate(ordered, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].total == total else position
        ranked.append(RankedSegment(key, total, rank, total >= average))
    return ranked, average


# --- Value scorecard ------------------------------------------------------------------------

POTENTIAL_A, POTENTIAL_B, POTENTIAL_C = "A", "B", "C"


def potential_class(current_purchases: int | None, purchase_capacity: int | None) -> str | None:
    """A / B / C from X (current purchases, 0–4) and Y (total purchase capacity, 0–4).

    A: a large capacity (Y ≥ 3) with at least two steps still to win (Y − X ≥ 2).
    C: nothing left to win (X ≥ Y) or a small buyer (Y ≤ 1): maybe not a key account.
    B: everything between."""
    if current_purchases is None or purchase_capacity is None:
        return None
    for value in (current_purchases, purchase_capacity):
        if not 0 <= value <= 4:
            raise ValueError("X and Y are on a 0–4 scale")
    headroom = purchase_capacity - current_purchases
    if headroom <= 0 or purchase_capacity <= 1:
        return POTENTIAL_C
    if purchase_capacity >= 3 and headroom >= 2:
        return POTENTIAL_A
    return POTENTIAL_B


def average_annual_sales(revenue: Decimal, years_traded: Fraction | Decimal | int) -> Decimal:
    """Revenue over the years traded (at least one: a new customer's first months count as a
    year, not as an annual rate extrapolated from a few orders)."""
    years = max(Fraction(years_traded), Fraction(1))
    return (Decimal(revenue) * years.denominator / years.numerator).quantize(TWO_PLACES)


def lifetime_value(annual_sales: Decimal, expected_years: int | None) -> Decimal | None:
    if expected_years is None:
        return None
    return (Decimal(annual_sales) * expected_years).quantize(TWO_PLACES)


def achievement(target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """Actual as a percentage of target (None when either is missing or the target is zero)."""
    if target is None or actual is None or target == 0:
        return None
    return (Decimal(actual) * 100 / Decimal(target)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Tiers ----------------------------------------------------------------------------------

BY_THRESHOLD = "threshold"
BY_PERCENTILE = "percentile"


@dataclass(frozen=True)
class TierBand:
    tier_id: int
    rank: int  # 1 = most valuable
    min_value: Decimal | None = None  # threshold method: at least this much
    top_percent: Decimal | None = None  # percentile method: within the top this-many percent


def assign_tier(
    value: Decimal | None, top_share: Decimal | None, bands: Iterable[TierBand], method: str
) -> int | None:
    """The most valuable tier whose condition the account meets; the least valuable tier takes
    the rest. `top_share` is the account's position in the portfolio by value, as a percentage
    (the best account of 200 is at 0.5). Accounts with no value at all always take the last
    tier: ranking a tie of zeros would put some of them in the middle of the pyramid."""
    ordered = sorted(bands, key=lambda band: band.rank)
    if not ordered:
        return None
    if value is None or value <= 0:
        return ordered[-1].tier_id
    for band in ordered[:-1]:
        if method == BY_THRESHOLD and band.min_value is not None and value >= band.min_value:
            return band.tier_id
        if (
            method == BY_PERCENTILE
            and band.top_percent is not None
            and top_share is not None
            and top_share <= band.top_percent
        ):
            return band.tier_id
    return ordered[-1].tier_id


def top_share(position: int, portfolio_size: int) -> Decimal:
    """Position (1 = largest) as a percentage of the portfolio."""
    return Decimal(position) * 100 / Decimal(portfolio_size)


# --- Criteria versions ----------------------------------------------------------------------


def carry_values(
    criteria: Sequence[CriterionSpec], values: Mapping[str, int | None]
) -> dict[str, int | None]:
    """Values scored under one criteria version, moved onto another by criterion code. A value
    that no longer fits its criterion's (changed) scale is dropped to unscored rather than
    clamped: the rater scored against a different yardstick, and a guessed value would move the
    account in the matrix for no reason anyone could explain."""
    carried: dict[str, int | None] = {}
    for spec in criteria:
        value = values.get(spec.code)
        fits = value is not None and spec.scale_min <= value <= spec.scale_max
        carried[spec.code] = value if fits else None
    return carried


# --- Value scorecard page -------------------------------------------------------------------

# Average annual sales are taken over the years traded, at most the last three: recent enough to
# describe the account as it is, long enough to smooth one unusual year.
LIFETIME_WINDOW_YEARS = 3

MET, BEHIND, NO_TARGET, NO_ACTUAL = "met", "behind", "no_target", "no_actual"


def years_traded(first_order, today, cap: int = LIFETIME_WINDOW_YEARS) -> Fraction:
    """Years from the first order to today (days ÷ 365), at most `cap`; zero without orders."""
    if first_order is None:
        return Fraction(0)
    return min(Fraction(max((today - first_order).days, 0), 365), Fraction(cap))


def share_of_wallet(current_purchases: int | None, purchase_capacity: int | None) -> Decimal | None:
    """X as a percentage of Y (both 0–4); None when unknown or when there is no capacity."""
    if current_purchases is None or not purchase_capacity:
        return None
    return (Decimal(current_purchases) * 100 / Decimal(purchase_capacity)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )


def target_status(target: Decimal | None, actual: Decimal | None) -> str:
    """Met when the actual reaches the target (every scorecard indicator is higher-is-better)."""
    if target is None:
        return NO_TARGET
    if actual is None:
        return NO_ACTUAL
    return MET if Decimal(actual) >= Decimal(target) else BEHIND


@dataclass(frozen=True)
class Placement:
    attractiveness: Decimal | None
    advantage: Decimal | None
    quadrant: str | None


def place_account(
    criteria: Sequence[CriterionSpec],
    values: Mapping[str, int | None],
    attractiveness_threshold: Decimal,
    advantage_threshold: Decimal,
) -> Placement:
    """score_account's indices and quadrant without the per-criterion contributions (the same
    sums, rounded once per dimension), for placing a whole portfolio at once in a preview."""
    index = {}
    for dimension in DIMENSIONS:
        earned, common_span, denominator, _parts = _dimension_sums(
            [c for c in criteria if c.dimension == dimension], values
        )
        index[dimension] = (
            _hundredths(100 * earned, common_span * denominator) if denominator else None
        )
    return Placement(
        index[ATTRACTIVENESS],
        index[ADVANTAGE],
        quadrant(
            index[ATTRACTIVENESS],
            index[ADVANTAGE],
            Decimal(attractiveness_threshold),
            Decimal(advantage_threshold),
        ),
    )


# --- Satisfaction surveys -------------------------------------------------------------------
#
# Each indicator is answered for importance I and performance P on 1–5. The satisfaction index
# is importance-weighted performance put on 0–100: 100 × Σ I·(P − 1) / (4 · Σ I). Performance 1
# counts as 0 and 5 as 100, so the index spans the whole range (all 3s give 50); the more
# important an indicator, the more its performance moves the index.

SURVEY_MIN, SURVEY_MAX = 1, 5
# An importance or performance above the middle of the scale is high (3 is neither: low).
SURVEY_MIDPOINT = 3

# The importance–performance quadrants.
CONCENTRATE = "concentrate"  # important, performing poorly: concentrate here
KEEP_UP = "keep_up"  # important, performing well: keep up the good work
LOW_PRIORITY = "low_priority"  # unimportant, performing poorly: low priority
OVERKILL = "overkill"  # unimportant, performing well: possible overkill
IP_QUADRANTS = (CONCENTRATE, KEEP_UP, LOW_PRIORITY, OVERKILL)


def satisfaction_index(answers: Iterable[tuple[int, int]]) -> Decimal | None:
    """The index (0–100, to 0.01) of (importance, performance) pairs; None without answers."""
    weighted = total = 0
    for importance, performance in answers:
        for value in (importance, performance):
            if not SURVEY_MIN <= value <= SURVEY_MAX:
                raise ValueError(f"{value} is outside the scale {SURVEY_MIN}–{SURVEY_MAX}")
        weighted += importance * (performance - SURVEY_MIN)
        total += importance
    if total == 0:
        return None
    return _hundredths(100 * weighted, total * (SURVEY_MAX - SURVEY_MIN))


def survey_gap(importance, performance):
    """Performance minus importance: below zero, the customer gets less than the indicator
    matters to them."""
    return performance - importance


def importance_performance_quadrant(importance, performance) -> str:
    important = importance > SURVEY_MIDPOINT
    performing = performance > SURVEY_MIDPOINT
    if important:
        return KEEP_UP if performing else CONCENTRATE
    return OVERKILL if performing else LOW_PRIORITY


# --- Churn risk -----------------------------------------------------------------------------
#
# Each factor turns one measure x of the account into points: nothing at `start`, its full weight
# at `full`, a straight line between, clamped (start above full: a falling measure is the risk).
# The score is the sum of the factors' whole points, capped at 100, so the explanation adds up.
# Everything is integer arithmetic (a whole portfolio is scored each night).

RISK_LOW, RISK_MEDIUM, RISK_HIGH = "low", "medium", "high"

CONTACT_RECENCY = "contact_recency"  # days since the last visit ÷ the tier's cadence
SATISFACTION_LEVEL = "satisfaction_level"  # satisfaction index over the window
SATISFACTION_TREND = "satisfaction_trend"  # change of that index against the window before
REVENUE_TREND = "revenue_trend"  # % change of revenue, last `days` vs the `days` before
OVERDUE_RECEIVABLES = "overdue_receivables"  # overdue > `days` as % of 12-month revenue
COMPLAINTS_PAST_DUE = "complaints_past_due"  # open complaints past their due date
COMPLAINT_SILENCE = "complaint_silence"  # complaints in the year before `days` of silence
SINGLE_THREADED = "single_threaded"  # our people with a relationship there
DECISION_MAKER = "decision_maker"  # decision makers opposed, or left within `days`
STAGE_REGRESSION = "stage_regression"  # moves down the relationship ladder within `days`
RISK_FACTORS = (
    CONTACT_RECENCY,
    SATISFACTION_LEVEL,
    SATISFACTION_TREND,
    REVENUE_TREND,
    OVERDUE_RECEIVABLES,
    COMPLAINTS_PAST_DUE,
    COMPLAINT_SILENCE,
    SINGLE_THREADED,
    DECISION_MAKER,
    STAGE_REGRESSION,
)
RISK_MAX = 100


@dataclass(frozen=True)
class FactorRule:
    code: str
    weight: int
    start: Decimal
    full: Decimal
    days: int | None = None

    @cached_property
    def cents(self) -> tuple[int, int]:
        """(start, full) in hundredths, converted once per run rather than once per account."""
        return _cents(self.start), _cents(self.full)


@dataclass(frozen=True)
class AccountMeasures:
    """What the records say about one account on the day of the calculation (money in yuan,
    as Decimal to 0.01). scoring.health.inputs reads them for a batch of accounts in SQL."""

    days_since_contact: int | None  # None: never visited
    cadence_days: int
    satisfaction: Decimal | None = None
    satisfaction_before: Decimal | None = None
    revenue_recent: Decimal = Decimal(0)
    revenue_before: Decimal = Decimal(0)
    revenue_12m: Decimal = Decimal(0)
    overdue_amount: Decimal = Decimal(0)
    oldest_overdue_days: int | None = None
    complaints_past_due: int = 0
    complaints_recent: int = 0  # within the silence window
    complaints_before: int = 0  # in the year before it
    covering_people: int = 0
    decision_makers_opposed: int = 0
    decision_makers_left: int = 0
    regressions: int = 0


def _cents(value) -> int:
    if type(value) is int:
        return 100 * value
    return int(Decimal(value).scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(TWO_PLACES))


def _ramp(weight: int, x: tuple[int, int], start_c: int, full_c: int) -> int:
    """weight × where x (numerator, positive denominator) lies from start to full (both in
    hundredths), clamped to 0–1, rounded half up to whole points."""
    x_num, x_den = x
    if start_c == full_c:
        raise ValueError("start and full must differ")
    # (x − start) / (full − start) with start and full in hundredths.
    num = 100 * x_num - start_c * x_den
    den = x_den * (full_c - start_c)
    if den < 0:
        num, den = -num, -den
    if num <= 0:
        return 0
    if num >= den:
        return weight
    return (2 * weight * num + den) // (2 * den)


def _percent_text(num: int, den: int) -> str:
    """num ÷ den as a percentage to one decimal place, half away from zero."""
    tenths = (2000 * abs(num) + den) // (2 * den)
    sign = "-" if num < 0 and tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _risk_measure(code: str, m: AccountMeasures, days: int | None):
    """(x as (numerator, denominator), facts) for one factor; x None earns nothing, the string
    "full" earns the full weight."""
    if code == CONTACT_RECENCY:
        facts = {"days": m.days_since_contact, "cadence": m.cadence_days}
        if m.days_since_contact is None:
            return "full", facts
        return (m.days_since_contact, max(1, m.cadence_days)), facts
    if code == SATISFACTION_LEVEL:
        if m.satisfaction is None:
            return None, {"satisfaction": None}
        return (_cents(m.satisfaction), 100), {"satisfaction": _money(m.satisfaction)}
    if code == SATISFACTION_TREND:
        facts = {
            "satisfaction": None if m.satisfaction is None else _money(m.satisfaction),
            "before": None if m.satisfaction_before is None else _money(m.satisfaction_before),
        }
        if m.satisfaction is None or m.satisfaction_before is None:
            return None, facts
        change = _cents(m.satisfaction) - _cents(m.satisfaction_before)
        facts["change"] = _money(Decimal(change).scaleb(-2))
        return (change, 100), facts
    if code == REVENUE_TREND:
        recent, before = _cents(m.revenue_recent), _cents(m.revenue_before)
        facts = {"recent": _money(m.revenue_recent), "before": _money(m.revenue_before)}
        facts["days"] = days
        if before <= 0:
            return None, facts
        facts["change_percent"] = _percent_text(recent - before, before)
        return (100 * (recent - before), before), facts
    if code == OVERDUE_RECEIVABLES:
        overdue, revenue = _cents(m.overdue_amount), _cents(m.revenue_12m)
        facts = {
            "overdue": _money(m.overdue_amount),
            "oldest_days": m.oldest_overdue_days,
            "grace_days": days,
        }
        if overdue <= 0:
            return (0, 1), facts
        if revenue <= 0:
            facts["share_percent"] = None
            return "full", facts
        facts["share_percent"] = _percent_text(overdue, revenue)
        return (100 * overdue, revenue), facts
    if code == COMPLAINTS_PAST_DUE:
        return (m.complaints_past_due, 1), {"count": m.complaints_past_due}
    if code == COMPLAINT_SILENCE:
        facts = {"before": m.complaints_before, "recent": m.complaints_recent, "days": days}
        return (0 if m.complaints_recent else m.complaints_before, 1), facts
    if code == SINGLE_THREADED:
        return (m.covering_people, 1), {"people": m.covering_people}
    if code == DECISION_MAKER:
        facts = {"opposed": m.decision_makers_opposed, "left": m.decision_makers_left}
        facts["days"] = days
        return (m.decision_makers_opposed + m.decision_makers_left, 1), facts
    if code == STAGE_REGRESSION:
        return (m.regressions, 1), {"count": m.regressions, "days": days}
    raise ValueError(f"unknown risk factor {code!r}")


def _points(rule: FactorRule, x) -> int:
    if x is None or rule.weight == 0:
        return 0
    if x == "full":
        return rule.weight
    return _ramp(rule.weight, x, *rule.cents)


def risk_score_json(measures: AccountMeasures, rules: Sequence[FactorRule]) -> tuple[int, list]:
    """The churn-risk score (the factors' points summed, capped at RISK_MAX) and one JSON-safe
    dict per rule, in the rules' order: {"code", "points", "weight", **the facts behind them},
    what AccountHealth.factors stores and scoring.health.explain puts into words."""
    factors = []
    total = 0
    for rule in rules:
        x, facts = _risk_measure(rule.code, measures, rule.days)
        points = _points(rule, x)
        total += points
        facts["code"], facts["points"], facts["weight"] = rule.code, points, rule.weight
        factors.append(facts)
    return min(RISK_MAX, total), factors


def risk_level(score: int, medium_from: int, high_from: int) -> str:
    if score >= high_from:
        return RISK_HIGH
    if score >= medium_from:
        return RISK_MEDIUM
    return RISK_LOW


# --- Portfolio dashboard ----------------------------------------------------------------------

ONE_PLACE = Decimal("0.1")


def percent(part, whole) -> Decimal | None:
    """part as a percentage of whole, to one place (half up); None when whole is not positive."""
    part, whole = Decimal(part), Decimal(whole)
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent_change(now, before) -> Decimal | None:
    """How much `now` moved from `before`, in per cent of `before` (None without a base)."""
    now, before = Decimal(now), Decimal(before)
    if before <= 0:
        return None
    return ((now - before) * 100 / before).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
