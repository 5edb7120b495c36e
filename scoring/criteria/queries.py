"""Read side of the criteria sets: the published set of a kind, a set with its criteria."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from scoring.models import CriteriaSet, Criterion, SetKind, SetStatus


def criteria_sets(kind: str = SetKind.ACCOUNT) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(kind=kind).select_related("created_by", "published_by")


def with_criteria(queryset: QuerySet[CriteriaSet]) -> QuerySet[CriteriaSet]:
    return queryset.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("dimension", "position", "pk"))
    )


def published_set(kind: str = SetKind.ACCOUNT) -> CriteriaSet | None:
    """The published set of a kind with its criteria (two queries), or None."""
    return with_criteria(criteria_sets(kind).filter(status=SetStatus.PUBLISHED)).first()


def draft_set(kind: str = SetKind.ACCOUNT) -> CriteriaSet | None:
    return with_criteria(criteria_sets(kind).filter(status=SetStatus.DRAFT)).first()


def get_set_or_404(pk, kind: str | None = None) -> CriteriaSet:
    sets = CriteriaSet.objects.all() if kind is None else criteria_sets(kind)
    try:
        return with_criteria(sets.select_related("created_by", "published_by")).get(pk=pk)
    except (CriteriaSet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
