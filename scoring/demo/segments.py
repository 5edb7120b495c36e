"""The segment scoring of the demo: the three segments of DESIGN.md §5 with exactly their scores,
and five more industries, under the published segment criteria set."""

from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.demo.context import DemoContext
from scoring import defaults
from scoring.demo import words
from scoring.models import CriteriaSet, Segment, SegmentScore


def segment_rows():
    """(name, Chinese name, industry, scores in SEGMENT_CRITERIA's order) of every demo segment."""
    yield from defaults.REFERENCE_SEGMENTS
    yield from words.MORE_SEGMENTS


def create_segments(context: DemoContext, criteria_set: CriteriaSet) -> dict[str, int]:
    codes = [row[0] for row in defaults.SEGMENT_CRITERIA]
    by_code = {criterion.code: criterion for criterion in criteria_set.criteria.all()}
    scorer = context.users.get("director") or context.users.get("admin")
    scored_at = datetime.combine(
        context.today - timedelta(days=40), time(15, 30), timezone.get_current_timezone()
    )
    rows = list(segment_rows())
    # Segments are not tied to accounts: a segment an admin added by hand under the same name
    # is kept and rescored rather than duplicated.
    existing = {
        segment.name: segment for segment in Segment.objects.filter(name__in=[r[0] for r in rows])
    }
    new = [
        Segment(
            name=name,
            name_zh_hans=name_zh,
            industry=industry,
            description=words.SEGMENT_DESCRIPTIONS.get(industry, ""),
        )
        for name, name_zh, industry, _ in rows
        if name not in existing
    ]
    Segment.objects.bulk_create(new)
    segments = existing | {segment.name: segment for segment in new}
    SegmentScore.objects.filter(
        segment__in=list(segments.values()), criterion__criteria_set=criteria_set
    ).delete()
    scores = [
        SegmentScore(
            segment=segments[name],
            criterion=by_code[code],
            value=value,
            scored_by=scorer,
            scored_at=scored_at,
        )
        for name, _, _, values in rows
        for code, value in zip(codes, values, strict=True)
        if code in by_code
    ]
    SegmentScore.objects.bulk_create(scores)
    # A segment's row_version covers its scores: an open scoring form of a rescored one is stale.
    Segment.objects.filter(pk__in=[s.pk for s in existing.values()]).update(
        row_version=F("row_version") + 1
    )
    return {"segments": len(segments), "segment scores": len(scores)}
