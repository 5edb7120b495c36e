"""Read side of the Scores tab: an account's assessments, each explained criterion by criterion.

Contributions are not stored: they are recomputed by scoring.engine from the stored values under
the criteria set the assessment was made with, so the explanation always matches the maths.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Window
from django.http import Http404

from scoring import engine
from scoring.assessments import charts
from scoring.models import (
    Assessment,
    AssessmentSource,
    CriteriaSet,
    CriterionScore,
    Dimension,
    Quadrant,
    SetKind,
    SetStatus,
)

HISTORY_LIMIT = 20

# An account classified one way whose scores put it in the opposite corner of the matrix.
DISAGREES_KEY_BUT_OPPORTUNISTIC = "key_but_opportunistic"
DISAGREES_KEY_QUADRANT_NOT_KEY = "key_quadrant_not_key"
# Accounts that could become key accounts. A lost account in the key quadrant is no
# disagreement: its loss record, not its category, says what to do about it.
NOT_YET_KEY = ("target", "normal")


def category_disagreement(category: str, quadrant: str) -> str | None:
    """The one rule for a category that disagrees with the quadrant (the matrix's exceptions
    list applies it in SQL with `disagreement_filter`)."""
    if category == "key" and quadrant == engine.OPPORTUNISTIC:
        return DISAGREES_KEY_BUT_OPPORTUNISTIC
    if category in NOT_YET_KEY and quadrant == engine.KEY:
        return DISAGREES_KEY_QUADRANT_NOT_KEY
    return None


def disagreement_filter() -> Q:
    """category_disagreement as a filter on accounts annotated with their `quadrant`."""
    return Q(category="key", quadrant=engine.OPPORTUNISTIC) | Q(
        category__in=NOT_YET_KEY, quadrant=engine.KEY
    )


@dataclass(frozen=True)
class ContributionRow:
    criterion: object  # the Criterion
    contribution: engine.Contribution
    bar: charts.Bar | None

    @property
    def abs_weight(self) -> int:
        return abs(self.contribution.weight)


@dataclass(frozen=True)
class DimensionPart:
    key: str
    label: str
    index: Decimal | None
    threshold: Decimal
    rows: tuple[ContributionRow, ...]
    scored_count: int

    @property
    def total_count(self) -> int:
        return len(self.rows)

    @property
    def is_high(self) -> bool:
        return self.index is not None and self.index >= self.threshold


@dataclass(frozen=True)
class Explanation:
    assessment: Assessment
    dimensions: tuple[DimensionPart, ...]
    matrix: charts.MiniMatrix

    @property
    def scored_count(self) -> int:
        return sum(part.scored_count for part in self.dimensions)

    @property
    def total_count(self) -> int:
        return sum(part.total_count for part in self.dimensions)


def explain(assessment: Assessment) -> Explanation:
    """Each criterion's share of the indices (one query: the scores with their criteria)."""
    criteria_set = assessment.criteria_set
    scores = list(
        CriterionScore.objects.filter(assessment=assessment)
        .select_related("criterion")
        .order_by("criterion__position", "criterion__pk")
    )
    criteria = [s.criterion for s in scores]
    result = engine.score_account(
        [c.spec for c in criteria],
        {s.criterion.code: s.value for s in scores},
        Decimal(criteria_set.attractiveness_threshold),
        Decimal(criteria_set.advantage_threshold),
    )
    by_code = {c.code: c for c in criteria}
    thresholds = {
        engine.ATTRACTIVENESS: Decimal(criteria_set.attractiveness_threshold),
        engine.ADVANTAGE: Decimal(criteria_set.advantage_threshold),
    }
    indices = {engine.ATTRACTIVENESS: result.attractiveness, engine.ADVANTAGE: result.advantage}
    parts = []
    for dimension in engine.DIMENSIONS:
        contributions = result.contributions_for(dimension)
        largest = max((c.max_points for c in contributions if c.max_points), default=None)
        rows = tuple(
            ContributionRow(
                by_code[c.code], c, charts.contribution_bar(c.points, c.max_points, largest)
            )
            for c in contributions
        )
        parts.append(
            DimensionPart(
                key=dimension,
                label=Dimension(dimension).label,
                index=indices[dimension],
                threshold=thresholds[dimension],
                rows=rows,
                scored_count=sum(1 for c in contributions if c.is_scored),
            )
        )
    return Explanation(
        assessment=assessment,
        dimensions=tuple(parts),
        matrix=charts.mini_matrix(
            assessment.attractiveness,
            assessment.advantage,
            thresholds[engine.ATTRACTIVENESS],
            thresholds[engine.ADVANTAGE],
            assessment.quadrant or None,
            dict(Quadrant.choices),
        ),
    )


@dataclass(frozen=True)
class HistoryRow:
    assessment: Assessment
    # Change of each index since the assessment before it (None for the oldest shown).
    attractiveness_change: Decimal | None
    advantage_change: Decimal | None


@dataclass(frozen=True)
class History:
    rows: tuple[HistoryRow, ...]
    total: int

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def current(self) -> Assessment | None:
        return next((row.assessment for row in self.rows if row.assessment.is_current), None)


def _change(newer, older):
    if newer is None or older is None:
        return None
    return newer - older


def _assessments(account):
    return account.assessments.select_related("criteria_set", "scored_by")


def history(account, limit: int = HISTORY_LIMIT) -> History:
    """The latest `limit` assessments, newest first, with how many there are in all (one query:
    the count is a window over the same rows, taken before the limit)."""
    # One row more than shown, so the last row shown still has its change.
    rows = list(_assessments(account).annotate(total=Window(Count("pk")))[: limit + 1])
    total = rows[0].total if rows else 0
    shown = []
    for position, assessment in enumerate(rows[:limit]):
        older = rows[position + 1] if position + 1 < len(rows) else None
        shown.append(
            HistoryRow(
                assessment,
                _change(assessment.attractiveness, older and older.attractiveness),
                _change(assessment.advantage, older and older.advantage),
            )
        )
    return History(rows=tuple(shown), total=total)


def current_assessment(account, scores_history: History) -> Assessment | None:
    """The account's current assessment: normally the newest, already in the history."""
    if scores_history.current is not None or not scores_history.total:
        return scores_history.current
    return _assessments(account).filter(is_current=True).first()


def assessment_values(assessment_id: int) -> dict[str, int | None]:
    """One assessment's values by criterion code."""
    return dict(
        CriterionScore.objects.filter(assessment_id=assessment_id).values_list(
            "criterion__code", "value"
        )
    )


def scoring_base(account) -> tuple[int, dict[str, int | None]]:
    """What a new scoring of the account starts from: the id of its current assessment (0 if it
    was never scored), which is the version the scoring form carries, and that assessment's
    values by criterion code. The values are read by that id, so they are never newer than the
    version (an assessment never changes once saved)."""
    current = (
        Assessment.objects.filter(account=account, is_current=True)
        .values_list("pk", flat=True)
        .first()
    )
    if current is None:
        return 0, {}
    return current, assessment_values(current)


def get_assessment_or_404(account, assessment_pk) -> Assessment:
    try:
        return _assessments(account).get(pk=assessment_pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def published_version() -> CriteriaSet | None:
    """The published account criteria set, without its criteria (for the "newer version"
    notice)."""
    return (
        CriteriaSet.objects.filter(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
        .only("pk", "kind", "version", "name", "name_zh_hans")
        .first()
    )


@dataclass(frozen=True)
class ScoresPage:
    assessment: Assessment | None
    explanation: Explanation | None
    history: History
    published: CriteriaSet | None
    disagreement: str | None

    @property
    def is_current(self) -> bool:
        return self.assessment is not None and self.assessment.is_current

    @property
    def newer_version(self) -> CriteriaSet | None:
        """The published set when the current assessment was made under an older one."""
        if not self.is_current or self.published is None:
            return None
        if self.published.version > self.assessment.criteria_set.version:
            return self.published
        return None

    @property
    def carried_over(self) -> bool:
        return (
            self.assessment is not None and self.assessment.source == AssessmentSource.CARRIED_OVER
        )


def scores_page(account, assessment: Assessment | None = None) -> ScoresPage:
    """The tab (the current assessment) or one past assessment, with the history beside it."""
    scores_history = history(account)
    if assessment is None:
        assessment = current_assessment(account, scores_history)
    disagreement = None
    if assessment is not None and assessment.is_current and assessment.quadrant:
        disagreement = category_disagreement(account.category, assessment.quadrant)
    return ScoresPage(
        assessment=assessment,
        explanation=explain(assessment) if assessment is not None else None,
        history=scores_history,
        published=published_version(),
        disagreement=disagreement,
    )
