"""Writes of the calendar feed: issue a token (creating the feed on first use, replacing the old
token after), of which only the hash is stored."""

from django.db import transaction
from django.utils import timezone

from planning.models import CalendarFeed
from planning.models.reminders import hash_feed_token, new_feed_token


@transaction.atomic
def feed_token_issue(*, user) -> tuple[CalendarFeed, str]:
    """A new private link for the user: returns the feed and its token, which is shown once and
    never stored. Any older link answers 404 from now on."""
    token = new_feed_token()
    # update_or_create locks an existing row and survives two first requests racing.
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_feed_token(token), "created_at": timezone.now()}
    )
    return feed, token
