"""The private calendar feed: the settings page, the .ics by token, resetting the link."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from planning.feeds.ics import next_step_uid, visit_uid
from planning.feeds.services import feed_token_issue
from planning.models import CalendarFeed, VisitStatus
from tests.factories import AccountFactory, PrivateNoteFactory, StakeholderFactory, VisitFactory

pytestmark = pytest.mark.django_db


def feed_url(user):
    """A new link for the user (any older one stops working)."""
    _, token = feed_token_issue(user=user)
    return reverse("my:calendar_feed", kwargs={"token": token})


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def reported(account, **kwargs):
    when = timezone.now() - timedelta(days=2)
    return VisitFactory(
        account=account,
        starts_at=when,
        status=VisitStatus.REPORTED,
        reported_at=when,
        outcome="Good talk.",
        **kwargs,
    )


def test_the_link_is_shown_once_when_created_and_never_again(owner, client_for):
    client = client_for(owner)
    first = client.get(reverse("my:calendar"))
    assert first.status_code == 200
    assert 'data-testid="calendar-no-feed"' in first.content.decode()
    assert not CalendarFeed.objects.exists(), "a visit to the page creates nothing"

    created = client.post(reverse("my:calendar_reset"))

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    html = created.content.decode()
    url = created.context["feed_url"]
    assert url in html and "the only time KAM shows this link" in html
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert Client().get(url).status_code == 200
    # Afterwards the page says a link exists and when it was made, but not what it is.
    later = client.get(reverse("my:calendar")).content.decode()
    assert token not in later
    assert 'data-testid="calendar-feed-exists"' in later and 'data-testid="calendar-reset"' in later


def test_the_database_never_holds_the_token(owner):
    feed, token = feed_token_issue(user=owner)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM planning_calendarfeed")
        stored = cursor.fetchall()
        columns = [column.name for column in cursor.description]
    assert token not in repr(stored)
    assert "token" not in columns
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_the_page_reads_a_bounded_number_of_queries(owner, client_for):
    client = client_for(owner)
    client.get(reverse("my:calendar"))  # the session and user are loaded once per request
    with CaptureQueriesContext(connection) as without_feed:
        client.get(reverse("my:calendar"))
    feed_token_issue(user=owner)
    with CaptureQueriesContext(connection) as with_feed:
        client.get(reverse("my:calendar"))
    assert len(with_feed) == len(without_feed) <= 6


def test_the_feed_lists_my_visits_and_open_next_steps_as_valid_icalendar(account, owner):
    planned = VisitFactory(account=account, kind="meeting")
    done = reported(account, next_step="Send the quote", next_step_on=timezone.localdate())
    cancelled = VisitFactory(account=account, status=VisitStatus.CANCELLED)
    events = parse(Client().get(feed_url(owner)))
    assert set(events) == {visit_uid(planned), visit_uid(done), next_step_uid(done)}
    assert visit_uid(cancelled) not in events
    event = events[visit_uid(planned)]
    assert event.decoded("DTSTART") == planned.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert str(event["SUMMARY"]) == "Meeting · Sinopec Digital"
    assert planned.objective in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/accounts/{account.pk}/visits/{planned.pk}/")
    step = events[next_step_uid(done)]
    assert step.decoded("DTSTART") == timezone.localdate()  # an all-day date
    assert "Send the quote" in str(step["SUMMARY"])


def test_uids_are_stable_between_downloads(account, owner):
    VisitFactory(account=account)
    url = feed_url(owner)
    assert set(parse(Client().get(url))) == set(parse(Client().get(url)))


def test_a_teammate_gets_only_the_visits_they_attend(account, teammate):
    attending = VisitFactory(account=account)
    attending.our_attendees.add(teammate)
    VisitFactory(account=account)
    assert set(parse(Client().get(feed_url(teammate)))) == {visit_uid(attending)}


def test_another_users_visits_never_appear(account, outsider):
    VisitFactory(account=account)
    other = VisitFactory(account=AccountFactory(owner=outsider))
    assert set(parse(Client().get(feed_url(outsider)))) == {visit_uid(other)}


def test_it_never_includes_private_notes(account, owner):
    person = StakeholderFactory(account=account)
    PrivateNoteFactory(stakeholder=person, interests="Secret: likes golf on Sundays")
    visit = VisitFactory(account=account)
    visit.attendees.add(person)
    assert b"likes golf" not in Client().get(feed_url(owner)).content


def test_an_unknown_token_is_a_404():
    assert Client().get(reverse("my:calendar_feed", kwargs={"token": "nope"})).status_code == 404


def test_resetting_the_link_makes_the_old_url_a_404(owner, teammate, client_for):
    old = feed_url(owner)
    others = feed_url(teammate)
    response = client_for(owner).post(reverse("my:calendar_reset"))
    assert response.status_code == 200
    assert Client().get(old).status_code == 404
    assert Client().get(response.context["feed_url"]).status_code == 200
    assert Client().get(others).status_code == 200, "another user's link is untouched"


def test_an_inactive_users_feed_is_a_404(owner):
    url = feed_url(owner)
    owner.is_active = False
    owner.save()
    assert Client().get(url).status_code == 404


def test_the_feed_does_not_grow_with_visits(owner, teammate):
    def count(user, n):
        account = AccountFactory(owner=user)
        for i in range(n):
            reported(account, next_step=f"Step {i}", next_step_on=timezone.localdate())
        url = feed_url(user)
        with CaptureQueriesContext(connection) as captured:
            parse(Client().get(url))
        return len(captured)

    few, many = count(owner, 5), count(teammate, 200)
    assert few == many, f"{few} queries with 5 visits, {many} with 200"
    assert many <= 6
