"""Migration planning 0005_feed_token_hash, run for real: a calendar subscribed before it (a
plain token in the table) keeps working after it, and afterwards the table holds only hashes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

BEFORE = ("planning", "0004_row_versions")
AFTER = ("planning", "0005_feed_token_hash")

# Schema changes run outside a test's transaction: the tables are emptied afterwards, as after
# the browser tests.
pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def migrate_to_latest() -> None:
    """Every app's last migration again: going back to BEFORE also unapplied what came after
    AFTER (in planning and in the apps that depend on it), which the tests after this one need."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_subscribed_url_keeps_working_after_the_tokens_are_hashed():
    owner = UserFactory(username="subscriber", first_name="Mei", last_name="Subscriber")
    other = UserFactory(username="other")
    old_apps = migrate(BEFORE)
    try:
        OldFeed = old_apps.get_model("planning", "CalendarFeed")
        OldFeed.objects.create(
            user_id=owner.pk, token="Subscribed-Token_1", created_at=timezone.now()
        )
        OldFeed.objects.create(user_id=other.pk, token="Other-Token_2", created_at=timezone.now())
    finally:
        migrate(AFTER)
        migrate_to_latest()

    feed = Client().get(reverse("my:calendar_feed", kwargs={"token": "Subscribed-Token_1"}))
    assert feed.status_code == 200 and feed.content.startswith(b"BEGIN:VCALENDAR")
    assert b"Mei Subscriber" in feed.content  # the calendar name: the owner's own feed
    assert (
        Client().get(reverse("my:calendar_feed", kwargs={"token": "Other-Token_2"})).status_code
        == 200
    )
    assert Client().get(reverse("my:calendar_feed", kwargs={"token": "Wrong"})).status_code == 404
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM planning_calendarfeed")
        stored = repr(cursor.fetchall())
    assert "Subscribed-Token_1" not in stored and "Other-Token_2" not in stored
