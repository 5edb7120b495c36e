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
QUADRANTS = (KEY, DEVELOP, MAINTAIN, OPPORTUNISTIC)

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
    common_span = lcm(*(c.scale_max - c.scale_min for c, _value in scored)) if scored else 1
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
