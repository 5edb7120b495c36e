"""The top bar shows how many notifications are unread (issue 17, defect 15): on every page, for
one query per page however many places show the count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import Notification

pytestmark = pytest.mark.django_db


def _count_queries(captured) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if "COUNT(" in q["sql"] and '"planning_notification"."read_at" IS NULL' in q["sql"]
    )


def _notify(user, count, read=False):
    from django.utils import timezone

    for number in range(count):
        Notification.objects.create(
            user=user, key=f"n{number}-{read}", text="x", read_at=timezone.now() if read else None
        )


@pytest.mark.parametrize("url_name", ["accounts:list", "my:week", "my:notifications"])
def test_every_page_shows_the_unread_count_for_one_query(url_name, client_for, owner, teammate):
    _notify(owner, 3)
    _notify(owner, 2, read=True)
    _notify(teammate, 4)
    client = client_for(owner)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse(url_name)).content.decode()
    badge = re.search(r'data-testid="unread-badge">(\d+)<', html)
    assert badge and badge.group(1) == "3"
    assert "3 unread notifications" in html
    assert _count_queries(captured) == 1


def test_no_badge_when_all_is_read(client_for, owner):
    _notify(owner, 2, read=True)
    html = client_for(owner).get(reverse("accounts:list")).content.decode()
    assert 'data-testid="nav-notifications" data-unread="0"' in html
    assert 'data-testid="unread-badge"' not in html


def test_reading_everything_clears_the_badge(client_for, owner):
    _notify(owner, 2)
    client = client_for(owner)
    client.post(reverse("my:notifications_read_all"))
    html = client.get(reverse("accounts:list")).content.decode()
    assert 'data-testid="unread-badge"' not in html
