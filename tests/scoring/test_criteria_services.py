"""The criteria editor's write and read sides: a draft copied from the published set, publishing
(archive the old version, carry every account's scores over with indices recomputed) and the
preview of a draft on a hand-made portfolio whose quadrants are computed by hand.

The portfolio, scored with the shipped set (thresholds 50/50) through uniform values, so a value
of 8 on every criterion of a dimension gives an index of 80:

    account  attractiveness  advantage  published (50/50)  draft (70/40)
    A        80              80         key                key
    B        80              40         develop            key        → enters
    C        40              80         maintain           maintain
    D        20              20         opportunistic      opportunistic
    F        60              60         key                maintain   → leaves
    E        (never scored)                                           → left out
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring import engine
from scoring.assessments.services import scores_carry_over
from scoring.criteria import queries, services
from scoring.models import (
    Assessment,
    AssessmentSource,
    CriteriaSet,
    Criterion,
    Dimension,
    SegmentScore,
    SetKind,
    SetStatus,
)
from tests.factories import (
    AccountFactory,
    SegmentFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db

PORTFOLIO = {"A": (8, 8), "B": (8, 4), "C": (4, 8), "D": (2, 2), "F": (6, 6)}

DIGITAL = {
    "code": "digital_maturity",
    "dimension": Dimension.ATTRACTIVENESS,
    "name": "Digital maturity",
    "name_zh_hans": "数字化成熟度",
    "description": "",
    "description_zh_hans": "",
    "weight": 4,
    "scale_min": 0,
    "scale_max": 10,
    "low_means": "Paper and fax",
    "low_means_zh_hans": "",
    "high_means": "Fully digital",
    "high_means_zh_hans": "",
    "position": 20,
}


@pytest.fixture
def published():
    return shipped_criteria_set()


@pytest.fixture
def portfolio(published, owner):
    accounts = {}
    for name, (attractiveness, advantage) in PORTFOLIO.items():
        account = AccountFactory(name=f"Account {name}", owner=owner)
        score(account, uniform_values(published, attractiveness, advantage))
        accounts[name] = account
    accounts["E"] = AccountFactory(name="Account E", owner=owner)
    return accounts


def set_thresholds(draft, admin_user, attractiveness, advantage):
    draft = CriteriaSet.objects.get(pk=draft.pk)  # as a form loaded now
    fields = {name: getattr(draft, name) for name in services.SET_FIELDS}
    fields.update(attractiveness_threshold=attractiveness, advantage_threshold=advantage)
    return services.criteria_set_update(
        criteria_set=draft, actor=admin_user, expected_version=draft.row_version, fields=fields
    )


def publish(draft, admin_user):
    """Publish the draft from a page loaded now."""
    draft = CriteriaSet.objects.get(pk=draft.pk)
    return services.criteria_set_publish(
        criteria_set=draft,
        actor=admin_user,
        expected_version=draft.row_version,
        change_note="Reweighted.",
    )


def fresh(criteria_set):
    return queries.get_set_or_404(criteria_set.pk)


# --- Drafts -----------------------------------------------------------------------------------


def test_a_draft_copies_the_published_set_with_its_codes(published, admin_user):
    draft, created = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)

    assert created
    assert draft.status == SetStatus.DRAFT
    assert draft.version == published.version + 1
    assert draft.based_on == published
    assert draft.created_by == admin_user
    assert draft.attractiveness_threshold == published.attractiveness_threshold
    copied = {c.code: c for c in draft.criteria.all()}
    originals = {c.code: c for c in published.criteria.all()}
    assert copied.keys() == originals.keys()
    for code, original in originals.items():
        for field in services.CRITERION_FIELDS:
            assert getattr(copied[code], field) == getattr(original, field), (code, field)
    assert not {c.pk for c in copied.values()} & {c.pk for c in originals.values()}
    history = Criterion.history.filter(criteria_set_id=draft.pk)
    assert history.count() == len(copied)
    assert {h.history_user_id for h in history} == {admin_user.pk}


def test_only_one_draft_per_kind_starting_again_returns_it(published, admin_user):
    first, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    again, created = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    assert not created and again == first
    assert CriteriaSet.objects.filter(kind=SetKind.ACCOUNT, status=SetStatus.DRAFT).count() == 1


def test_a_draft_of_the_segment_criteria_is_separate(published, admin_user):
    segment_draft, created = services.criteria_draft_start(kind=SetKind.SEGMENT, actor=admin_user)
    assert created and segment_draft.kind == SetKind.SEGMENT
    assert {c.code for c in segment_draft.criteria.all()} >= {"market_size", "competition"}


def test_a_published_set_cannot_be_changed_by_the_services(published, admin_user):
    criterion = published.criteria.first()
    with pytest.raises(ValidationError):
        set_thresholds(published, admin_user, Decimal(10), Decimal(10))
    with pytest.raises(ValidationError):
        services.criterion_save(
            criteria_set=published,
            criterion=criterion,
            actor=admin_user,
            fields={"weight": 9},
            expected_version=criterion.row_version,
        )
    with pytest.raises(ValidationError):
        services.criterion_delete(
            criterion=criterion, actor=admin_user, expected_version=criterion.row_version
        )
    with pytest.raises(ValidationError):
        services.criteria_draft_discard(
            criteria_set=published, actor=admin_user, expected_version=published.row_version
        )
    published.refresh_from_db()
    assert published.attractiveness_threshold == Decimal(50)
    assert Criterion.objects.get(pk=criterion.pk).weight == criterion.weight


def test_discarding_a_draft_deletes_it_and_its_criteria(published, admin_user):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    services.criteria_draft_discard(
        criteria_set=draft, actor=admin_user, expected_version=draft.row_version
    )
    assert not CriteriaSet.objects.filter(pk=draft.pk).exists()
    assert not Criterion.objects.filter(criteria_set_id=draft.pk).exists()
    assert published.criteria.exists()


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_counts_quadrants_and_lists_who_enters_and_leaves(
    portfolio, published, admin_user
):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    # Unscored by everyone: it changes nothing until accounts are scored on it.
    services.criterion_save(criteria_set=draft, criterion=None, actor=admin_user, fields=DIGITAL)
    set_thresholds(draft, admin_user, Decimal(70), Decimal(40))

    preview = queries.preview_draft(fresh(draft), fresh(published))

    assert {q: (c.published, c.draft) for q, c in preview.cells.items()} == {
        engine.KEY: (2, 2),
        engine.DEVELOP: (1, 0),
        engine.MAINTAIN: (1, 2),
        engine.OPPORTUNISTIC: (1, 1),
    }
    assert preview.scored_accounts == 5
    assert preview.unscored_accounts == 1
    assert preview.changed_quadrant == 2
    assert [m.name for m in preview.entering] == ["Account B"]
    assert [m.name for m in preview.leaving] == ["Account F"]
    (entering,) = preview.entering
    assert (entering.before.attractiveness, entering.before.advantage) == (80, 40)
    assert (entering.before.quadrant, entering.after.quadrant) == (engine.DEVELOP, engine.KEY)
    (leaving,) = preview.leaving
    assert (leaving.after.attractiveness, leaving.after.quadrant) == (60, engine.MAINTAIN)
    assert preview.cells[engine.MAINTAIN].difference == 1
    assert preview.entering_more == preview.leaving_more == 0
    assert [[c.quadrant for c in row] for row in preview.rows] == [
        [engine.DEVELOP, engine.KEY],
        [engine.OPPORTUNISTIC, engine.MAINTAIN],
    ]


def test_a_score_outside_a_changed_scale_counts_as_unscored_in_the_preview(
    portfolio, published, admin_user
):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    # Every advantage criterion now runs 0–5: the 8s of A and C no longer fit, so those accounts
    # have no advantage index and no quadrant; D's 2s and B's 4s still fit, and B's 4 of 5 now
    # gives an advantage of 80.
    for criterion in draft.criteria.filter(dimension=Dimension.ADVANTAGE):
        services.criterion_save(
            criteria_set=draft,
            criterion=criterion,
            actor=admin_user,
            fields={"scale_max": 5},
            expected_version=criterion.row_version,
        )

    preview = queries.preview_draft(fresh(draft), fresh(published))

    assert preview.unplaced_published == 0
    assert preview.unplaced_draft == 3  # A, C and F (F's 6s are above 5 too)
    assert [m.name for m in preview.leaving] == ["Account A", "Account F"]
    assert preview.leaving[0].after.advantage is None
    assert [(m.name, m.after.advantage) for m in preview.entering] == [("Account B", 80)]


def test_the_preview_lists_are_capped_with_a_count_of_the_rest(published, admin_user, owner):
    for i in range(queries.PREVIEW_LIST_CAP + 3):
        score(AccountFactory(name=f"Co {i:03}", owner=owner), uniform_values(published, 8, 4))
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    set_thresholds(draft, admin_user, Decimal(50), Decimal(40))

    preview = queries.preview_draft(fresh(draft), fresh(published))

    assert preview.entering_total == queries.PREVIEW_LIST_CAP + 3
    assert len(preview.entering) == queries.PREVIEW_LIST_CAP
    assert preview.entering_more == 3
    assert preview.entering[0].name == "Co 000"


# --- Publishing -------------------------------------------------------------------------------


def test_publishing_archives_the_old_set_and_carries_every_score_over(
    portfolio, published, admin_user, django_capture_on_commit_callbacks
):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    services.criterion_save(criteria_set=draft, criterion=None, actor=admin_user, fields=DIGITAL)
    set_thresholds(draft, admin_user, Decimal(70), Decimal(40))
    old_current = set(Assessment.objects.filter(is_current=True).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        result = publish(draft, admin_user)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == SetStatus.ARCHIVED
    assert draft.status == SetStatus.PUBLISHED
    assert draft.published_by == admin_user and draft.published_at is not None
    assert result.archived == published and result.accounts_to_rescore == 5
    assert draft.history.first().history_user == admin_user

    current = {
        a.account.name: a
        for a in Assessment.objects.filter(is_current=True).select_related("account")
    }
    assert set(current) == {f"Account {n}" for n in PORTFOLIO}  # E was never scored
    assert {a.criteria_set_id for a in current.values()} == {draft.pk}
    assert {a.source for a in current.values()} == {AssessmentSource.CARRIED_OVER}
    assert {a.scored_by_id for a in current.values()} == {admin_user.pk}
    assert not old_current & {a.pk for a in current.values()}
    quadrants = {name: a.quadrant for name, a in current.items()}
    assert quadrants == {
        "Account A": engine.KEY,
        "Account B": engine.KEY,
        "Account C": engine.MAINTAIN,
        "Account D": engine.OPPORTUNISTIC,
        "Account F": engine.MAINTAIN,
    }
    assert (current["Account B"].attractiveness, current["Account B"].advantage) == (80, 40)
    scores = current["Account A"].scores.select_related("criterion")
    by_code = {s.criterion.code: s.value for s in scores}
    assert by_code["digital_maturity"] is None
    assert by_code == {**uniform_values(draft, 8, 8), "digital_maturity": None}
    # The history stays: each account keeps its earlier assessment under v1.
    assert Assessment.objects.filter(criteria_set=published, is_current=False).count() == 5


def test_carrying_over_again_changes_nothing(portfolio, published, admin_user):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    publish(draft, admin_user)  # callbacks not run: we call it here
    assert scores_carry_over(criteria_set_id=draft.pk, actor_id=admin_user.pk) == 5
    assert scores_carry_over(criteria_set_id=draft.pk, actor_id=admin_user.pk) == 0
    assert Assessment.objects.filter(criteria_set=draft).count() == 5


def test_carrying_over_runs_in_batches(portfolio, published, admin_user):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    publish(draft, admin_user)
    assert scores_carry_over(criteria_set_id=draft.pk, batch_size=2) == 5
    assert Assessment.objects.filter(is_current=True, criteria_set=draft).count() == 5


def test_an_archived_set_carries_nothing_over(portfolio, published, admin_user):
    assert scores_carry_over(criteria_set_id=published.pk) == 0  # already current
    published.status = SetStatus.ARCHIVED
    published.save()
    assert scores_carry_over(criteria_set_id=published.pk) == 0


def test_publishing_an_empty_set_is_refused_and_nothing_changes(published, admin_user):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    draft.criteria.all().delete()
    with pytest.raises(ValidationError, match="no criteria"):
        publish(draft, admin_user)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == SetStatus.DRAFT and published.status == SetStatus.PUBLISHED


def test_publishing_needs_a_weighted_criterion_in_each_dimension(published, admin_user):
    draft, _ = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)
    draft.criteria.filter(dimension=Dimension.ADVANTAGE).update(weight=0)
    with pytest.raises(ValidationError, match="Our relative advantage"):
        publish(draft, admin_user)
    assert CriteriaSet.objects.get(pk=published.pk).status == SetStatus.PUBLISHED


def test_publishing_segment_criteria_carries_the_segment_scores_over(
    admin_user, django_capture_on_commit_callbacks
):
    old = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Government")
    for criterion in old.criteria.all():
        SegmentScore.objects.create(segment=segment, criterion=criterion, value=7)
    draft, _ = services.criteria_draft_start(kind=SetKind.SEGMENT, actor=admin_user)
    growth = draft.criteria.get(code="growth")
    services.criterion_save(
        criteria_set=draft,
        criterion=growth,
        actor=admin_user,
        fields={"scale_max": 5},
        expected_version=growth.row_version,
    )

    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, admin_user)

    carried = dict(
        SegmentScore.objects.filter(criterion__criteria_set=draft).values_list(
            "criterion__code", "value"
        )
    )
    assert carried["market_size"] == 7
    assert carried["growth"] is None  # 7 no longer fits 0–5
    assert len(carried) == old.criteria.count()
