"""Who reaches My week and the calendar pages: signed-in users only, each their own things;
the feed itself is public by its secret token."""

import pytest
from django.test import Client
from django.urls import reverse

from planning.feeds.services import feed_token_issue
from planning.models import CalendarFeed
from tests.access_checks import url_names
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

TESTED = {"my:week", "my:calendar", "my:calendar_reset", "my:calendar_feed"}


def test_every_week_and_calendar_route_is_covered_here():
    names = {n for n in url_names("my") if n.startswith(("my:week", "my:calendar"))}
    assert names == TESTED


@pytest.mark.parametrize("name", ["my:week", "my:calendar"])
def test_anonymous_users_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_anonymous_reset_changes_nothing(client, owner):
    feed, _ = feed_token_issue(user=owner)
    response = client.post(reverse("my:calendar_reset"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert CalendarFeed.objects.get(user=owner).token_hash == feed.token_hash


def test_reset_answers_only_post(owner, client_for):
    assert client_for(owner).get(reverse("my:calendar_reset")).status_code == 405


def test_resetting_changes_only_my_own_link(owner, outsider, client_for):
    theirs, token = feed_token_issue(user=owner)
    client_for(outsider).post(reverse("my:calendar_reset"))
    assert CalendarFeed.objects.get(user=owner).token_hash == theirs.token_hash
    assert Client().get(reverse("my:calendar_feed", kwargs={"token": token})).status_code == 200
    assert CalendarFeed.objects.filter(user=outsider).exists()


def test_the_feed_is_public_by_token_but_never_shows_anothers_visits(account, owner, outsider):
    visit = VisitFactory(account=account, objective="Renew the framework contract")
    _, mine = feed_token_issue(user=outsider)
    body = Client().get(reverse("my:calendar_feed", kwargs={"token": mine})).content
    assert b"BEGIN:VCALENDAR" in body
    assert f"visit-{visit.pk}@".encode() not in body
    assert b"Renew the framework" not in body


def test_my_week_shows_only_my_own_things(account, outsider, client_for):
    VisitFactory(account=account, objective="x")
    html = client_for(outsider).get(reverse("my:week")).content.decode()
    assert "Sinopec Digital" not in html


@pytest.mark.parametrize("token", ["nope", "../week", "%00", "a" * 200])
def test_garbage_tokens_are_a_404(client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404
