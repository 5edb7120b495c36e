"""`manage.py seed_demo`: the relationship side of the demo — stakeholder maps, coverage, stages.

These check the raw rows, not the map-warning rules, so they keep meaning what they say whatever
the rules become. The tests only read, so one seed serves the whole module."""

from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.demo import delete_demo_data
from accounts.models import (
    STAGE_LADDER,
    Account,
    AccountTeamMember,
    Attitude,
    BuyingRole,
    Category,
    Coverage,
    RelationshipStage,
    StageAssessment,
    StageChange,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    StakeholderStatus,
    User,
    is_regression,
)
from accounts.relationship import ladder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture(scope="module", autouse=True)
def _demo_site():
    """seed_demo runs only on a demo or development site (KAM_DEMO_MODE or DEBUG)."""
    with override_settings(KAM_DEMO_MODE=True):
        yield


KEY_PEOPLE = (BuyingRole.DECISION_MAKER, BuyingRole.COACH)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # 100 accounts: enough key accounts for both demo managers' stories (4 or more each).
    with django_db_blocker.unblock():
        call_command("seed_demo", "--accounts", "100", stdout=StringIO())
        yield
        delete_demo_data()


def people_by_account():
    people = defaultdict(list)
    for person in Stakeholder.objects.order_by("pk"):
        people[person.account_id].append(person)
    return people


def test_every_map_has_the_promised_size_and_one_org_tree():
    people = people_by_account()
    sizes = {Category.KEY: (5, 15), Category.NORMAL: (2, 6), Category.TARGET: (2, 6)}

    for account in Account.objects.all():
        mine = people[account.pk]
        low, high = sizes.get(account.category, (0, 3))
        assert low <= len(mine) <= high, (account.category, len(mine))
        if not mine:
            continue
        ids = {person.pk for person in mine}
        roots = [person for person in mine if person.reports_to_id is None]
        assert len(roots) == 1
        assert all(p.reports_to_id in ids for p in mine if p.reports_to_id), "another account's"
        managers = {person.pk: person.reports_to_id for person in mine}
        for person in mine:
            seen, current = set(), person.pk
            while current is not None:
                assert current not in seen, "a reports-to cycle"
                seen.add(current)
                current = managers[current]
        deciders = [p for p in mine if p.buying_role == BuyingRole.DECISION_MAKER]
        assert 1 <= len(deciders) <= 2
        assert roots[0].buying_role == BuyingRole.DECISION_MAKER and not roots[0].has_left


def test_people_have_mixed_roles_attitudes_and_styles_and_a_few_left():
    today = timezone.localdate()
    key_people = Stakeholder.objects.filter(account__category=Category.KEY)

    assert set(key_people.values_list("buying_role", flat=True)) == set(BuyingRole.values)
    assert set(key_people.values_list("attitude", flat=True)) == set(Attitude.values)
    attitudes = Counter(key_people.values_list("attitude", flat=True))
    assert attitudes[Attitude.OPPONENT] < attitudes[Attitude.NEUTRAL]
    styles = set(key_people.exclude(social_style="").values_list("social_style", flat=True))
    assert len(styles) == 4
    left = Stakeholder.objects.filter(status=StakeholderStatus.LEFT)
    assert 0 < left.count() < Stakeholder.objects.count() * 0.1
    assert not left.filter(left_on__lt=today - timedelta(days=365)).exists()
    assert not left.filter(left_on__gt=today).exists()
    assert not Stakeholder.objects.filter(influence__gt=5).exists()
    # Most key accounts have a coach.
    with_coach = key_people.filter(buying_role=BuyingRole.COACH).values("account").distinct()
    assert with_coach.count() >= Account.objects.filter(category=Category.KEY).count() * 0.6


def test_needs_cover_all_three_classifications_and_private_notes_exist():

    needs = StakeholderNeed.objects.all()
    assert {n.scope for n in needs} == {"company", "personal"}
    assert {n.openness for n in needs} == {"open", "private"}
    assert {n.expression for n in needs} == {"explicit", "implied"}
    assert StakeholderPrivateNote.objects.exclude(birthday=None).exists()
    assert StakeholderPrivateNote.objects.exclude(hometown="").exists()


def test_chinese_companies_get_chinese_titles_and_foreign_ones_english():

    people = Stakeholder.objects.select_related("account")
    assert people.exists()
    for person in people:
        assert person.title.isascii() == person.account.name.isascii(), person.title


def test_coverage_is_held_by_the_account_team_and_recent_for_key_accounts():
    today = timezone.localdate()
    team = defaultdict(set)
    for account_id, owner_id in Account.objects.values_list("pk", "owner_id"):
        team[account_id].add(owner_id)
    for account_id, user_id in AccountTeamMember.objects.values_list("account_id", "user_id"):
        team[account_id].add(user_id)

    rows = Coverage.objects.select_related("stakeholder")
    assert rows.exists()
    for row in rows:
        assert row.user_id in team[row.stakeholder.account_id]
        assert 0 <= row.strength <= 3
        assert row.last_contact is None or row.last_contact <= today

    def median_age(category):
        ages = sorted(
            (today - day).days
            for day in rows.filter(stakeholder__account__category=category)
            .exclude(last_contact=None)
            .values_list("last_contact", flat=True)
        )
        return ages[len(ages) // 2]

    assert median_age(Category.KEY) < median_age(Category.NORMAL) <= 180


def test_stage_histories_lead_to_each_accounts_stage():
    today = timezone.localdate()
    changes = defaultdict(list)
    for change in StageChange.objects.order_by("changed_at", "pk"):
        changes[change.account_id].append(change)

    for account in Account.objects.all():
        history = changes[account.pk]
        if not history:
            assert account.relationship_stage == RelationshipStage.PRE_KAM
            continue
        assert history[0].from_stage == RelationshipStage.PRE_KAM
        for before, after in pairwise(history):
            assert after.from_stage == before.to_stage
        assert history[-1].to_stage == account.relationship_stage
        assert history[-1].target_stage == account.target_stage
        for change in history:
            assert change.is_regression == is_regression(change.from_stage, change.to_stage)
            assert change.changed_by_id == account.owner_id
            assert change.rationale
            assert today - timedelta(days=3 * 366) <= change.changed_at.date() <= today
        if account.category == Category.KEY:
            assert 2 <= len(history) <= 5
    assert StageChange.objects.filter(is_regression=True).exists()
    assert StageChange.objects.filter(is_regression=False).exists()


def test_stages_fit_each_category():
    stages = defaultdict(Counter)
    for category, stage in Account.objects.values_list("category", "relationship_stage"):
        stages[category][stage] += 1

    assert set(stages[Category.LOST]) == {RelationshipStage.UNCOUPLING}
    assert set(stages[Category.TARGET]) == {RelationshipStage.PRE_KAM}
    assert set(stages[Category.NORMAL]) <= {"pre_kam", "early", "mid"}
    assert RelationshipStage.PRE_KAM not in stages[Category.KEY]
    assert len(stages[Category.KEY]) >= 3
    keys = Account.objects.filter(category=Category.KEY)
    assert not keys.filter(target_stage="").exists()
    assert not keys.filter(target_stage=RelationshipStage.UNCOUPLING).exists()
    for field in ("decision_style", "seller_intent", "buyer_intent", "offering_importance"):
        assert not keys.filter(**{field: ""}).exists(), field
    assert set(keys.values_list("relative_spend", flat=True)) == {"high", "low"}


def test_most_key_accounts_have_an_assessment_whose_suggestion_follows_the_checklist():
    keys = Account.objects.filter(category=Category.KEY)

    assessed = StageAssessment.objects.values("account").distinct().count()
    assert keys.count() * 0.6 <= assessed <= keys.count()
    for row in StageAssessment.objects.select_related("account"):
        assert row.account.category == Category.KEY
        assert not ladder.unknown_signs(row.signs)
        assert row.suggested_stage == ladder.suggest_stage(row.signs)
        assert row.assessed_by_id == row.account.owner_id
    suggested = StageAssessment.objects.values_list("suggested_stage", flat=True)
    assert len(set(suggested)) >= 3
    assert set(suggested) <= {*STAGE_LADDER, RelationshipStage.UNCOUPLING}


# --- The demo managers' story ---------------------------------------------------------------


def _maps_of(username):
    """The key accounts `username` sees (owned or on the team), with their people and coverage."""
    user = User.objects.get(username=username)
    accounts = Account.objects.filter(category=Category.KEY).filter(
        pk__in=AccountTeamMember.objects.filter(user=user).values("account")
    ) | Account.objects.filter(category=Category.KEY, owner=user)
    for account in accounts.distinct():
        people = list(account.stakeholders.all())
        coverage = list(Coverage.objects.filter(stakeholder__account=account))
        yield account, people, coverage


def _holders(people, coverage):
    active = {person.pk for person in people if not person.has_left}
    return {c.user_id for c in coverage if c.stakeholder_id in active and c.strength >= 1}


def _situations(people, coverage, today):
    active = [person for person in people if not person.has_left]
    deciders = [p for p in active if p.buying_role == BuyingRole.DECISION_MAKER]
    contacted = {c.stakeholder_id for c in coverage if c.last_contact}
    changed = [p.updated_at for p in people] + [c.updated_at for c in coverage]
    stale = timezone.localdate(max(changed)) <= today - timedelta(days=90)
    left_recently = [
        p
        for p in people
        if p.has_left
        and p.left_on >= today - timedelta(days=60)
        and (p.influence >= 4 or p.buying_role in KEY_PEOPLE)
    ]
    opposed = any(p.attitude == Attitude.OPPONENT for p in deciders)
    single = len(_holders(people, coverage)) == 1
    found = set()
    if opposed:
        found.add("opposed")
    if single:
        found.add("single")
    if left_recently:
        found.add("left")
    if stale:
        found.add("stale")
    healthy = (
        not found
        and not any(p.has_left for p in people)
        and any(p.buying_role == BuyingRole.COACH for p in active)
        and all(d.pk in contacted for d in deciders)
        and len(_holders(people, coverage)) >= 2
    )
    if healthy:
        found.add("healthy")
    return found


@pytest.mark.parametrize("username", ["manager", "manager2"])
def test_each_demo_manager_sees_every_kind_of_map(username):
    today = timezone.localdate()

    seen = Counter()
    for _, people, coverage in _maps_of(username):
        found = _situations(people, coverage, today)
        seen.update(found)
        # A story map shows its one problem only, so the warning is easy to read.
        assert len(found) <= 2
    assert set(seen) >= {"healthy", "opposed", "single", "left", "stale"}, seen
