"""What the calendar feed shows: the user's visits and the open next steps of those visits.
Two queries whatever the number of visits."""

from __future__ import annotations

import datetime
import re

from django.db.models import QuerySet
from django.utils import timezone

from planning.models import CalendarFeed, Visit, VisitStatus
from planning.models.reminders import hash_feed_token
from planning.week.queries import my_visits

# How far back the feed goes: enough for "what did we do last quarter", bounded for big teams.
HISTORY_DAYS = 365
# Tokens are secrets.token_urlsafe: anything else is not a token (and never reaches the database).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def feed_for_token_or_none(token: str) -> CalendarFeed | None:
    # The pattern check looks at what was sent only; the lookup is by the token's hash, so
    # neither takes a time that depends on a stored secret.
    if not TOKEN_RE.fullmatch(token):
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed


def feed_of_user(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).only("pk", "created_at").first()


def feed_visits(user, *, now=None) -> QuerySet[Visit]:
    """Planned and reported visits the user attends or whose account they own (never
    cancelled ones), from a year ago on. Only the fields the feed prints are read."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    return (
        my_visits(user)
        .filter(status__in=[VisitStatus.PLANNED, VisitStatus.REPORTED], starts_at__gte=since)
        .select_related("account")
        .only(
            "pk",
            "kind",
            "status",
            "starts_at",
            "objective",
            "next_step",
            "next_step_on",
            "next_step_done",
            "account_id",
            "account__name",
        )
        .order_by("starts_at", "pk")
    )
