"""Writes of the calendar feed: create it on first use, reset its token."""

from django.db import IntegrityError, transaction

from planning.models import CalendarFeed
from planning.models.reminders import new_feed_token


def feed_of(*, user) -> CalendarFeed:
    """The user's feed, created on first visit (safe if two requests race)."""
    try:
        with transaction.atomic():
            return CalendarFeed.objects.get_or_create(user=user)[0]
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def reset_feed(*, user) -> CalendarFeed:
    """A new token: the old URL answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed
