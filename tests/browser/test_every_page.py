"""Every page a manager, a director and an admin can reach, on a 390 px phone, in English and in
Chinese: nothing scrolls sideways and axe-core finds no serious or critical violation.

The pages are built from the route list with real ids from the demo data (`seed_demo`), so a new
page is visited as soon as it is routed; a route the crawl does not visit must say why in
SKIPPED, and `test_every_route_is_visited_or_skipped_with_a_reason` fails on one that does neither.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from accounts import demo as accounts_demo
from accounts.models import (
    Account,
    Complaint,
    ExportJob,
    ImportJob,
    Stakeholder,
    User,
)
from planning.models import AccountPlan, LossRecord, Opportunity, Visit
from scoring.criteria.services import criteria_draft_start
from scoring.models import Assessment, Segment, SetKind, Survey, SurveyIndicator
from tests.browser.conftest import TIMEOUT_MS, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MANAGER, DIRECTOR, ADMIN = "manager", "director", "admin"

# Routes the crawl does not visit, each with the reason. Namespaces ending in ":" cover every
# route of the namespace.
SKIPPED = {
    "admin:": "Django's own admin site: its pages are Django's layout, not KAM's",
    "login": "signed-out page: tests/browser/test_roles.py and test_lockouts.py open it",
    "home": "redirects to My week (manager) or the dashboard (director, admin), both visited",
    "logout": "POST only",
    "set_language": "POST only",
    "healthz": "a probe for the load balancer, plain text",
    "readyz": "a probe for the load balancer, plain text",
    "my:calendar_feed": "an .ics file for calendar programs, not a page",
    "scoring:survey_answer": (
        "the public token page, signed out: tests/browser/test_surveys.py checks it on a phone"
    ),
    "accounts:export_accounts": "file download (or POST that queues a background export)",
    "accounts:export_stakeholders": "file download (or POST that queues a background export)",
    "accounts:export_transactions": "file download (or POST that queues a background export)",
    "accounts:export_job_download": "file download",
    "accounts:import_template": "file download",
    "accounts:import_report": "file download",
    "scoring:dashboard_export": "file download",
    "accounts:export_job_progress": "htmx fragment polled by the export page, visited there",
    "accounts:import_progress": "htmx fragment polled by the import page, visited there",
    "accounts:coverage_edit": "htmx fragment of the coverage matrix (test_coverage.py)",
    "accounts:export_job_retry": "POST only",
    "accounts:import_confirm": "POST only",
    "accounts:import_retry": "POST only",
    "accounts:import_cancel": "POST only",
    "accounts:lockout_lift": "POST only",
    "accounts:lockout_unblock": "POST only",
    "accounts:mail_retry": "POST only",
    "accounts:stakeholder_mark_left": "POST only",
    "accounts:stakeholder_reinstate": "POST only",
    "accounts:team_member_remove": "POST only",
    "accounts:complaint_reopen": "POST only",
    "planning:plan_copy": "POST only",
    "planning:plan_status": "POST only",
    "accounts:stage_change": "POST only (a GET goes back to the Relationship tab)",
    "planning:opportunity_criteria": "POST only (a GET goes back to the opportunity)",
    "planning:opportunity_lost": "POST only (a GET goes back to the opportunity)",
    "planning:plan_action_done": "POST only",
    "planning:visit_cancel": "POST only",
    "planning:visit_next_step_done": "POST only",
    "planning:opportunity_move": "POST only",
    "my:calendar_reset": "POST only",
    "my:notifications_read_all": "POST only",
    "my:notification_read": "POST only",
    "scoring:criteria_draft_create": "POST only",
    "scoring:criteria_draft_delete": "POST only",
    "scoring:criteria_publish": "POST only",
    "scoring:criteria_criterion_delete": "POST only",
    "scoring:tier_apply": "POST only",
    "scoring:health_recalculate": "POST only",
    "scoring:health_run_retry": "POST only",
    "scoring:health_run_dismiss": "POST only",
    "scoring:survey_send": "POST only",
    "scoring:survey_withdraw": "POST only",
    "scoring:survey_delete": "POST only",
    "scoring:segment_delete": "POST only",
    "scoring:survey_indicator_delete": "POST only",
}


@dataclass(frozen=True)
class Visit_:
    route: str
    roles: tuple[str, ...]
    kwargs: Callable[["Ids"], dict] = lambda ids: {}


@dataclass
class Ids:
    """Real ids from the demo data, for the manager's richest account."""

    account: int
    account_version: int
    stakeholder: int
    stakeholder_version: int
    complaint: int
    plan: int
    objective: int
    action: int
    visit: int
    plan_version: int
    opportunity: int
    loss_account: int  # the demo records few losses: maybe on another account
    loss_record: int
    assessment: int
    survey: int
    segment: int
    criteria_set: int
    criterion: int
    indicator: int
    import_mapping: int
    import_checked: int
    export_job: int


def _account(ids: Ids) -> dict:
    return {"pk": ids.account}


ACCOUNT_ROLES = (MANAGER, DIRECTOR)
PAGES = (
    Visit_("accounts:list", (MANAGER, DIRECTOR, ADMIN)),
    Visit_("accounts:create", (MANAGER,)),
    Visit_("accounts:export_jobs", (MANAGER,)),
    Visit_("accounts:export_job", (MANAGER,), lambda ids: {"pk": ids.export_job}),
    Visit_("accounts:import", (ADMIN,)),
    Visit_("accounts:import_mapping", (ADMIN,), lambda ids: {"pk": ids.import_mapping}),
    Visit_("accounts:import_detail", (ADMIN,), lambda ids: {"pk": ids.import_checked}),
    Visit_("accounts:lockouts", (ADMIN,)),
    Visit_("accounts:mail", (ADMIN,)),
    Visit_("accounts:detail", ACCOUNT_ROLES, _account),
    Visit_("accounts:edit", (MANAGER,), _account),
    Visit_("accounts:history", (MANAGER,), _account),
    Visit_(
        "accounts:history_version",
        (MANAGER,),
        lambda ids: {"pk": ids.account, "history_id": ids.account_version},
    ),
    Visit_("accounts:stakeholders", ACCOUNT_ROLES, _account),
    Visit_("accounts:stakeholder_create", (MANAGER,), _account),
    Visit_("accounts:stakeholder_org_chart", ACCOUNT_ROLES, _account),
    Visit_("accounts:stakeholder_power_grid", ACCOUNT_ROLES, _account),
    *(
        Visit_(
            route,
            (MANAGER,),
            lambda ids: {"pk": ids.account, "stakeholder_pk": ids.stakeholder},
        )
        for route in (
            "accounts:stakeholder_detail",
            "accounts:stakeholder_edit",
            "accounts:stakeholder_history",
        )
    ),
    Visit_(
        "accounts:stakeholder_version",
        (MANAGER,),
        lambda ids: {
            "pk": ids.account,
            "stakeholder_pk": ids.stakeholder,
            "history_id": ids.stakeholder_version,
        },
    ),
    Visit_("accounts:coverage", ACCOUNT_ROLES, _account),
    Visit_("accounts:relationship", ACCOUNT_ROLES, _account),
    Visit_("accounts:stage_assessment", (MANAGER,), _account),
    Visit_("accounts:relationship_profile", (MANAGER,), _account),
    Visit_("accounts:team", (MANAGER,), _account),
    Visit_("accounts:transactions", ACCOUNT_ROLES, _account),
    Visit_("accounts:transaction_create", (MANAGER,), _account),
    Visit_("accounts:complaints", ACCOUNT_ROLES, _account),
    Visit_("accounts:complaint_create", (MANAGER,), _account),
    *(
        Visit_(route, (MANAGER,), lambda ids: {"pk": ids.account, "complaint_pk": ids.complaint})
        for route in ("accounts:complaint_edit", "accounts:complaint_resolve")
    ),
    Visit_("planning:plans", ACCOUNT_ROLES, _account),
    Visit_("planning:plan_create", (MANAGER,), _account),
    *(
        Visit_(route, roles, lambda ids: {"pk": ids.account, "plan_pk": ids.plan})
        for route, roles in (
            ("planning:plan_detail", ACCOUNT_ROLES),
            ("planning:plan_edit", (MANAGER,)),
            ("planning:plan_history", (MANAGER,)),
            ("planning:plan_objective_create", (MANAGER,)),
        )
    ),
    Visit_(
        "planning:plan_version",
        (MANAGER,),
        lambda ids: {"pk": ids.account, "plan_pk": ids.plan, "history_id": ids.plan_version},
    ),
    *(
        Visit_(
            route,
            (MANAGER,),
            lambda ids: {"pk": ids.account, "plan_pk": ids.plan, "objective_pk": ids.objective},
        )
        for route in (
            "planning:plan_objective_edit",
            "planning:plan_objective_actual",
            "planning:plan_action_create",
        )
    ),
    Visit_(
        "planning:plan_action_edit",
        (MANAGER,),
        lambda ids: {"pk": ids.account, "plan_pk": ids.plan, "action_pk": ids.action},
    ),
    Visit_("planning:visits", ACCOUNT_ROLES, _account),
    Visit_("planning:visit_create", (MANAGER,), _account),
    *(
        Visit_(route, roles, lambda ids: {"pk": ids.account, "visit_pk": ids.visit})
        for route, roles in (
            ("planning:visit_detail", ACCOUNT_ROLES),
            ("planning:visit_edit", (MANAGER,)),
            ("planning:visit_report", (MANAGER,)),
        )
    ),
    Visit_("planning:pipeline", ACCOUNT_ROLES, _account),
    Visit_("planning:opportunity_list", ACCOUNT_ROLES, _account),
    Visit_("planning:opportunity_create", (MANAGER,), _account),
    *(
        Visit_(route, roles, lambda ids: {"pk": ids.account, "opportunity_pk": ids.opportunity})
        for route, roles in (
            ("planning:opportunity_detail", ACCOUNT_ROLES),
            ("planning:opportunity_edit", (MANAGER,)),
        )
    ),
    Visit_("planning:loss_records", ACCOUNT_ROLES, _account),
    Visit_("planning:loss_record_create", (MANAGER,), _account),
    Visit_(
        "planning:loss_record_detail",
        ACCOUNT_ROLES,
        lambda ids: {"pk": ids.loss_account, "record_pk": ids.loss_record},
    ),
    Visit_("my:week", (MANAGER,)),
    Visit_("my:calendar", (MANAGER,)),
    Visit_("my:notifications", (MANAGER,)),
    Visit_("scoring:scores", ACCOUNT_ROLES, _account),
    Visit_("scoring:score_create", (MANAGER,), _account),
    Visit_(
        "scoring:score_detail",
        ACCOUNT_ROLES,
        lambda ids: {"pk": ids.account, "assessment_pk": ids.assessment},
    ),
    Visit_("scoring:scorecard", ACCOUNT_ROLES, _account),
    Visit_("scoring:scorecard_edit", (MANAGER,), _account),
    Visit_("scoring:health", ACCOUNT_ROLES, _account),
    Visit_("scoring:survey_create", (MANAGER,), _account),
    Visit_(
        "scoring:survey_detail",
        ACCOUNT_ROLES,
        lambda ids: {"pk": ids.account, "survey_pk": ids.survey},
    ),
    Visit_("scoring:matrix", (MANAGER, DIRECTOR)),
    Visit_("scoring:pareto", (DIRECTOR,)),
    Visit_("scoring:dashboard", (DIRECTOR,)),
    Visit_("scoring:dashboard_accounts", (DIRECTOR,)),
    Visit_("scoring:segment_list", (DIRECTOR,)),
    Visit_("scoring:segment_create", (ADMIN,)),
    *(
        Visit_(route, (ADMIN,), lambda ids: {"pk": ids.segment})
        for route in ("scoring:segment_edit", "scoring:segment_score")
    ),
    Visit_("scoring:criteria_list", (ADMIN,)),
    *(
        Visit_(route, (ADMIN,), lambda ids: {"set_pk": ids.criteria_set})
        for route in (
            "scoring:criteria_detail",
            "scoring:criteria_edit",
            "scoring:criteria_preview",
            "scoring:criteria_criterion_create",
        )
    ),
    Visit_(
        "scoring:criteria_criterion_edit",
        (ADMIN,),
        lambda ids: {"set_pk": ids.criteria_set, "criterion_pk": ids.criterion},
    ),
    Visit_("scoring:tier_rules", (DIRECTOR, ADMIN)),
    Visit_("scoring:tier_rules_edit", (ADMIN,)),
    Visit_("scoring:tier_preview", (ADMIN,)),
    Visit_("scoring:health_overview", (DIRECTOR,)),
    Visit_("scoring:health_model", (ADMIN,)),
    Visit_("scoring:health_model_edit", (ADMIN,)),
    Visit_("scoring:health_runs", (ADMIN,)),
    Visit_("scoring:survey_indicators", (ADMIN,)),
    Visit_("scoring:survey_indicator_create", (ADMIN,)),
    Visit_("scoring:survey_indicator_edit", (ADMIN,), lambda ids: {"indicator_pk": ids.indicator}),
)


def route_names() -> set[str]:
    """Every named route of the site, namespaced as `reverse` takes them."""

    def walk(patterns, namespace: str) -> set[str]:
        names = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")
        return names

    return walk(get_resolver().url_patterns, "")


def _skipped(route: str) -> bool:
    return route in SKIPPED or any(key.endswith(":") and route.startswith(key) for key in SKIPPED)


def test_every_route_is_visited_or_skipped_with_a_reason():
    visited = {page.route for page in PAGES}
    routes = route_names()
    neither = sorted(route for route in routes if route not in visited and not _skipped(route))
    assert not neither, f"add these routes to PAGES (or to SKIPPED, with a reason): {neither}"
    both = sorted(route for route in visited if _skipped(route))
    assert not both, f"visited and skipped at once: {both}"
    stale = sorted(
        route
        for route in (visited | set(SKIPPED))
        if not route.endswith(":") and route not in routes
    )
    assert not stale, f"no such route (renamed or removed?): {stale}"
    assert all(reason.strip() for reason in SKIPPED.values())


def _richest_account(manager) -> Account:
    """The manager's account with the most of everything the account pages show."""
    accounts = Account.objects.filter(owner=manager)
    for related in (
        "plans__objectives__actions",
        "opportunities",
        "surveys",
        "complaints",
        "visits",
        "stakeholders",
    ):
        with_it = accounts.filter(**{f"{related}__isnull": False}).distinct()
        if with_it.exists():
            accounts = with_it
    return accounts.order_by("pk").first()


def _a_version(record) -> int:
    """A history entry of the record; the demo writes in bulk, which records none."""
    if not record.history.exists():
        record.save()
    return record.history.first().history_id


def _demo_ids(manager, admin) -> Ids:
    account = _richest_account(manager)
    plan = AccountPlan.objects.filter(account=account, objectives__actions__isnull=False).first()
    objective = plan.objectives.filter(actions__isnull=False).first()
    visit = Visit.objects.filter(account=account).order_by("-pk").first()
    stakeholder = Stakeholder.objects.filter(account=account).first()
    job = {
        "user": admin,
        "kind": "accounts",
        "file_name": "accounts.xlsx",
        "content": b"",
        "language": "en",
        "headers": ["Name", "Category"],
        "preview": [["Haier Smart Home", "Key account"]],
        "row_count": 1,
    }
    mapping = ImportJob.objects.create(**job)
    checked = ImportJob.objects.create(
        **job,
        mapping={"0": "name"},
        status="checked",
        planned={"create": 1, "update": 0, "unchanged": 0, "reject": 0},
        report=[[2, "create", [], []]],
        checked_at=timezone.now(),
    )
    export = ExportJob.objects.create(
        user=manager, kind="accounts", export_format="xlsx", language="en", status="queued"
    )
    criteria_set, _created = criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin)
    loss_record = LossRecord.objects.filter(account__owner=manager).first()
    return Ids(
        account=account.pk,
        account_version=_a_version(account),
        stakeholder=stakeholder.pk,
        stakeholder_version=_a_version(stakeholder),
        complaint=Complaint.objects.filter(account=account).first().pk,
        plan=plan.pk,
        objective=objective.pk,
        action=objective.actions.first().pk,
        visit=visit.pk,
        plan_version=_a_version(plan),
        opportunity=Opportunity.objects.filter(account=account).first().pk,
        loss_account=loss_record.account_id,
        loss_record=loss_record.pk,
        assessment=Assessment.objects.filter(account=account).first().pk,
        survey=Survey.objects.filter(account=account).first().pk,
        segment=Segment.objects.first().pk,
        criteria_set=criteria_set.pk,
        criterion=criteria_set.criteria.first().pk,
        indicator=SurveyIndicator.objects.first().pk,
        import_mapping=mapping.pk,
        import_checked=checked.pk,
        export_job=export.pk,
    )


# The elements that stick out past the right edge, so a failure names what to fix.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
    .filter((el) => !el.closest(".table-responsive, [data-scrolls]"))
    .slice(0, 4)
    .map((el) => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
      ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""));
  return `${root.scrollWidth} px wide for ${root.clientWidth}: ${wide.join(", ")}`;
}"""


def test_every_page_fits_a_phone_and_passes_axe_in_both_languages(browser, live_server):
    started = time.monotonic()
    with override_settings(KAM_DEMO_MODE=True):
        call_command("seed_demo", "--accounts", "12", stdout=StringIO())
    users = {
        login.username: User.objects.get(username=login.username)
        for login in accounts_demo.DEMO_LOGINS
    }
    ids = _demo_ids(users[MANAGER], users[ADMIN])
    seeded = time.monotonic() - started

    problems: list[str] = []
    visits = 0
    for role in (MANAGER, DIRECTOR, ADMIN):
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        log_in(page, users[role], accounts_demo.DEMO_PASSWORD)
        for language in LANGUAGES:
            context.add_cookies(
                [
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": language,
                        "url": live_server.url,
                    }
                ]
            )
            for visit in PAGES:
                if role not in visit.roles:
                    continue
                url = reverse(visit.route, kwargs=visit.kwargs(ids))
                where = f"{role} {language} {visit.route} {url}"
                try:
                    response = page.goto(url)
                except PlaywrightError as error:
                    problems.append(f"{where}: {error.message.splitlines()[0]}")
                    continue
                visits += 1
                if response.status != 200 or page.url != f"{live_server.url}{url}":
                    problems.append(f"{where}: answered {response.status} at {page.url}")
                    continue
                if page.locator("html").get_attribute("lang") != language:
                    problems.append(f"{where}: not in {language}")
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    problems.append(f"{where}: scrolls sideways, {overflow}")
                problems.extend(
                    f"{where}: {violation}"
                    for violation in axe_violations(page, impacts=("serious", "critical"))
                )
                problems.extend(f"{where}: script error {error}" for error in errors)
                errors.clear()
        context.close()
    took = time.monotonic() - started
    print(f"{visits} page visits in {took:.0f} s (seeding {seeded:.0f} s)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
