"""Every service that acts for someone checks that someone's right (DESIGN.md §3, issue 18).

A view checks before it calls a service, but a task, a shell or a future view calls the service
alone: so the service checks again, with the same policy (accounts/access.py). This test finds
every function of the apps that takes an actor — a parameter named `actor` (or `recorded_by`,
`sent_by`, `requested_by`) anywhere, or `user` in a services module — and

- fails when one is in neither REFUSALS nor NO_RIGHT_TO_CHECK below (a new service must say
  who may not call it, or why nobody is refused);
- calls each service of REFUSALS as someone without the right (a director, who sees every
  account but edits none and no configuration; an account manager off the team, for what a
  director may do), with valid objects, and expects PermissionDenied (or Http404) and not one
  row written anywhere in the apps (history and outbox included).
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import ExportJob, ImportJob
from scoring.models import HealthRun, RunStatus, RunTrigger, SetKind, SetStatus, TierPolicy
from tests.factories import (
    ActionFactory,
    ComplaintFactory,
    CriteriaSetFactory,
    CriterionFactory,
    ObjectiveFactory,
    OpportunityFactory,
    PlanFactory,
    SegmentFactory,
    StakeholderFactory,
    SurveyFactory,
    SurveyIndicatorFactory,
    UserFactory,
    VisitFactory,
    shipped_criteria_set,
)

APPS = ("accounts", "planning", "scoring")
ACTOR_NAMES = {"actor", "recorded_by", "sent_by", "requested_by"}
POLICY_MODULE = "accounts.access"  # the policy itself: require_admin_or_system(actor)

# Services that take a user but refuse nobody, and why.
RECORDED_NOT_CHECKED = "requested_by is recorded, not checked (see health_recalculation_request)"

NO_RIGHT_TO_CHECK = {
    # The user's own rows, and only theirs.
    "user_set_language": "sets the user's own language",
    "feed_token_issue": "a new link to the user's own calendar",
    "notification_mark_read": "updates only a notification of the user's (filtered by user)",
    "notifications_mark_all_read": "updates only the user's notifications",
    "user_language": "reads the user's own language",
    "digest_for": "reads the user's own due items, through their visible accounts",
    "alerts_to_email": "reads the user's own notifications",
    "digest_mail_key": "a key for the user's own digest",
    "digest_mail_queue": "queues the user's own digest",
    "list_table": "reads through the user's visible accounts only",
    "export_job_start": "exports through the user's visible accounts only",
    # Who asked, kept on the run: the right is checked where the run is asked for
    # (health_recalculation_request, health_run_retry; an import by whoever may import).
    "health_recalculation_run": RECORDED_NOT_CHECKED,
    "health_recalculate_all": RECORDED_NOT_CHECKED,
    "account_health_recalculate": RECORDED_NOT_CHECKED,
    "health_run_resume": "requested_by is recorded, not checked (see health_run_retry)",
    # The worker's carry-over after publish (which checks the admin): the actor is who published.
    "carry_over_segment_scores": "the worker's step after publish, which checks the admin",
    # The import's worker writes what import_job_confirm (which checks) accepted.
    "import_plan_write": "the worker's step after import_job_confirm, which checks the user",
}


def _is_service_module(name: str) -> bool:
    # The import's worker module holds the writes its steps make (accounts.imports.worker).
    return ".services" in name or name.endswith(".worker")


def discovered_services() -> dict[str, Callable]:
    """name → function, for every function of the apps that takes an actor."""
    found: dict[str, Callable] = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or info.name == POLICY_MODULE:
                continue
            module = importlib.import_module(info.name)
            for name, function in vars(module).items():
                if name.startswith("_") or not inspect.isfunction(function):
                    continue
                if function.__module__ != module.__name__:
                    continue
                parameters = set(inspect.signature(function).parameters)
                if "request" in parameters:
                    continue  # a view: checked by the access tests of its app
                takes_actor = parameters & ACTOR_NAMES or (
                    "user" in parameters and _is_service_module(info.name)
                )
                if takes_actor:
                    assert name not in found or found[name] is function, (
                        f"two services are called {name}: {found[name].__module__} and "
                        f"{module.__name__}; give one another name (the registry is by name)"
                    )
                    found[name] = function
    return found


@dataclass
class World:
    """An account with its team and one of everything that hangs off it; the people who may
    not act on it. Built lazily: each case makes only what it uses."""

    owner: object
    teammate: object
    outsider: object
    director: object
    admin: object
    account: object

    @cached_property
    def stakeholder(self):
        return StakeholderFactory(account=self.account)

    @cached_property
    def complaint(self):
        return ComplaintFactory(account=self.account, owner=self.owner)

    @cached_property
    def member(self):
        return self.account.team_members.get(user=self.teammate)

    @cached_property
    def plan(self):
        return PlanFactory(account=self.account)

    @cached_property
    def objective(self):
        return ObjectiveFactory(plan=self.plan)

    @cached_property
    def action(self):
        return ActionFactory(objective=self.objective)

    @cached_property
    def visit(self):
        return VisitFactory(account=self.account)

    @cached_property
    def opportunity(self):
        return OpportunityFactory(account=self.account, owner=self.owner)

    @cached_property
    def criteria_set(self):
        return shipped_criteria_set()

    @cached_property
    def draft(self):
        return CriteriaSetFactory(kind=SetKind.ACCOUNT, status=SetStatus.DRAFT, published_at=None)

    @cached_property
    def criterion(self):
        return CriterionFactory(criteria_set=self.draft)

    @cached_property
    def segment(self):
        return SegmentFactory()

    @cached_property
    def survey(self):
        return SurveyFactory(account=self.account, respondent=self.stakeholder)

    @cached_property
    def indicator(self):
        return SurveyIndicatorFactory()

    @cached_property
    def run(self):
        return HealthRun.objects.create(
            trigger=RunTrigger.NIGHTLY, as_of=TODAY, attempt=1, status=RunStatus.INTERRUPTED
        )

    @cached_property
    def import_job(self):
        return ImportJob.objects.create(
            user=self.owner, kind="accounts", file_name="f.csv", content=b"a\n", language="en"
        )

    @cached_property
    def export_job(self):
        return ExportJob.objects.create(
            user=self.owner, kind="accounts", export_format="csv", language="en"
        )


@dataclass(frozen=True)
class Refusal:
    """Call the service as `who` (an attribute of World) with `arguments(world)`."""

    arguments: Callable[[World], dict]
    who: str = "director"
    actor: str = "actor"  # the parameter naming who acts


TODAY = datetime.date(2026, 1, 15)

REFUSALS: dict[str, Refusal] = {
    # accounts: the team edits the account and what hangs off it; the owner, directors and
    # admins manage the team; admins the lockouts.
    "user_lockouts_lift": Refusal(lambda w: {"username": "someone"}),
    "address_unblock": Refusal(lambda w: {"ip_address": "10.0.0.1"}),
    "coverage_set": Refusal(
        lambda w: {
            "account": w.account,
            "stakeholder": w.stakeholder,
            "user": w.owner,
            "expected_version": 0,
            "strength": 2,
            "last_contact": None,
        }
    ),
    "stage_change": Refusal(
        lambda w: {
            "account": w.account,
            "expected_version": w.account.row_version,
            "to_stage": "partnership",
            "rationale": "Because.",
        }
    ),
    "stage_assess": Refusal(lambda w: {"account": w.account, "expected_latest": 0, "signs": []}),
    "relationship_profile_update": Refusal(
        lambda w: {"account": w.account, "expected_version": w.account.row_version}
    ),
    "account_create": Refusal(lambda w: {"name": "New customer"}),
    "account_update": Refusal(
        lambda w: {"account": w.account, "expected_version": w.account.row_version, "name": "X"}
    ),
    "account_restore": Refusal(
        lambda w: {
            "account": w.account,
            "expected_version": w.account.row_version,
            "version": w.account.history.earliest(),
            "fields": ["name"],
        }
    ),
    "account_set_owner": Refusal(
        lambda w: {
            "account": w.account,
            "owner": w.outsider,
            "expected_version": w.account.row_version,
        },
        who="outsider",
    ),
    "team_member_add": Refusal(
        lambda w: {"account": w.account, "user": UserFactory()}, who="outsider"
    ),
    "team_member_remove": Refusal(
        lambda w: {
            "account": w.account,
            "member_pk": w.member.pk,
            "expected_version": w.member.row_version,
        },
        who="outsider",
    ),
    "transaction_add": Refusal(
        lambda w: {"account": w.account, "order_date": TODAY, "amount": Decimal("10")}
    ),
    "complaint_open": Refusal(lambda w: {"account": w.account, "summary": "Late."}),
    "complaint_update": Refusal(
        lambda w: {
            "complaint": w.complaint,
            "expected_version": w.complaint.row_version,
            "summary": "Later.",
        }
    ),
    "complaint_resolve": Refusal(
        lambda w: {
            "complaint": w.complaint,
            "expected_version": w.complaint.row_version,
            "resolution": "Fixed.",
        }
    ),
    "complaint_reopen": Refusal(
        lambda w: {"complaint": w.complaint, "expected_version": w.complaint.row_version}
    ),
    "stakeholder_save": Refusal(
        lambda w: {"account": w.account, "fields": {"name": "Li Ming"}},
    ),
    "stakeholder_restore": Refusal(
        lambda w: {
            "account": w.account,
            "stakeholder": w.stakeholder,
            "expected_version": w.stakeholder.row_version,
            "version": w.stakeholder.history.earliest(),
            "fields": ["name"],
        }
    ),
    "stakeholder_mark_left": Refusal(
        lambda w: {"stakeholder": w.stakeholder, "expected_version": w.stakeholder.row_version}
    ),
    "stakeholder_reinstate": Refusal(
        lambda w: {"stakeholder": w.stakeholder, "expected_version": w.stakeholder.row_version}
    ),
    # The import and export jobs are their user's: another user (who may import) is refused.
    "import_job_start": Refusal(
        lambda w: {"kind": "accounts", "upload": None}, who="director", actor="user"
    ),
    "import_job_check": Refusal(
        lambda w: {"job": w.import_job, "mapping": {}}, who="teammate", actor="user"
    ),
    "import_job_confirm": Refusal(
        lambda w: {"job": w.import_job, "only_valid_rows": True}, who="teammate", actor="user"
    ),
    "import_job_retry": Refusal(
        lambda w: {"job": w.import_job, "attempt": 1}, who="teammate", actor="user"
    ),
    "import_job_cancel": Refusal(
        lambda w: {"job": w.import_job, "attempt": 1}, who="teammate", actor="user"
    ),
    "export_job_retry": Refusal(
        lambda w: {"job": w.export_job, "attempt": 1}, who="teammate", actor="user"
    ),
    # planning: the account team.
    "account_mark_lost": Refusal(
        lambda w: {
            "account": w.account,
            "expected_version": w.account.row_version,
            "reason": "Price.",
        }
    ),
    "opportunity_create": Refusal(
        lambda w: {
            "account": w.account,
            "name": "Deal",
            "value": Decimal(1000),
            "probability": 50,
            "expected_close": TODAY,
        }
    ),
    "opportunity_update": Refusal(
        lambda w: {
            "opportunity": w.opportunity,
            "expected_version": w.opportunity.row_version,
            "name": "Deal",
            "value": Decimal(1000),
            "probability": 50,
            "expected_close": TODAY,
        }
    ),
    "opportunity_criteria_update": Refusal(
        lambda w: {
            "opportunity": w.opportunity,
            "expected_version": w.opportunity.row_version,
            "criteria": [],
        }
    ),
    "opportunity_move": Refusal(
        lambda w: {
            "opportunity": w.opportunity,
            "expected_version": w.opportunity.row_version,
            "to_stage": "information",
        }
    ),
    "opportunity_mark_lost": Refusal(
        lambda w: {
            "opportunity": w.opportunity,
            "expected_version": w.opportunity.row_version,
            "reason": "Price.",
        }
    ),
    "plan_save": Refusal(lambda w: {"account": w.account, "fields": {"year": 2031}}),
    "plan_restore": Refusal(
        lambda w: {
            "account": w.account,
            "plan": w.plan,
            "expected_version": w.plan.row_version,
            "version": w.plan.history.earliest(),
            "fields": ["summary"],
        }
    ),
    "plan_set_status": Refusal(
        lambda w: {"plan": w.plan, "expected_version": w.plan.row_version, "status": "active"}
    ),
    "plan_copy": Refusal(lambda w: {"plan": w.plan, "year": 2032}),
    "objective_save": Refusal(lambda w: {"plan": w.plan, "fields": {"title": "Grow"}}),
    "objective_update_actual": Refusal(
        lambda w: {
            "objective": w.objective,
            "expected_version": w.objective.row_version,
            "actual": Decimal(1),
        }
    ),
    "action_save": Refusal(lambda w: {"objective": w.objective, "fields": {"title": "Call"}}),
    "action_mark_done": Refusal(
        lambda w: {"action": w.action, "expected_version": w.action.row_version}
    ),
    "visit_save": Refusal(
        lambda w: {
            "account": w.account,
            "fields": {"purpose": "Review"},
            "attendees": [],
            "our_attendees": [],
        }
    ),
    "coverage_update_from_visit": Refusal(lambda w: {"visit": w.visit}),
    "visit_report": Refusal(
        lambda w: {
            "account": w.account,
            "visit": w.visit,
            "expected_version": w.visit.row_version,
            "fields": {},
        }
    ),
    "visit_cancel": Refusal(
        lambda w: {"account": w.account, "visit": w.visit, "expected_version": w.visit.row_version}
    ),
    "visit_next_step_done": Refusal(
        lambda w: {"account": w.account, "visit": w.visit, "expected_version": w.visit.row_version}
    ),
    # scoring: the account team scores its account and sends its surveys; admins edit the
    # configuration (criteria, segments, tier rules, survey indicators, the risk model) and
    # run the recalculations.
    "account_assess": Refusal(
        lambda w: {
            "account": w.account,
            "criteria_set": w.criteria_set,
            "values_by_code": {},
            "expected_version": 0,
        }
    ),
    "scorecard_save": Refusal(
        lambda w: {"account": w.account, "expected_version": 0, "fields": {}}
    ),
    "survey_record": Refusal(
        lambda w: {
            "account": w.account,
            "respondent": w.stakeholder,
            "answered_on": TODAY,
            "answers": {},
        },
        actor="recorded_by",
    ),
    "survey_send": Refusal(
        lambda w: {"account": w.account, "respondent": w.stakeholder, "language": "en", "days": 7},
        actor="sent_by",
    ),
    "survey_withdraw": Refusal(
        lambda w: {"survey": w.survey, "expected_version": w.survey.row_version}
    ),
    "survey_delete": Refusal(
        lambda w: {"survey": w.survey, "expected_version": w.survey.row_version}
    ),
    "criteria_draft_start": Refusal(lambda w: {"kind": SetKind.ACCOUNT}),
    "criteria_set_update": Refusal(
        lambda w: {"criteria_set": w.draft, "expected_version": w.draft.row_version, "fields": {}}
    ),
    "criteria_draft_discard": Refusal(
        lambda w: {"criteria_set": w.draft, "expected_version": w.draft.row_version}
    ),
    "criterion_save": Refusal(
        lambda w: {"criteria_set": w.draft, "criterion": None, "fields": {"code": "new"}}
    ),
    "criterion_delete": Refusal(
        lambda w: {"criterion": w.criterion, "expected_version": w.criterion.row_version}
    ),
    "criteria_set_publish": Refusal(
        lambda w: {
            "criteria_set": w.draft,
            "expected_version": w.draft.row_version,
            "change_note": "Because.",
        }
    ),
    "segment_save": Refusal(lambda w: {"segment": None, "fields": {"name": "Ports"}}),
    "segment_delete": Refusal(
        lambda w: {"segment": w.segment, "expected_version": w.segment.row_version}
    ),
    "segment_score": Refusal(
        lambda w: {
            "segment": w.segment,
            "criteria_set": w.criteria_set,
            "values_by_code": {},
            "expected_version": w.segment.row_version,
        }
    ),
    "indicator_save": Refusal(lambda w: {"indicator": w.indicator}),
    "indicator_delete": Refusal(
        lambda w: {"indicator": w.indicator, "expected_version": w.indicator.row_version}
    ),
    "tier_rules_save": Refusal(
        lambda w: {
            "basis": "revenue",
            "method": "threshold",
            "rules": {},
            "expected_version": TierPolicy.objects.get(pk=1).row_version,
        }
    ),
    "tier_rules_apply": Refusal(lambda w: {}),
    "health_run_retry": Refusal(lambda w: {"run": w.run}),
    "health_run_dismiss": Refusal(lambda w: {"run": w.run}),
    "health_recalculation_request": Refusal(lambda w: {}, actor="requested_by"),
    "risk_model_update": Refusal(
        lambda w: {"policy_data": {}, "factor_rows": {}, "expected_version": 0}
    ),
}

# Read helpers that answer "which fields may this user put back": nothing, for a user who may
# not edit (they raise nothing: the history page shows no restore button).
EMPTY_FOR_OUTSIDERS = {
    "restorable_account_fields",
    "restorable_stakeholder_fields",
    "restorable_plan_fields",
}

SERVICES = discovered_services()


def test_every_service_taking_an_actor_says_who_it_refuses():
    registered = set(REFUSALS) | set(NO_RIGHT_TO_CHECK) | EMPTY_FOR_OUTSIDERS
    missing = sorted(set(SERVICES) - registered)
    assert not missing, (
        f"services that take an actor but are not in tests/kam/test_service_policy.py: {missing}"
        " — check the actor's right in the service (accounts.access.require_…) and add a case"
        " to REFUSALS"
    )
    stale = sorted(registered - set(SERVICES))
    assert not stale, f"registered services that no longer exist (or take no actor): {stale}"


def _row_counts() -> dict[str, int]:
    """Rows of every table of the apps, history and outbox included."""
    return {
        model._meta.label: model._base_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    }


@pytest.fixture
def world(db, owner, teammate, outsider, director, admin_user, account):
    return World(owner, teammate, outsider, director, admin_user, account)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_service_refuses_an_actor_without_the_right(world, name):
    refusal = REFUSALS[name]
    arguments = refusal.arguments(world)  # built before the snapshot: only the call counts
    arguments[refusal.actor] = getattr(world, refusal.who)
    before = _row_counts()
    with pytest.raises((PermissionDenied, Http404)):
        SERVICES[name](**arguments)
    assert _row_counts() == before, f"{name} refused {refusal.who} but wrote something"


@pytest.mark.parametrize("name", sorted(EMPTY_FOR_OUTSIDERS))
def test_what_may_be_restored_is_nothing_for_a_user_who_may_not_edit(world, name):
    assert SERVICES[name](world.director, world.account) == set()
    assert SERVICES[name](world.owner, world.account)


def test_none_is_no_actor_for_a_service_that_needs_one(world):
    """A service that needs a person refuses None (a task must say who acts)."""
    with pytest.raises(PermissionDenied):
        SERVICES["account_update"](
            actor=None, account=world.account, expected_version=world.account.row_version
        )
    with pytest.raises(PermissionDenied):
        SERVICES["criteria_set_publish"](
            actor=None,
            criteria_set=world.draft,
            expected_version=world.draft.row_version,
            change_note="Because.",
        )
