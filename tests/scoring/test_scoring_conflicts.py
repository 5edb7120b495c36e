"""What tests/kam/test_edit_conflicts.py does not show about scoring's edit conflicts: a version
that covers more than one row (a draft and its criteria, a segment and its scores, the tier
policy and its rules, the risk policy and its factors), the scores' append-only version, "there
was none" (version 0) for a scorecard, and the in-place buttons' refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.access import KAM_ADMIN
from accounts.conflicts import EditConflict
from accounts.models import Account
from scoring.assessments.queries import scoring_base
from scoring.assessments.services import account_assess
from scoring.criteria import services as criteria_services
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    Segment,
    SegmentScore,
    SetKind,
    SetStatus,
    TierPolicy,
    ValueScorecard,
)
from scoring.scorecard.services import scorecard_save
from scoring.tiers import queries as tier_queries
from scoring.tiers.services import RuleValues, tier_rules_apply, tier_rules_save
from tests.factories import (
    SegmentFactory,
    TransactionFactory,
    UserFactory,
    shipped_criteria_set,
    shipped_tier_rules,
    uniform_values,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_admin():
    return UserFactory(username="second_admin", first_name="Jing", last_name="Chen", role=KAM_ADMIN)


@pytest.fixture
def draft(admin_user):
    shipped_criteria_set()
    return criteria_services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]


def change_weight(criterion, actor, weight):
    fresh = Criterion.objects.get(pk=criterion.pk)
    criteria_services.criterion_save(
        criteria_set=fresh.criteria_set,
        criterion=fresh,
        actor=actor,
        fields={"weight": weight},
        expected_version=fresh.row_version,
    )


def test_a_criterion_changed_after_the_preview_is_not_published_unseen(
    draft, admin_user, other_admin
):
    seen = CriteriaSet.objects.get(pk=draft.pk).row_version  # the preview's Publish button
    change_weight(draft.criteria.first(), other_admin, 9)

    with pytest.raises(EditConflict) as refused:
        criteria_services.criteria_set_publish(
            criteria_set=draft, actor=admin_user, expected_version=seen, change_note="Reweighted."
        )

    assert refused.value.changed_by == other_admin  # the draft's history names who changed it
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.DRAFT
    # Seen again, it publishes.
    fresh = CriteriaSet.objects.get(pk=draft.pk)
    criteria_services.criteria_set_publish(
        criteria_set=fresh,
        actor=admin_user,
        expected_version=fresh.row_version,
        change_note="Reweighted.",
    )
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.PUBLISHED


def test_adding_or_removing_a_criterion_makes_an_open_publish_stale(draft, admin_user):
    before = CriteriaSet.objects.get(pk=draft.pk).row_version
    victim = draft.criteria.first()
    criteria_services.criterion_delete(
        criterion=victim, actor=admin_user, expected_version=victim.row_version
    )
    after_delete = CriteriaSet.objects.get(pk=draft.pk).row_version
    assert after_delete > before
    criteria_services.criterion_save(
        criteria_set=draft,
        criterion=None,
        actor=admin_user,
        fields={
            "code": "digital",
            "dimension": "attractiveness",
            "name": "Digital",
            "weight": 2,
            "scale_min": 0,
            "scale_max": 10,
            "position": 99,
        },
    )
    assert CriteriaSet.objects.get(pk=draft.pk).row_version > after_delete


def test_a_publish_button_without_its_version_writes_nothing_and_says_so(
    draft, client_for, admin_user
):
    response = client_for(admin_user).post(reverse("scoring:criteria_publish", args=[draft.pk]))
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("nothing was changed" in m for m in messages), messages
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.DRAFT


def test_a_stale_criterion_delete_keeps_the_criterion(draft, client_for, admin_user, other_admin):
    criterion = draft.criteria.first()
    seen = criterion.row_version
    change_weight(criterion, other_admin, 9)
    response = client_for(admin_user).post(
        reverse("scoring:criteria_criterion_delete", args=[draft.pk, criterion.pk]),
        {"row_version": seen},
    )
    assert response["Location"] == reverse("scoring:criteria_detail", args=[draft.pk])
    assert Criterion.objects.get(pk=criterion.pk).weight == 9


# --- Scores: append-only, versioned by the current assessment's id ---------------------------


def test_scores_saved_meanwhile_are_shown_beside_yours_not_replaced(
    client_for, owner, teammate, account
):
    criteria_set = shipped_criteria_set()
    url = reverse("scoring:score_create", args=[account.pk])
    client = client_for(owner)
    form = client.get(url).context["form"]
    assert form.initial["row_version"] == 0  # never scored
    account_assess(
        account=account,
        criteria_set=criteria_set,
        values_by_code=uniform_values(criteria_set, 7, 7),
        actor=teammate,
        expected_version=0,
    )
    theirs = Assessment.objects.get(account=account, is_current=True)
    data = {"version": criteria_set.pk, "row_version": 0, "note": "", "market_leadership": 9}

    response = client.post(url, data)

    assert response.status_code == 200
    assert Assessment.objects.get(account=account, is_current=True) == theirs
    conflict = response.context["form"].conflict
    rows = {row.label: (row.yours, row.stored) for row in conflict.rows}
    assert rows["Market leadership"] == ("9", "7")
    assert str(teammate) in conflict.message
    # The form now carries the teammate's assessment: saving again is accepted.
    again = response.context["form"].data
    assert int(again["row_version"]) == theirs.pk
    assert client.post(url, again).status_code == 302
    assert Assessment.objects.get(account=account, is_current=True).scored_by == owner


def test_the_service_refuses_scores_based_on_an_older_assessment(owner, teammate, account):
    criteria_set = shipped_criteria_set()
    values = uniform_values(criteria_set, 5, 5)
    first = account_assess(
        account=account,
        criteria_set=criteria_set,
        values_by_code=values,
        actor=owner,
        expected_version=0,
    )
    account_assess(
        account=account,
        criteria_set=criteria_set,
        values_by_code=values,
        actor=teammate,
        expected_version=first.pk,
    )
    with pytest.raises(EditConflict):
        account_assess(
            account=account,
            criteria_set=criteria_set,
            values_by_code=values,
            actor=owner,
            expected_version=first.pk,
        )
    assert account.assessments.count() == 2
    assert scoring_base(account)[0] != first.pk


# --- A scorecard that did not exist (version 0) ----------------------------------------------


def test_two_first_scorecards_the_second_is_refused(owner, teammate, account):
    scorecard_save(
        account=account, actor=teammate, expected_version=0, fields={"current_purchases": 2}
    )
    with pytest.raises(EditConflict) as refused:
        scorecard_save(
            account=account, actor=owner, expected_version=0, fields={"current_purchases": 1}
        )
    assert refused.value.changed_by == teammate
    assert ValueScorecard.objects.get(account=account).current_purchases == 2


# --- Segments: the segment's version covers its scores ----------------------------------------


def test_scoring_a_segment_moves_its_version_and_names_the_scorer(admin_user, other_admin):
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Government")
    seen = segment.row_version
    from scoring.segments import services

    services.segment_score(
        actor=other_admin,
        segment=segment,
        criteria_set=criteria_set,
        values_by_code={"market_size": 8},
        expected_version=seen,
    )
    with pytest.raises(EditConflict) as refused:
        services.segment_save(
            actor=admin_user,
            segment=Segment.objects.get(pk=segment.pk),
            fields={"description": "Ministries"},
            expected_version=seen,
        )
    assert refused.value.changed_by == other_admin


def test_carrying_segment_scores_to_a_new_version_makes_open_scoring_forms_stale(
    admin_user, django_capture_on_commit_callbacks
):
    old = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Government")
    for criterion in old.criteria.all():
        SegmentScore.objects.create(segment=segment, criterion=criterion, value=7)
    seen = Segment.objects.get(pk=segment.pk).row_version
    new = criteria_services.criteria_draft_start(kind=SetKind.SEGMENT, actor=admin_user)[0]
    with django_capture_on_commit_callbacks(execute=True):
        criteria_services.criteria_set_publish(
            criteria_set=new,
            actor=admin_user,
            expected_version=new.row_version,
            change_note="Reweighted.",
        )
    assert Segment.objects.get(pk=segment.pk).row_version > seen


# --- Tier rules: the policy's version covers the rules; Apply applies what was previewed ------


def rules_as_stored():
    tiers = tier_queries.tiers_with_rules()
    return {t.pk: RuleValues(t.tier_rule.min_value, t.tier_rule.top_percent) for t in tiers[:-1]}


def test_apply_refuses_rules_changed_since_the_preview(
    client_for, admin_user, other_admin, account
):
    shipped_tier_rules()
    TransactionFactory(account=account, amount=60_000_000)  # platinum under the shipped rules
    client = client_for(admin_user)
    preview = client.get(reverse("scoring:tier_preview"))
    seen = preview.context["row_version"]
    tier_rules_save(
        actor=other_admin,
        basis="margin",
        method="threshold",
        rules=rules_as_stored(),
        expected_version=seen,
    )
    tiers_before = list(Account.objects.values_list("pk", "tier_id"))
    applied_before = TierPolicy.objects.get(pk=1).last_applied_at

    response = client.post(reverse("scoring:tier_apply"), {"row_version": seen})

    assert response["Location"] == reverse("scoring:tier_preview")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"{other_admin} changed this" in m for m in messages), messages
    assert list(Account.objects.values_list("pk", "tier_id")) == tiers_before
    assert TierPolicy.objects.get(pk=1).last_applied_at == applied_before


def test_the_nightly_run_applies_the_rules_as_stored_without_a_version(account):
    shipped_tier_rules()
    TransactionFactory(account=account, amount=60_000_000)
    tier_rules_apply()
    assert Account.objects.get(pk=account.pk).tier.code == "platinum"


# --- The risk model: the policy's version covers the factors' weights --------------------------


def test_a_factor_changed_meanwhile_is_listed_by_its_name(client_for, admin_user, other_admin):
    from scoring.health import risk_model, services
    from scoring.health.queries import risk_factors, risk_policy
    from tests.factories import shipped_risk_model

    shipped_risk_model()
    client = client_for(admin_user)
    url = reverse("scoring:health_model_edit")
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    policy = risk_policy()
    factors = {
        f.code: risk_model.FactorValues(f.weight, f.start, f.full, f.days) for f in risk_factors()
    }
    factors["contact_recency"] = risk_model.FactorValues(
        40, factors["contact_recency"].start, factors["contact_recency"].full, None
    )
    services.risk_model_update(
        policy_data={
            "medium_from": policy.medium_from,
            "high_from": policy.high_from,
            "satisfaction_window_days": policy.satisfaction_window_days,
        },
        factor_rows=factors,
        actor=other_admin,
        expected_version=policy.row_version,
    )

    response = client.post(url, data)

    assert response.status_code == 200
    labels = [row.label for row in response.context["form"].conflict.rows]
    assert labels == ["Contact recency: Weight"]
