"""Read side of the criteria sets: the published set of a kind, a set with its criteria, the
editor's list and detail pages, and the preview of a draft against the published set."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from scoring import engine
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionScore,
    Dimension,
    Quadrant,
    SetKind,
    SetStatus,
)


def criteria_sets(kind: str = SetKind.ACCOUNT) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(kind=kind).select_related("created_by", "published_by")


def with_criteria(queryset: QuerySet[CriteriaSet]) -> QuerySet[CriteriaSet]:
    return queryset.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("dimension", "position", "pk"))
    )


def published_set(kind: str = SetKind.ACCOUNT) -> CriteriaSet | None:
    """The published set of a kind with its criteria (two queries), or None."""
    return with_criteria(criteria_sets(kind).filter(status=SetStatus.PUBLISHED)).first()


def current_values_by_account(account_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """Each account's values in its current assessment, by criterion code (for carrying scores
    over to a new criteria version, and for previews)."""
    scores = CriterionScore.objects.filter(assessment__is_current=True)
    if account_ids is not None:
        scores = scores.filter(assessment__account_id__in=list(account_ids))
    values: dict[int, dict] = {}
    for account_id, code, value in scores.values_list(
        "assessment__account_id", "criterion__code", "value"
    ).iterator(chunk_size=10000):
        values.setdefault(account_id, {})[code] = value
    return values


def get_set_or_404(pk, kind: str | None = None) -> CriteriaSet:
    sets = CriteriaSet.objects.all() if kind is None else criteria_sets(kind)
    try:
        return with_criteria(sets.select_related("created_by", "published_by")).get(pk=pk)
    except (CriteriaSet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- The criteria editor --------------------------------------------------------------------


def set_list() -> QuerySet[CriteriaSet]:
    """Every version of every kind, newest first, with its criteria count and how many accounts'
    current scores were computed under it (one query)."""
    criteria_count = (
        Criterion.objects.filter(criteria_set=OuterRef("pk"))
        .order_by()
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    scored_count = (
        Assessment.objects.filter(criteria_set=OuterRef("pk"), is_current=True)
        .order_by()
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        CriteriaSet.objects.select_related("created_by", "published_by", "based_on")
        .annotate(
            criteria_count=Coalesce(Subquery(criteria_count), 0),
            scored_count=Coalesce(Subquery(scored_count), 0),
        )
        .order_by("kind", "-version")
    )


@dataclass(frozen=True)
class KindSets:
    kind: str
    label: str
    sets: list[CriteriaSet]

    @property
    def draft(self) -> CriteriaSet | None:
        return next((s for s in self.sets if s.is_draft), None)

    @property
    def published(self) -> CriteriaSet | None:
        return next((s for s in self.sets if s.is_published), None)


def sets_by_kind() -> list[KindSets]:
    rows = list(set_list())
    return [
        KindSets(kind, label, [s for s in rows if s.kind == kind])
        for kind, label in SetKind.choices
    ]


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    # The most index points this criterion can earn when every criterion of its dimension is
    # scored: its share of the dimension's index.
    share: Decimal | None


@dataclass(frozen=True)
class DimensionGroup:
    dimension: str
    label: str
    rows: list[CriterionRow]


def dimension_groups(criteria_set: CriteriaSet) -> list[DimensionGroup]:
    """The set's criteria (prefetched by get_set_or_404) grouped by dimension, in order."""
    criteria = list(criteria_set.criteria.all())
    groups = []
    for dimension, label in Dimension.choices:
        members = [c for c in criteria if c.dimension == dimension]
        total = sum(abs(c.weight) for c in members)
        rows = [
            CriterionRow(
                c,
                (Decimal(100 * abs(c.weight)) / total).quantize(Decimal("0.1")) if total else None,
            )
            for c in members
        ]
        if rows or criteria_set.kind == SetKind.ACCOUNT:
            groups.append(DimensionGroup(dimension, label, rows))
    return groups


def get_criterion_or_404(criteria_set: CriteriaSet, pk) -> Criterion:
    for criterion in criteria_set.criteria.all():
        if criterion.pk == pk:
            criterion.criteria_set = criteria_set
            return criterion
    raise Http404


def next_position(criteria_set: CriteriaSet) -> int:
    return max((c.position for c in criteria_set.criteria.all()), default=0) + 1


# --- What changed against the published set ---------------------------------------------------

CHANGE_FIELDS = ("dimension", "weight", "scale_min", "scale_max", "name", "name_zh_hans")


@dataclass(frozen=True)
class CriterionChange:
    code: str
    kind: str  # added | removed | changed
    old: Criterion | None
    new: Criterion | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetChanges:
    criteria: list[CriterionChange]
    thresholds: list[tuple[str, Decimal, Decimal]]  # (field, old, new)

    def __bool__(self) -> bool:
        return bool(self.criteria or self.thresholds)


def set_changes(new: CriteriaSet, old: CriteriaSet | None) -> SetChanges:
    """What a draft changes against the set it replaces, by criterion code (both prefetched)."""
    if old is None:
        return SetChanges([], [])
    old_by_code = {c.code: c for c in old.criteria.all()}
    new_by_code = {c.code: c for c in new.criteria.all()}
    changes = []
    for code, criterion in new_by_code.items():
        before = old_by_code.get(code)
        if before is None:
            changes.append(CriterionChange(code, "added", None, criterion))
            continue
        fields = tuple(f for f in CHANGE_FIELDS if getattr(before, f) != getattr(criterion, f))
        if fields:
            changes.append(CriterionChange(code, "changed", before, criterion, fields))
    changes += [
        CriterionChange(code, "removed", criterion, None)
        for code, criterion in old_by_code.items()
        if code not in new_by_code
    ]
    thresholds = [
        (field, getattr(old, field), getattr(new, field))
        for field in ("attractiveness_threshold", "advantage_threshold")
        if getattr(old, field) != getattr(new, field)
    ]
    return SetChanges(changes, thresholds)


# --- Preview of a draft -----------------------------------------------------------------------

PREVIEW_LIST_CAP = 50


@dataclass(frozen=True)
class AccountMove:
    """An account that changes quadrant, with its indices before (under the published set) and
    after (under the draft)."""

    account_id: int
    name: str
    before: engine.Placement
    after: engine.Placement

    @property
    def before_label(self) -> str:
        return _quadrant_label(self.before.quadrant)

    @property
    def after_label(self) -> str:
        return _quadrant_label(self.after.quadrant)


def _quadrant_label(quadrant: str | None) -> str:
    return Quadrant(quadrant).label if quadrant else _("not placed")


@dataclass(frozen=True)
class QuadrantCell:
    quadrant: str
    label: str
    published: int
    draft: int

    @property
    def difference(self) -> int:
        return self.draft - self.published


@dataclass(frozen=True)
class DraftPreview:
    cells: dict[str, QuadrantCell]  # by quadrant
    # Scored accounts one of the sets cannot place (a dimension with nothing scored).
    unplaced_published: int
    unplaced_draft: int
    scored_accounts: int
    unscored_accounts: int  # accounts with no assessment at all: not counted above
    changed_quadrant: int  # accounts whose quadrant differs between the two sets
    entering: list[AccountMove]
    entering_total: int
    leaving: list[AccountMove]
    leaving_total: int
    # Every other account that changes quadrant (develop ↔ maintain, or placed ↔ not placed…),
    # so that together the three lists name every account the count above counts.
    others: list[AccountMove]
    others_total: int

    @property
    def rows(self) -> list[list[QuadrantCell]]:
        """The 2×2 as drawn: high attractiveness on top, high advantage on the right."""
        c = self.cells
        return [
            [c[engine.DEVELOP], c[engine.KEY]],
            [c[engine.OPPORTUNISTIC], c[engine.MAINTAIN]],
        ]

    @property
    def entering_more(self) -> int:
        return self.entering_total - len(self.entering)

    @property
    def leaving_more(self) -> int:
        return self.leaving_total - len(self.leaving)

    @property
    def others_more(self) -> int:
        return self.others_total - len(self.others)


def _placements(criteria_set: CriteriaSet, values_by_account) -> dict[int, engine.Placement]:
    specs = [c.spec for c in criteria_set.criteria.all()]
    attractiveness = Decimal(criteria_set.attractiveness_threshold)
    advantage = Decimal(criteria_set.advantage_threshold)
    return {
        account_id: engine.place_account(
            specs, engine.carry_values(specs, values), attractiveness, advantage
        )
        for account_id, values in values_by_account.items()
    }


def _published_placements(
    published: CriteriaSet | None, values_by_account
) -> dict[int, engine.Placement]:
    """Where each account stands now under the published set: the stored result where it was
    scored under that set (the engine computed it), recomputed where it is still on an older
    version."""
    if published is None:
        return {}
    stored = {
        account_id: engine.Placement(attractiveness, advantage, quadrant or None)
        for account_id, attractiveness, advantage, quadrant in Assessment.objects.filter(
            is_current=True, criteria_set=published
        ).values_list("account_id", "attractiveness", "advantage", "quadrant")
    }
    older = {pk: v for pk, v in values_by_account.items() if pk not in stored}
    return stored | _placements(published, older)


def _moves(account_ids: set[int], before, after) -> list[AccountMove]:
    if not account_ids:
        return []
    names = (
        Account.objects.filter(pk__in=account_ids)
        .order_by("name", "pk")
        .values_list("pk", "name")[:PREVIEW_LIST_CAP]
    )
    return [AccountMove(pk, name, before[pk], after[pk]) for pk, name in names]


def preview_draft(draft: CriteriaSet, published: CriteriaSet | None) -> DraftPreview:
    """Where every scored account would land under the draft compared with the published set,
    both computed by the engine from the account's current values carried over by code (a value
    outside a changed scale counts as unscored). A handful of queries whatever the portfolio
    size; both sets come with their criteria prefetched."""
    values = current_values_by_account()
    before = _published_placements(published, values)
    after = _placements(draft, values)
    empty = engine.Placement(None, None, None)
    count_before = Counter(before.get(pk, empty).quadrant for pk in values)
    count_after = Counter(after[pk].quadrant for pk in values)
    cells = {
        quadrant: QuadrantCell(quadrant, label, count_before[quadrant], count_after[quadrant])
        for quadrant, label in Quadrant.choices
    }
    entering = {
        pk
        for pk in values
        if after[pk].quadrant == engine.KEY and before.get(pk, empty).quadrant != engine.KEY
    }
    leaving = {
        pk
        for pk in values
        if before.get(pk, empty).quadrant == engine.KEY and after[pk].quadrant != engine.KEY
    }
    others = {
        pk
        for pk in values
        if before.get(pk, empty).quadrant != after[pk].quadrant and pk not in entering | leaving
    }
    before_or_empty = {pk: before.get(pk, empty) for pk in entering | leaving | others}
    return DraftPreview(
        cells=cells,
        unplaced_published=count_before[None],
        unplaced_draft=count_after[None],
        scored_accounts=len(values),
        unscored_accounts=Account.objects.count() - len(values),
        changed_quadrant=len(entering) + len(leaving) + len(others),
        entering=_moves(entering, before_or_empty, after),
        entering_total=len(entering),
        leaving=_moves(leaving, before_or_empty, after),
        leaving_total=len(leaving),
        others=_moves(others, before_or_empty, after),
        others_total=len(others),
    )
