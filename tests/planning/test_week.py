"""My week: what the signed-in user should do now, across their accounts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import ActionStatus, Notification, PlanStatus, VisitStatus
from planning.week.queries import week_for
from tests.factories import (
    AccountFactory,
    ActionFactory,
    ComplaintFactory,
    ObjectiveFactory,
    PlanFactory,
    VisitFactory,
    tier,
)

pytestmark = pytest.mark.django_db


def reported(account, *, days_ago=3, **kwargs):
    when = timezone.now() - timedelta(days=days_ago)
    return VisitFactory(
        account=account,
        starts_at=when,
        status=VisitStatus.REPORTED,
        reported_at=when,
        outcome="Agreed next steps.",
        **kwargs,
    )


def test_it_lists_upcoming_visits_of_the_next_two_weeks_only(account, owner):
    soon = VisitFactory(account=account, starts_at=timezone.now() + timedelta(days=2))
    VisitFactory(account=account, starts_at=timezone.now() + timedelta(days=20))
    week = week_for(owner, timezone.localdate())
    assert [item.obj for item in week.upcoming_visits] == [soon]
    assert week.upcoming_visits[0].url == reverse(
        "planning:visit_detail", kwargs={"pk": account.pk, "visit_pk": soon.pk}
    )
    assert "Sinopec Digital" in week.upcoming_visits[0].text


def test_a_teammate_sees_visits_they_attend_but_not_the_others(account, teammate):
    attending = VisitFactory(account=account)
    attending.our_attendees.add(teammate)
    VisitFactory(account=account)
    week = week_for(teammate, timezone.localdate())
    assert [item.obj for item in week.upcoming_visits] == [attending]


def test_it_lists_planned_visits_whose_time_has_passed_as_to_report(account, owner):
    past = VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=2))
    reported(account)
    week = week_for(owner, timezone.localdate())
    assert [item.obj for item in week.visits_to_report] == [past]
    assert week.visits_to_report[0].url.endswith(f"/visits/{past.pk}/report/")
    assert week.visits_to_report[0].days == 2


def test_it_lists_my_overdue_open_actions_only(account, owner, teammate):
    today = timezone.localdate()
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    late = ActionFactory(objective=objective, owner=owner, due_on=today - timedelta(days=3))
    ActionFactory(objective=objective, owner=owner, due_on=today + timedelta(days=3))
    ActionFactory(
        objective=objective,
        owner=owner,
        due_on=today - timedelta(days=3),
        status=ActionStatus.DONE,
        done_on=today,
    )
    ActionFactory(objective=objective, owner=teammate, due_on=today - timedelta(days=3))
    week = week_for(owner, today)
    assert [item.obj for item in week.overdue_actions] == [late]
    assert week.overdue_actions[0].url == reverse(
        "planning:plan_detail", kwargs={"pk": account.pk, "plan_pk": objective.plan_id}
    )


def test_it_lists_open_next_steps_due_within_a_week_or_overdue(account, teammate):
    today = timezone.localdate()
    tomorrow = reported(account, next_step="Send the quote", next_step_on=today + timedelta(1))
    overdue = reported(account, next_step="Call back", next_step_on=today - timedelta(days=4))
    reported(account, next_step="Later", next_step_on=today + timedelta(days=20))
    reported(account, next_step="Done", next_step_on=today, next_step_done=True)
    # A teammate sees the next steps of every visit of the team's accounts.
    week = week_for(teammate, today)
    assert [item.obj for item in week.next_steps] == [overdue, tomorrow]
    assert week.next_steps[1].text == "Send the quote"


def test_it_lists_key_accounts_without_an_active_plan_for_this_year(owner):
    today = timezone.localdate()
    planned = AccountFactory(owner=owner, category="key")
    PlanFactory(account=planned)
    draft_only = AccountFactory(owner=owner, category="key", name="Draft Only Ltd")
    PlanFactory(account=draft_only, status=PlanStatus.DRAFT)
    AccountFactory(owner=owner, category="normal")
    week = week_for(owner, today)
    assert [item.account for item in week.keys_without_plan] == [draft_only]
    assert week.keys_without_plan[0].url == reverse("planning:plans", kwargs={"pk": draft_only.pk})


def test_it_lists_key_accounts_not_visited_within_their_tier_cadence(owner):
    today = timezone.localdate()
    fresh = AccountFactory(owner=owner, category="key", tier=tier("gold"))
    reported(fresh, days_ago=10)
    stale = AccountFactory(owner=owner, category="key", tier=tier("platinum"))
    reported(stale, days_ago=20)
    never = AccountFactory(owner=owner, category="key", tier=tier("iron"))
    week = week_for(owner, today)
    assert [item.account for item in week.keys_not_visited] == [never, stale]
    assert week.keys_not_visited[0].days is None
    assert week.keys_not_visited[1].days == 20
    assert week.keys_not_visited[1].url == reverse("planning:visits", kwargs={"pk": stale.pk})


def test_it_lists_open_complaints_past_due(account, owner):
    today = timezone.localdate()
    late = ComplaintFactory(
        account=account, opened_on=today - timedelta(10), due_on=today - timedelta(2)
    )
    ComplaintFactory(account=account, opened_on=today, due_on=today + timedelta(2))
    ComplaintFactory(
        account=account,
        opened_on=today - timedelta(10),
        due_on=today - timedelta(2),
        status="resolved",
        resolved_on=today,
        resolution="Replaced the batch.",
    )
    week = week_for(owner, today)
    assert [item.obj for item in week.complaints_past_due] == [late]


def test_another_users_things_never_appear(account, outsider):
    today = timezone.localdate()
    VisitFactory(account=account)
    VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=1))
    reported(account, next_step="Send the quote", next_step_on=today)
    ComplaintFactory(account=account, opened_on=today - timedelta(10), due_on=today - timedelta(2))
    account.category = "key"
    account.save()
    week = week_for(outsider, today)
    assert week.total == 0


def test_the_page_shows_each_section_with_links_and_all_is_well_states(account, owner, client_for):
    today = timezone.localdate()
    visit = reported(account, next_step="Send the quote", next_step_on=today + timedelta(1))
    Notification.objects.create(user=owner, key="a", text="Something")
    response = client_for(owner).get(reverse("my:week"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Send the quote" in html
    assert reverse("planning:visit_detail", kwargs={"pk": account.pk, "visit_pk": visit.pk}) in html
    assert 'data-testid="week-next_steps"' in html
    assert 'data-testid="unread-notifications"' in html
    assert "No overdue actions" in html


def test_managers_land_on_my_week_and_directors_on_the_dashboard(owner, director, client_for):
    assert client_for(owner).get(reverse("home")).url == reverse("my:week")
    assert client_for(director).get(reverse("home")).url == reverse("scoring:dashboard")


def test_each_item_names_its_account_first_and_its_link_says_what_it_opens(
    account, owner, client_for
):
    today = timezone.localdate()
    reported(account, next_step="Send the quote", next_step_on=today + timedelta(1))
    html = client_for(owner).get(reverse("my:week")).content.decode()
    section = html[html.index('data-testid="week-next_steps"') :]
    item = section[section.index('class="list-group-item week-item"') : section.index("</li>")]
    assert item.index('data-testid="week-item-account"') < item.index(
        'data-testid="week-item-link"'
    )
    assert (
        f'<span class="fw-semibold text-body" data-testid="week-item-account">{account.name}'
        in item
    )
    link = item[item.rindex("<a ", 0, item.index('data-testid="week-item-link"')) :]
    link = link[: link.index("</a>")]
    assert f'aria-label="Open the visit: {account.name}"' in link
    assert link.endswith(">Open the visit")
    assert "Send the quote" not in link
    assert "Send the quote" in item
