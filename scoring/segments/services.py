"""Write side of segment scoring: segments and their scores against the published segment
criteria set. Only admins reach these (the views check); the rules hold whatever calls them.

A segment's row_version covers its scores too: each change names the version its form was loaded
at and is refused with EditConflict if someone changed the segment or its scores since."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import claim
from scoring.assessments.services import validate_values
from scoring.models import CriteriaSet, Segment, SegmentScore
from scoring.segments.queries import segment_values

SEGMENT_FIELDS = ("name", "name_zh_hans", "industry", "description")


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


@transaction.atomic
def segment_save(
    *, actor, segment: Segment | None, fields: Mapping, expected_version: int | None = None
) -> Segment:
    """Add a segment (segment=None) or change one from a form loaded at `expected_version`
    (required for a change)."""
    access.require_admin(actor)
    unknown = set(fields) - set(SEGMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if segment is not None:
        claim(segment, expected_version=expected_version)
    segment = segment or Segment()
    for name, value in fields.items():
        setattr(segment, name, value)
    duplicate = Segment.objects.filter(name__iexact=segment.name).exclude(pk=segment.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("Another segment already has this name.")})
    try:
        with transaction.atomic():
            _with_history_user(segment, actor).save()
    except IntegrityError:  # two admins naming two segments alike at once
        raise ValidationError({"name": _("Another segment already has this name.")}) from None
    return segment


@transaction.atomic
def segment_delete(*, actor, segment: Segment, expected_version: int) -> None:
    """The segment and its scores go, as they were when the page was loaded; their history rows
    stay."""
    access.require_admin(actor)
    claim(segment, expected_version=expected_version)
    _with_history_user(segment, actor).delete()


@transaction.atomic
def segment_score(
    *,
    actor,
    segment: Segment,
    criteria_set: CriteriaSet,
    values_by_code: Mapping[str, int | None],
    expected_version: int,
) -> int:
    """Store the segment's scores for the set's criteria (None = not scored), from a form loaded
    at the segment's `expected_version`. Only the scores that changed are written, so "scored
    by" names whoever last changed each one. Raises a ValidationError keyed by criterion code for
    a value outside its scale. Returns how many scores changed."""
    access.require_admin(actor)
    claim(segment, expected_version=expected_version)
    criteria = list(criteria_set.criteria.all())
    validate_values(criteria, values_by_code)
    existing = {
        score.criterion_id: score
        for score in SegmentScore.objects.select_for_update().filter(
            segment=segment, criterion__in=criteria
        )
    }
    # Scores carried over from an older version by code: clearing one needs a row that says
    # "not scored" in this version, or the old score would keep showing.
    shown = segment_values(segment, criteria_set)
    now = timezone.now()
    changed = 0
    for criterion in criteria:
        value = values_by_code.get(criterion.code)
        score = existing.get(criterion.id)
        if score is None and value is None and shown.get(criterion.code) is None:
            continue
        if score is not None and score.value == value:
            continue
        score = score or SegmentScore(segment=segment, criterion=criterion)
        score.value, score.scored_by, score.scored_at = value, actor, now
        _with_history_user(score, actor).save()
        changed += 1
    # The claim moved the segment's version on; its history row says who, so that the next
    # stale form's conflict names them.
    segment._change_reason = "scores saved"
    _with_history_user(segment, actor).save(update_fields=["row_version"])
    return changed
