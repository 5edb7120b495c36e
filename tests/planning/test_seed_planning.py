"""`manage.py seed_demo`: the planning side of the demo — plans, visits, the pipeline, losses.

The tests only read, so one seed serves the module; the reset test seeds its own."""

from collections import Counter
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Category, Coverage
from planning import demo as planning_demo
from planning.models import (
    AccountPlan,
    Action,
    ActionStatus,
    DevelopmentStage,
    LossRecord,
    Objective,
    Opportunity,
    OpportunityStageChange,
    PlanStatus,
    Visit,
    VisitStatus,
)
from planning.pipeline.stages import criteria_of
from planning.plans.progress import is_behind_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo_site():
    """seed_demo runs only on a demo or development site (KAM_DEMO_MODE or DEBUG)."""
    with override_settings(KAM_DEMO_MODE=True):
        yield


def _reset():
    planning_demo.delete_demo_data()
    from accounts.demo import delete_demo_data

    delete_demo_data()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", "--accounts", "100", stdout=StringIO())
        yield
        _reset()


def _fingerprint() -> dict:
    """What the planning step made, by account external ID (ids change between runs)."""
    plans = sorted(
        AccountPlan.objects.values_list(
            "account__external_id", "year", "status", "strengths", "owner__username"
        )
    )
    objectives = sorted(
        Objective.objects.values_list(
            "plan__account__external_id", "plan__year", "title", "baseline", "target", "actual"
        )
    )
    visits = sorted(
        Visit.objects.values_list(
            "account__external_id", "starts_at", "status", "outcome", "next_step_on"
        )
    )
    attendees = sorted(
        Visit.attendees.through.objects.values_list(
            "visit__account__external_id", "visit__starts_at", "stakeholder__name"
        )
    )
    opportunities = sorted(
        Opportunity.objects.values_list("account__external_id", "name", "stage", "value")
    )
    losses = sorted(LossRecord.objects.values_list("account__external_id", "reason", "notes"))
    return {
        "plans": plans,
        "objectives": objectives,
        "visits": visits,
        "attendees": attendees,
        "opportunities": opportunities,
        "losses": losses,
    }


@pytest.mark.usefixtures("seeded")
class TestTheSeededPlanningData:
    def test_most_key_accounts_have_one_active_plan_this_year_and_some_have_none(self):
        year = timezone.localdate().year
        keys = set(Account.objects.filter(category=Category.KEY).values_list("pk", flat=True))
        active = Counter(
            AccountPlan.objects.filter(status=PlanStatus.ACTIVE).values_list("account_id", "year")
        )
        assert max(active.values()) == 1
        planned = {account_id for account_id, y in active if y == year}
        assert planned <= keys
        assert 0 < len(keys - planned) < len(planned)
        assert AccountPlan.objects.filter(status=PlanStatus.CLOSED, year=year - 1).exists()
        for username in ("manager", "manager2"):
            theirs = Account.objects.filter(category=Category.KEY, owner__username=username)
            assert theirs.exclude(plans__year=year, plans__status=PlanStatus.ACTIVE).exists()

    def test_plans_have_two_to_four_objectives_due_within_their_year(self):
        per_plan = Counter(Objective.objects.values_list("plan_id", flat=True))
        assert set(per_plan.values()) <= {2, 3, 4}
        assert len(per_plan) == AccountPlan.objects.count()
        for objective in Objective.objects.select_related("plan"):
            assert objective.due_on.year == objective.plan.year

    def test_some_objectives_are_behind_schedule_and_some_actions_overdue_or_done(self):
        today = timezone.localdate()
        this_year = Objective.objects.filter(
            plan__year=today.year, plan__status=PlanStatus.ACTIVE
        ).select_related("plan")
        behind = [
            o
            for o in this_year
            if is_behind_schedule(
                year_start=today.replace(month=1, day=1),
                due_on=o.due_on,
                today=today,
                baseline=o.baseline,
                target=o.target,
                actual=o.actual,
            )
        ]
        assert 0 < len(behind) < len(this_year)
        actions = Action.objects.filter(objective__plan__status=PlanStatus.ACTIVE)
        assert actions.filter(status=ActionStatus.DONE).exists()
        assert actions.exclude(status__in=["done", "cancelled"]).filter(due_on__lt=today).exists()

    def test_action_owners_are_on_the_accounts_team(self):
        team = {(a, u) for a, u in Account.objects.values_list("pk", "owner_id")}
        team |= set(AccountTeamMember.objects.values_list("account_id", "user_id"))
        for account_id, owner_id in Action.objects.values_list(
            "objective__plan__account_id", "owner_id"
        ):
            assert (account_id, owner_id) in team

    def test_visits_are_reported_with_a_date_and_attendees_of_the_visited_account(self):
        visits = Visit.objects.all()
        assert visits.filter(status=VisitStatus.REPORTED).exists()
        assert not visits.filter(status=VisitStatus.REPORTED, reported_at=None).exists()
        for account_id, person_account in Visit.attendees.through.objects.values_list(
            "visit__account_id", "stakeholder__account_id"
        ):
            assert account_id == person_account
        team = {(a, u) for a, u in Account.objects.values_list("pk", "owner_id")}
        team |= set(AccountTeamMember.objects.values_list("account_id", "user_id"))
        for pair in Visit.our_attendees.through.objects.values_list("visit__account_id", "user_id"):
            assert pair in team
        reported = visits.filter(status=VisitStatus.REPORTED)
        assert reported.exclude(situation_questions="").exists()
        assert reported.exclude(helped_them=None).count() == reported.count()
        assert not reported.filter(starts_at__gt=timezone.now()).exists()

    def test_key_accounts_are_visited_every_two_to_eight_weeks(self):
        days = {}
        past = Visit.objects.filter(
            starts_at__lt=timezone.now(), account__category=Category.KEY
        ).values_list("account_id", "starts_at")
        for account_id, starts_at in past:
            days.setdefault(account_id, []).append(timezone.localdate(starts_at))
        assert days
        for visit_days in days.values():
            visit_days.sort()
            for before, after in pairwise(visit_days):
                assert 12 <= (after - before).days <= 60

    def test_other_owned_accounts_have_half_a_year_of_check_ins_by_their_owner(self):
        today = timezone.localdate()
        others = Account.objects.exclude(category=Category.KEY)
        contacts = Visit.objects.filter(account__in=others).select_related("account")
        by_account = {}
        for visit in contacts.prefetch_related("our_attendees", "attendees"):
            assert visit.status == VisitStatus.REPORTED and visit.reported_at
            assert [user.pk for user in visit.our_attendees.all()] == [visit.account.owner_id]
            assert {p.account_id for p in visit.attendees.all()} <= {visit.account_id}
            assert visit.outcome and visit.objective
            assert visit.objective.isascii() == visit.account.name.isascii()
            day = timezone.localdate(visit.starts_at)
            assert today - timedelta(days=183) <= day < today
            by_account.setdefault(visit.account_id, []).append(day)
        for visit_days in by_account.values():
            visit_days.sort()
            for before, after in pairwise(visit_days):
                assert (after - before).days >= 10  # 12 or more, a weekend moved to Monday

        assert not contacts.filter(account__owner=None).exists()
        owned = others.exclude(owner=None).exclude(category=Category.LOST)
        in_touch = owned.filter(pk__in=by_account).count()
        # Most are in touch; about one in eight is not (more where orders are falling).
        assert 0.65 * owned.count() < in_touch < 0.97 * owned.count()

    def test_one_of_managers_key_accounts_is_neglected(self):
        today = timezone.localdate()
        last = {}
        reported = Visit.objects.filter(
            status=VisitStatus.REPORTED,
            account__owner__username="manager",
            account__category=Category.KEY,
        )
        for account_id, starts_at in reported.values_list("account_id", "starts_at"):
            day = timezone.localdate(starts_at)
            last[account_id] = max(day, last.get(account_id, day))

        assert any((today - day).days >= 45 for day in last.values())
        assert any((today - day).days < 45 for day in last.values())

    def test_the_demo_managers_see_upcoming_visits_visits_to_report_and_next_steps_due(self):
        today = timezone.localdate()
        week_end = today + timedelta(days=6 - today.weekday())
        for username in ("manager", "manager2"):
            theirs = Visit.objects.filter(our_attendees__username=username)
            upcoming = theirs.filter(
                status=VisitStatus.PLANNED,
                starts_at__date__gt=today,
                starts_at__date__lte=today + timedelta(days=14),
            )
            assert upcoming.exists()
            assert theirs.filter(status=VisitStatus.PLANNED, starts_at__date__lt=today).exists()
            due = theirs.filter(
                next_step_done=False, next_step_on__gte=today, next_step_on__lte=week_end
            ).exclude(next_step="")
            assert due.exists()

    def test_coverage_last_contact_is_at_least_the_last_visit_with_that_pair(self):
        last = {}
        reported = Visit.objects.filter(status=VisitStatus.REPORTED).prefetch_related(
            "attendees", "our_attendees"
        )
        for visit in reported:
            day = timezone.localdate(visit.starts_at)
            for person in visit.attendees.all():
                for user in visit.our_attendees.all():
                    key = (person.pk, user.pk)
                    last[key] = max(day, last.get(key, day))
        rows = Coverage.objects.filter(stakeholder__account__category=Category.KEY)
        checked = 0
        for row in rows:
            if (row.stakeholder_id, row.user_id) in last:
                assert row.last_contact >= last[(row.stakeholder_id, row.user_id)]
                checked += 1
        assert checked

    def test_opportunities_cover_every_stage_with_probabilities_and_reasons(self):
        stages = Counter(Opportunity.objects.values_list("stage", flat=True))
        assert set(stages) == set(DevelopmentStage.values)
        for opportunity in Opportunity.objects.all():
            assert 0 <= opportunity.probability <= 100
            assert opportunity.value > 0
            if opportunity.stage == DevelopmentStage.LOST:
                assert opportunity.lost_reason
            if opportunity.stage in (DevelopmentStage.WON, DevelopmentStage.LOST):
                assert opportunity.closed_on is not None
            else:
                own = {criterion.code for criterion in criteria_of(opportunity.stage)}
                assert set(opportunity.criteria_met) <= own
        won = Opportunity.objects.filter(stage=DevelopmentStage.WON).first()
        assert won.probability == 100
        changes = OpportunityStageChange.objects.filter(opportunity=won).order_by("changed_at")
        assert changes.last().to_stage == DevelopmentStage.WON

    def test_manager_has_two_lost_accounts_with_loss_records_and_a_snapshot(self):
        records = LossRecord.objects.select_related("account__owner")
        assert records.count() == 2
        for record in records:
            assert record.account.owner.username == "manager"
            assert record.account.category == Category.LOST
            assert record.snapshot["figures"]
            assert record.win_back_plan


def test_the_same_seed_gives_the_same_planning_data():
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())
    first = _fingerprint()
    assert first["visits"] and first["plans"]
    call_command("seed_demo", "--accounts", "40", "--seed", "5", "--reset", stdout=StringIO())
    assert _fingerprint() == first


def test_reset_removes_the_planning_rows():
    call_command("seed_demo", "--accounts", "40", "--reset", stdout=StringIO())
    assert Visit.objects.exists()
    planning_demo.delete_demo_data()
    for model in (AccountPlan, Objective, Action, Visit, Opportunity, LossRecord):
        assert not model.objects.exists()
        assert not model.history.model.objects.exists()
    assert not Visit.attendees.through.objects.exists()
    call_command("seed_demo", "--accounts", "40", stdout=StringIO(), reset=True)
    assert Visit.objects.exists()
