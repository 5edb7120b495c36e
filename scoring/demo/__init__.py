"""Demo data for the scoring app: a current assessment of every account under the published
account criteria (a few of the demo managers' accounts with older ones as history), value
scorecards for most key and target accounts, the segment scoring of DESIGN.md §5 with five
more industries, and account health — satisfaction surveys, a history of health snapshots and
today's churn-risk recalculation (health.py). `manage.py seed_demo` runs `create_scoring` after
planning's step and `create_health` after it; `delete_demo_data` runs before accounts' own reset.

The criteria sets and tier rules are configuration, not demo data: the data migration ships them,
this step only recreates the shipped sets when they are missing (after a flush) and never deletes
them. The same seed gives the same data (on the same day). Bulk inserts, a batch of accounts at a
time, through scoring.assessments.services.accounts_assess; no history rows, like accounts' demo.
"""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from accounts.demo.context import DemoContext
from scoring import defaults
from scoring.criteria.queries import published_set
from scoring.demo.build import create_assessments
from scoring.demo.health import create_health
from scoring.demo.segments import create_segments
from scoring.models import (
    AccountHealth,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionScore,
    HealthRun,
    HealthSnapshot,
    Segment,
    SegmentScore,
    SetKind,
    SetStatus,
    Survey,
    SurveyAnswer,
    ValueScorecard,
)
from scoring.models.criteria import SHIPPED_NOTE
from scoring.tiers.services import tier_rules_apply

__all__ = ["create_health", "create_scoring", "delete_demo_data"]

SHIPPED = {
    SetKind.ACCOUNT: (
        "Key account selection criteria",
        "大客户选择标准",
        defaults.ACCOUNT_CRITERIA,
    ),
    SetKind.SEGMENT: ("Segment scoring criteria", "细分市场评分标准", defaults.SEGMENT_CRITERIA),
}


def shipped_set(kind: str, published_at) -> CriteriaSet:
    """The published set of a kind; when there is none (a flushed database), the shipped one,
    created the way migration 0002 does."""
    existing = published_set(kind)
    if existing is not None:
        return existing
    name, name_zh, definitions = SHIPPED[kind]
    last = CriteriaSet.objects.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0
    criteria_set = CriteriaSet.objects.create(
        kind=kind,
        version=last + 1,
        status=SetStatus.PUBLISHED,
        name=name,
        name_zh_hans=name_zh,
        change_note=SHIPPED_NOTE,
        created_at=published_at,
        published_at=published_at,
    )
    Criterion.objects.bulk_create(
        Criterion(criteria_set=criteria_set, **row) for row in defaults.criterion_rows(definitions)
    )
    return published_set(kind)


def _published_before(criteria_set: CriteriaSet, when) -> None:
    """The demo's oldest assessments are months old; a set published today would postdate them.
    Only the dates move, so the versions read in the order the scores were given."""
    if criteria_set.published_at is None or criteria_set.published_at > when:
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(
            published_at=when, created_at=min(criteria_set.created_at, when)
        )
        criteria_set.published_at = when


def create_scoring(context: DemoContext) -> dict[str, int]:
    """Assessments and scorecards of every account, then the segments. Needs the accounts,
    relationships and planning steps (scores follow the trading and relationship stages)."""
    # Before the oldest demo assessment (build.HISTORY_DAYS_BACK).
    published_at = datetime.combine(
        context.today - timedelta(days=400), time(9), timezone.get_current_timezone()
    )
    account_set = shipped_set(SetKind.ACCOUNT, published_at)
    segment_set = shipped_set(SetKind.SEGMENT, published_at)
    _published_before(account_set, published_at)
    _published_before(segment_set, published_at)
    counts = create_assessments(context, account_set)
    counts |= create_segments(context, segment_set)
    # The accounts step tiers customers by their size; the shipped tier rules look at what they
    # bought from us. Applying them keeps the demo consistent with the Tier rules page.
    applied = tier_rules_apply()
    counts["tier changes"] = applied["changed"]
    # Health last: contact recency is measured against the tier the rules just gave.
    return counts


def _tables() -> list[str]:
    """The scoring demo tables, what references another table first. Criteria sets, criteria,
    tier rules, survey indicators and the risk model are configuration and stay. The runs go
    too: they name accounts that are about to be deleted."""
    with_history = [Survey, SegmentScore, Segment, ValueScorecard]
    tables = [model.history.model._meta.db_table for model in with_history]
    health = (SurveyAnswer, HealthSnapshot, AccountHealth, HealthRun)
    tables += [model._meta.db_table for model in (*health, CriterionScore, Assessment)]
    tables += [model._meta.db_table for model in with_history]
    return tables


def delete_demo_data() -> None:
    """Empty the scoring tables that hold demo data. Plain DELETE statements, for the reason
    accounts.demo.delete_demo_data gives."""
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
