"""The notifications page: only the signed-in user's own notifications, unread first; marking
read is a POST; anonymous users go to the login page; the page's queries do not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning.models import Notification
from tests.access_checks import url_names
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(user, key, **fields):
    fields.setdefault("text", f"Due: {key}")
    fields.setdefault("url", "/accounts/")
    return Notification.objects.create(user=user, key=key, **fields)


def my_urls(notification):
    return {
        "my:notifications": reverse("my:notifications"),
        "my:notifications_read_all": reverse("my:notifications_read_all"),
        "my:notification_read": reverse("my:notification_read", args=[notification.pk]),
    }


def snapshot():
    return list(Notification.objects.values_list("pk", "read_at").order_by("pk"))


def test_every_notification_url_is_covered_by_these_tests(owner):
    names = {n for n in url_names("my") if n.startswith("my:notification")}
    assert names == set(my_urls(notify(owner, "a")))


def test_anonymous_users_are_sent_to_log_in(owner):
    urls = my_urls(notify(owner, "a"))
    before = snapshot()
    for url in urls.values():
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code == 302, f"{method} {url}"
            assert response.url.startswith(reverse("login"))
    assert snapshot() == before


def test_another_users_notification_is_a_404_and_stays_unread(client_for, owner, outsider):
    theirs = notify(owner, "theirs")
    client = client_for(outsider)

    response = client.post(reverse("my:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    assert client.post(reverse("my:notification_read", args=[999999])).status_code == 404
    client.post(reverse("my:notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = client.get(reverse("my:notifications")).content.decode()
    assert "Due: theirs" not in page


def test_marking_read_is_a_post(client_for, owner):
    mine = notify(owner, "mine")
    response = client_for(owner).get(reverse("my:notification_read", args=[mine.pk]))
    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_page_lists_unread_first_each_linking_to_its_page(client_for, owner):
    old_unread = notify(owner, "old", url="/accounts/1/visits/")
    read = notify(owner, "read", read_at=timezone.now())
    new_unread = notify(owner, "new", url="/accounts/2/plans/")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )

    response = client_for(owner).get(reverse("my:notifications"))

    assert response.status_code == 200
    rows = list(response.context["notifications"])
    assert rows == [new_unread, old_unread, read]
    html = response.content.decode()
    assert '<a href="/accounts/2/plans/">Due: new</a>' in html
    assert html.count('data-testid="mark-read"') == 2


def test_mark_one_and_mark_all_as_read(client_for, owner):
    first, second = notify(owner, "a"), notify(owner, "b")
    client = client_for(owner)

    response = client.post(reverse("my:notification_read", args=[first.pk]))
    assert response.status_code == 302 and response.url == reverse("my:notifications")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    client.post(reverse("my:notifications_read_all"))
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()


def test_read_redirects_only_to_this_site(client_for, owner):
    mine = notify(owner, "a")
    url = reverse("my:notification_read", args=[mine.pk])
    client = client_for(owner)
    assert client.post(url, {"next": "https://evil.example/"}).url == reverse("my:notifications")
    assert client.post(url, {"next": "/accounts/"}).url == "/accounts/"


@pytest.mark.parametrize("page", ["abc", "0", "9999", "-1"])
def test_a_garbage_page_number_is_a_normal_page(client_for, owner, page):
    notify(owner, "a")
    assert client_for(owner).get(reverse("my:notifications"), {"page": page}).status_code == 200


def count_queries(client):
    url = reverse("my:notifications")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def read_at(i):
    return None if i % 2 else timezone.now()


def test_the_page_does_not_grow_with_notifications(client_for):
    counts = []
    for size in (5, 200):
        user = UserFactory()
        Notification.objects.bulk_create(
            Notification(
                user=user, key=f"k{i}", text=f"Item {i}", read_at=None if i % 2 else timezone.now()
            )
            for i in range(size)
        )
        counts.append(count_queries(client_for(user)))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 notifications, {counts[1]} with 200"
    assert counts[1] <= 10
