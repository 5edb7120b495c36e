"""`manage.py seed_demo`: the scoring side of the demo — assessments, scorecards, segments.

The tests only read, so one seed serves the class; the other tests seed their own."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import override_settings

from accounts.models import Account, Category
from scoring import defaults, engine
from scoring import demo as scoring_demo
from scoring.criteria.queries import published_set
from scoring.models import (
    Assessment,
    CriteriaSet,
    CriterionScore,
    Segment,
    SegmentScore,
    SetKind,
    TierRule,
    ValueScorecard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo_site():
    """seed_demo runs only on a demo or development site (KAM_DEMO_MODE or DEBUG)."""
    with override_settings(KAM_DEMO_MODE=True):
        yield


ACCOUNTS = 60


def _reset():
    from accounts.demo import delete_demo_data

    delete_demo_data()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = StringIO()
        call_command("seed_demo", "--accounts", str(ACCOUNTS), stdout=output)
        yield output.getvalue()
        _reset()


def _fingerprint():
    """What the scoring step made, by account external ID (ids change between runs)."""
    assessments = sorted(
        Assessment.objects.values_list(
            "account__external_id",
            "scored_at",
            "scored_by__username",
            "attractiveness",
            "advantage",
            "quadrant",
            "is_current",
        )
    )
    scores = sorted(
        CriterionScore.objects.values_list(
            "assessment__account__external_id",
            "assessment__scored_at",
            "criterion__code",
            "value",
        ),
        key=repr,
    )
    cards = sorted(
        ValueScorecard.objects.values_list(
            "account__external_id",
            "current_purchases",
            "purchase_capacity",
            "potential_class",
            "is_vip",
            "vip_reason",
            "revenue_target",
        )
    )
    return assessments, scores, cards


@pytest.mark.usefixtures("seeded")
class TestSeededScoring:
    def test_every_account_has_one_current_assessment_under_the_published_set(self):
        account_set = published_set(SetKind.ACCOUNT)
        current = Assessment.objects.filter(is_current=True)

        assert Account.objects.count() == ACCOUNTS
        assert current.count() == ACCOUNTS
        assert not current.exclude(criteria_set=account_set).exists()
        assert not current.filter(quadrant="").exists()
        criteria = account_set.criteria.count()
        per_assessment = Assessment.objects.annotate(n=Count("scores")).values_list("n", flat=True)
        assert set(per_assessment) == {criteria}

    def test_scores_are_within_scale_and_about_one_in_twenty_unscored(self):
        scores = CriterionScore.objects.filter(assessment__is_current=True)
        unscored = scores.filter(value=None).count() / scores.count()

        assert 0.01 < unscored < 0.1
        assert not scores.filter(
            Q(value__lt=0) | Q(value__gt=10) | Q(criterion__scale_max__lt=10)
        ).exists()

    def test_stored_indices_are_the_engines_for_the_stored_values(self):
        account_set = published_set(SetKind.ACCOUNT)
        specs = [criterion.spec for criterion in account_set.criteria.all()]
        for assessment in Assessment.objects.filter(is_current=True).prefetch_related(
            "scores__criterion"
        )[:10]:
            values = {score.criterion.code: score.value for score in assessment.scores.all()}
            result = engine.score_account(
                specs,
                values,
                account_set.attractiveness_threshold,
                account_set.advantage_threshold,
            )
            assert (assessment.attractiveness, assessment.advantage) == (
                result.attractiveness,
                result.advantage,
            )
            assert assessment.quadrant == result.quadrant

    def test_key_accounts_mostly_land_in_the_key_quadrant_with_exceptions_both_ways(self):
        current = Assessment.objects.filter(is_current=True)
        key = current.filter(account__category=Category.KEY)
        key_in_key = key.filter(quadrant=engine.KEY).count()
        others_in_key = current.exclude(account__category=Category.KEY).filter(quadrant=engine.KEY)

        assert key_in_key >= 0.7 * key.count()
        assert key.exclude(quadrant=engine.KEY).exists(), "a key account outside the quadrant"
        assert others_in_key.exists(), "an account to promote"
        assert others_in_key.count() <= 0.06 * current.count()

    def test_big_profitable_accounts_score_higher_on_attractiveness(self):
        current = Assessment.objects.filter(is_current=True).order_by("account__annual_revenue")
        indices = [float(value) for value in current.values_list("attractiveness", flat=True)]
        third = len(indices) // 3

        assert sum(indices[-third:]) / third > sum(indices[:third]) / third + 10

    def test_the_demo_managers_accounts_have_older_assessments_under_the_same_version(self):
        older = Assessment.objects.filter(is_current=False)
        owners = set(older.values_list("account__owner__username", flat=True))
        per_account = Counter(older.values_list("account_id", flat=True))

        assert owners <= {"manager", "manager2"} and "manager" in owners
        assert set(per_account.values()) <= {2, 3}
        for account_id in per_account:
            dates = list(
                Assessment.objects.filter(account_id=account_id)
                .order_by("scored_at")
                .values_list("is_current", "criteria_set_id")
            )
            assert [current for current, _ in dates] == [False] * (len(dates) - 1) + [True]
            assert len({set_id for _, set_id in dates}) == 1

    def test_assessments_were_scored_by_the_owner_after_the_set_was_published(self):
        account_set = published_set(SetKind.ACCOUNT)
        owned = Assessment.objects.filter(account__owner__isnull=False)

        assert not owned.exclude(scored_by=F("account__owner")).exists()
        assert not Assessment.objects.filter(scored_at__lt=account_set.published_at).exists()

    def test_scorecards_for_most_key_and_target_accounts_with_their_potential_class(self):
        cards = ValueScorecard.objects.select_related("account")
        key = Account.objects.filter(category=Category.KEY)

        assert cards.filter(account__category=Category.KEY).count() >= 0.7 * key.count()
        assert not cards.exclude(account__category__in=(Category.KEY, Category.TARGET)).exists()
        for card in cards:
            expected = engine.potential_class(card.current_purchases, card.purchase_capacity)
            assert card.potential_class == expected
        vips = cards.filter(is_vip=True)
        assert vips.exists()
        for card in vips:
            assert card.vip_reason
            assert card.vip_reason.isascii() == card.account.name.isascii()

    def test_the_reference_segments_score_exactly_as_in_the_design(self):
        segment_set = published_set(SetKind.SEGMENT)
        specs = [criterion.spec for criterion in segment_set.criteria.all()]
        totals = {}
        for segment in Segment.objects.all():
            values = dict(
                SegmentScore.objects.filter(
                    segment=segment, criterion__criteria_set=segment_set
                ).values_list("criterion__code", "value")
            )
            totals[segment.name] = engine.weighted_total(specs, values)

        assert {"Government": 42, "Education": 32, "Finance": 28}.items() <= totals.items()
        assert len(totals) == len(defaults.REFERENCE_SEGMENTS) + 5
        ranked, _average = engine.rank_segments(totals)
        assert ranked[0].key == "Government"

    def test_it_reports_what_it_loaded(self, seeded):
        assert re.search(
            r"scores, scorecards and segments: \d+ assessments, [\d,]+ criterion scores, "
            r"\d+ scorecards, 8 segments, 64 segment scores",
            seeded,
        )


def test_the_same_seed_gives_the_same_scoring_data():
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())
    first = _fingerprint()
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())

    assert all(first)
    assert _fingerprint() == first


def test_reset_removes_the_demo_rows_and_keeps_the_configuration():
    call_command("seed_demo", "--accounts", "40", stdout=StringIO())
    sets = list(CriteriaSet.objects.values_list("pk", "status"))
    rules = TierRule.objects.count()

    scoring_demo.delete_demo_data()

    assert not Assessment.objects.exists()
    assert not CriterionScore.objects.exists()
    assert not ValueScorecard.objects.exists()
    assert not SegmentScore.objects.exists() and not Segment.objects.exists()
    assert not Segment.history.exists() and not ValueScorecard.history.exists()
    assert list(CriteriaSet.objects.values_list("pk", "status")) == sets
    assert TierRule.objects.count() == rules

    call_command("seed_demo", "--accounts", "40", "--reset", stdout=StringIO())
    assert Assessment.objects.filter(is_current=True).count() == 40
    assert Segment.objects.count() == 8


def test_it_recreates_the_shipped_sets_after_a_flush():
    CriteriaSet.objects.all().delete()

    call_command("seed_demo", "--accounts", "20", stdout=StringIO())

    account_set = published_set(SetKind.ACCOUNT)
    assert account_set.criteria.count() == len(defaults.ACCOUNT_CRITERIA)
    assert Assessment.objects.filter(criteria_set=account_set, is_current=True).count() == 20
    assert published_set(SetKind.SEGMENT).criteria.count() == len(defaults.SEGMENT_CRITERIA)
    government = SegmentScore.objects.filter(segment__name="Government")
    assert list(government.order_by("criterion__position").values_list("value", flat=True)) == [
        9,
        7,
        7,
        3,
        3,
        9,
        7,
        9,
    ]
