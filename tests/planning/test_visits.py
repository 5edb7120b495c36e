"""Visits: prepare with SPIN questions and attendees, see a card per attendee, report, and the
coverage's last contact follows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Coverage, SocialStyle
from planning.models import Commitment, Visit, VisitStatus
from planning.visits import services
from tests.factories import CoverageFactory, StakeholderFactory, TeamMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def report_data(**overrides):
    data = {
        "outcome": "They agreed to a pilot line.",
        "buying_signals": "Asked about delivery times.",
        "commitment": Commitment.PRELIMINARY,
        "next_step": "Send the pilot proposal",
        "next_step_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "helped_them": "yes",
        "helped_us": "yes",
        "helped_relationship": "no",
    }
    data.update(overrides)
    return data


def report_fields(**overrides):
    fields = {
        "outcome": "Good meeting.",
        "buying_signals": "",
        "commitment": Commitment.DIRECT,
        "next_step": "",
        "next_step_on": None,
        "helped_them": True,
        "helped_us": True,
        "helped_relationship": True,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def people(account):
    boss = StakeholderFactory(
        account=account, name="Liu Yang", influence=5, social_style=SocialStyle.DRIVER
    )
    analyst = StakeholderFactory(
        account=account, name="Chen Jing", influence=2, social_style=SocialStyle.ANALYTICAL
    )
    return boss, analyst


def past_visit(account, people, ours, days_ago=2):
    visit = VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=days_ago))
    visit.attendees.set(people)
    visit.our_attendees.set(ours)
    return visit


def test_a_manager_prepares_a_visit_with_attendees_and_spin_questions(
    client_for, owner, teammate, account, people
):
    boss, analyst = people
    when = timezone.now() + timedelta(days=5)
    response = client_for(owner).post(
        reverse("planning:visit_create", args=[account.pk]),
        {
            "starts_at": local_input(when),
            "kind": "meeting",
            "attendees": [boss.pk, analyst.pk],
            "our_attendees": [owner.pk, teammate.pk],
            "objective": "Agree the pilot scope by 15 December.",
            "situation_questions": "How many lines?\nWho maintains them?",
            "problem_questions": "Where do delays hurt?",
            "implication_questions": "",
            "need_payoff_questions": "What would 48h delivery be worth?",
            "expected_objections": "Price",
            "concession_limit": "5 % discount",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:visit_detail", args=[account.pk, visit.pk])
    assert set(visit.attendees.all()) == {boss, analyst}
    assert set(visit.our_attendees.all()) == {owner, teammate}
    assert visit.status == VisitStatus.PLANNED
    assert visit.created_by == owner
    assert visit.history.first().history_user == owner


def test_the_visit_page_shows_a_card_per_attendee_with_their_style_guidance(
    client_for, owner, account, people
):
    boss, _analyst = people
    visit = past_visit(account, people, [owner])
    html = (
        client_for(owner)
        .get(reverse("planning:visit_detail", args=[account.pk, visit.pk]))
        .content.decode()
    )
    assert html.count('data-testid="attendee-card"') == 2
    assert f'data-stakeholder-id="{boss.pk}"' in html
    assert 'data-style="driver"' in html and 'data-style="analytical"' in html
    assert "Be brief and results-first" in html
    assert "How many lines run our parts today?" in html


def test_the_tab_lists_upcoming_soonest_first_and_visits_to_report_first(
    client_for, owner, account
):
    now = timezone.now()
    later = VisitFactory(account=account, starts_at=now + timedelta(days=9))
    sooner = VisitFactory(account=account, starts_at=now + timedelta(days=2))
    overdue = VisitFactory(account=account, starts_at=now - timedelta(days=3))
    done = VisitFactory(
        account=account,
        starts_at=now - timedelta(days=1),
        status=VisitStatus.REPORTED,
        reported_at=now,
        outcome="ok",
    )
    response = client_for(owner).get(reverse("planning:visits", args=[account.pk]))
    tab = response.context["visits"]
    assert tab.upcoming == [sooner, later]
    assert tab.to_report == [overdue]
    assert tab.reported == [done]
    html = response.content.decode()
    assert html.index(f'data-visit-id="{overdue.pk}"') < html.index(f'data-visit-id="{sooner.pk}"')
    assert 'data-testid="to-report"' in html


def test_reporting_sets_status_and_updates_coverage_for_every_pair(
    client_for, owner, teammate, account, people
):
    boss, analyst = people
    visit = past_visit(account, people, [owner, teammate], days_ago=3)
    visit_day = timezone.localdate(visit.starts_at)
    older = CoverageFactory(
        stakeholder=boss, user=owner, strength=3, last_contact=visit_day - timedelta(days=30)
    )
    response = client_for(owner).post(
        reverse("planning:visit_report", args=[account.pk, visit.pk]),
        report_data(row_version=visit.row_version),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REPORTED
    assert visit.reported_at is not None
    assert visit.helped_relationship is False
    rows = {(c.stakeholder_id, c.user_id): c for c in Coverage.objects.all()}
    assert set(rows) == {(s.pk, u.pk) for s in people for u in (owner, teammate)}
    assert all(c.last_contact == visit_day for c in rows.values())
    assert rows[(boss.pk, owner.pk)].strength == 3  # kept
    assert rows[(analyst.pk, teammate.pk)].strength == 1  # new row: acquainted
    assert older.history.count() == 2
    assert Coverage.history.filter(history_user=owner).count() == 4


def test_reporting_never_moves_a_later_last_contact_backwards(owner, account, people):
    boss, analyst = people
    visit = past_visit(account, people, [owner], days_ago=10)
    recent = timezone.localdate() - timedelta(days=1)
    CoverageFactory(stakeholder=boss, user=owner, last_contact=recent)
    services.visit_report(
        actor=owner,
        account=account,
        visit=visit,
        expected_version=visit.row_version,
        fields=report_fields(),
    )
    assert Coverage.objects.get(stakeholder=boss, user=owner).last_contact == recent
    assert Coverage.objects.get(stakeholder=analyst, user=owner).last_contact == timezone.localdate(
        visit.starts_at
    )


def test_coverage_update_is_set_based(owner, account, django_assert_max_num_queries):
    team = [owner] + [TeamMemberFactory(account=account).user for _ in range(4)]
    people = StakeholderFactory.create_batch(10, account=account)
    visit = past_visit(account, people, team)
    for person in people[:5]:
        CoverageFactory(stakeholder=person, user=owner, last_contact=None)
    visit = Visit.objects.get(pk=visit.pk)
    # 50 pairs: 5 updated and 45 created, in a fixed handful of statements.
    with django_assert_max_num_queries(12):
        written = services.coverage_update_from_visit(actor=owner, visit=visit)
    assert written == 50
    assert Coverage.objects.filter(last_contact=timezone.localdate(visit.starts_at)).count() == 50


def test_reporting_twice_shows_a_message_and_changes_nothing(
    client_for, owner, teammate, account, people
):
    visit = past_visit(account, people, [owner])
    client = client_for(owner)
    url = reverse("planning:visit_report", args=[account.pk, visit.pk])
    opened_at = visit.row_version
    client_for(teammate).post(url, report_data(row_version=opened_at))
    before = Visit.objects.values().get(pk=visit.pk)
    coverage_before = list(Coverage.objects.values_list("pk", "last_contact"))
    # The second report, from a page opened before the first was saved: both are shown.
    response = client.post(url, report_data(outcome="Changed!", row_version=opened_at))
    html = response.content.decode()
    assert f"{teammate} changed this visit" in html
    assert "Changed!" in html and "They agreed to a pilot line." in html
    # Sent again from there, it is refused as a visit already reported, the input still kept.
    again = response.context["form"].data.copy()
    response = client.post(url, again)
    assert "already reported" in response.content.decode()
    assert "Changed!" in response.content.decode()
    assert client.get(url, follow=True).redirect_chain  # the report page itself sends away
    assert Visit.objects.values().get(pk=visit.pk) == before
    assert list(Coverage.objects.values_list("pk", "last_contact")) == coverage_before


def test_a_visit_that_has_not_happened_cannot_be_reported(owner, account, people):
    visit = VisitFactory(account=account, starts_at=timezone.now() + timedelta(days=2))
    with pytest.raises(Exception, match="not taken place"):
        services.visit_report(
            actor=owner,
            account=account,
            visit=visit,
            expected_version=visit.row_version,
            fields=report_fields(),
        )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_cancel_a_planned_visit(client_for, owner, account):
    visit = VisitFactory(account=account)
    response = client_for(owner).post(
        reverse("planning:visit_cancel", args=[account.pk, visit.pk]),
        {"row_version": visit.row_version},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    # A cancelled visit cannot be reported.
    response = client_for(owner).get(reverse("planning:visit_report", args=[account.pk, visit.pk]))
    assert response.status_code == 302


def test_mark_the_next_step_done(client_for, owner, account, people):
    visit = past_visit(account, people, [owner])
    services.visit_report(
        actor=owner,
        account=account,
        visit=visit,
        expected_version=visit.row_version,
        fields=report_fields(
            next_step="Send samples", next_step_on=timezone.localdate() + timedelta(days=3)
        ),
    )
    client = client_for(owner)
    url = reverse("planning:visit_next_step_done", args=[account.pk, visit.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"row_version": visit.row_version}).status_code == 302
    visit.refresh_from_db()
    assert visit.next_step_done is True


def test_editing_a_visit_keeps_an_attendee_who_has_since_left(client_for, owner, account, people):
    boss, analyst = people
    visit = VisitFactory(account=account)
    visit.attendees.set([boss])
    boss.status = "left"
    boss.save()
    client = client_for(owner)
    url = reverse("planning:visit_edit", args=[account.pk, visit.pk])
    form = client.get(url).context["form"]
    assert boss in form.fields["attendees"].queryset
    response = client.post(
        url,
        {
            "starts_at": local_input(visit.starts_at),
            "kind": "call",
            "attendees": [boss.pk, analyst.pk],
            "objective": "New objective",
            "row_version": visit.row_version,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.kind == "call"
    assert set(visit.attendees.all()) == {boss, analyst}


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (VisitStatus.PLANNED, "Who you will meet"),
        (VisitStatus.REPORTED, "Who you met"),
        (VisitStatus.CANCELLED, "Who you were to meet"),
    ],
)
def test_the_attendee_heading_follows_the_visit_status(
    client_for, owner, account, people, status, heading
):
    visit = past_visit(account, people, [owner])
    reported_at = timezone.now() if status == VisitStatus.REPORTED else None
    Visit.objects.filter(pk=visit.pk).update(status=status, reported_at=reported_at)
    html = (
        client_for(owner)
        .get(reverse("planning:visit_detail", args=[account.pk, visit.pk]))
        .content.decode()
    )
    assert f'id="attendees-heading">{heading}</h3>' in html
