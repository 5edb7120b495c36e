"""The daily digest (issue 4 item 7): what is due for a user, as in-app notifications and one
e-mail a day. Everything due comes from My week (`planning.week.queries.week_for`).

Two steps per user, each its own transaction: the notifications first, then the e-mail, which is
only queued (accounts.mail: a worker sends it, retrying while the mail server is down). So a mail
server that is down, or an e-mail that cannot be written, never costs anyone their in-app
notifications (issue 16).

Idempotency: each due item has a key naming the thing and the date it fell due
("action:<pk>:<due date>"). A notification is created once per key and user (a database
constraint). The e-mail is queued when something in it was not e-mailed yet, at most once a user
a day (its queue key is "digest:<user>:<date>"), and `emailed_at` marks what it carries in the
same transaction — so a second run the same day creates and queues nothing.

Alerts: background jobs in other apps write notifications of their own (keys starting with one of
`ALERT_KEY_PREFIXES`, e.g. the churn-risk recalculation's "risk:<account>:<day>"). The digest
knows them only by that prefix (planning never imports the apps above it): each is e-mailed once,
in an "alerts" section at the top.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from accounts import translatable
from accounts.access import ROLES
from accounts.mail import queue_mail, send_after_commit
from accounts.models import AccountTeamMember, User
from planning.models import Notification
from planning.models.reminders import ALERT_KEY_PREFIXES
from planning.week.queries import WeekItem, week_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
TEXT_LENGTH = Notification._meta.get_field("text").max_length
URL_LENGTH = Notification._meta.get_field("url").max_length

# Week sections that are due (upcoming visits and keys without a plan are not reminders), with
# the key prefix of their notifications and the heading they have in the digest.
SECTIONS = (
    ("visits_to_report", "visit_report", gettext_lazy("Visits to report")),
    ("overdue_actions", "action", gettext_lazy("Overdue actions")),
    ("next_steps", "next_step", gettext_lazy("Next steps due")),
    ("keys_not_visited", "not_visited", gettext_lazy("Key accounts not visited within cadence")),
    ("complaints_past_due", "complaint", gettext_lazy("Complaints past due")),
)
ALERTS_HEADING = gettext_lazy("Accounts at high churn risk")


@dataclass(frozen=True)
class DueItem:
    key: str
    section: str
    heading: str
    account_name: str
    text: str
    url: str
    due_on: datetime.date | None
    message: dict

    @property
    def notification_text(self) -> str:
        return Truncator(translatable.render(self.message)).chars(TEXT_LENGTH)


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _due_item_key(prefix: str, item: WeekItem) -> str:
    when = _as_date(item.when)
    stamp = when.isoformat() if when else "never"
    target = item.obj.pk if item.obj is not None else item.account.pk
    return f"{prefix}:{target}:{stamp}"


def user_language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def digest_for(user, today: datetime.date) -> list[DueItem]:
    """Everything due for the user today, in the order of the digest. Texts are in the active
    language: call it inside `translation.override(user_language(user))`."""
    week = week_for(user, today)
    items = []
    for section, prefix, heading in SECTIONS:
        for item in getattr(week, section):
            message = translatable.message(
                gettext_noop("%(account)s · %(section)s: %(text)s"),
                account=item.account.name,
                section=translatable.label(heading),
                text=item.message or str(item.text),
            )
            items.append(
                DueItem(
                    key=_due_item_key(prefix, item),
                    section=section,
                    heading=str(heading),
                    account_name=item.account.name,
                    text=str(item.text),
                    url=item.url[:URL_LENGTH],
                    # Keys not visited have no due date: `when` is their last visit.
                    due_on=None if section == "keys_not_visited" else _as_date(item.when),
                    message=message,
                )
            )
    return items


def _create_notifications(user, items: list[DueItem]) -> list[Notification]:
    keys = [item.key for item in items]
    existing = set(
        Notification.objects.filter(user=user, key__in=keys).values_list("key", flat=True)
    )
    fresh = [
        Notification(
            user=user,
            key=item.key,
            text=item.notification_text,
            message=item.message,
            url=item.url,
            due_on=item.due_on,
        )
        for item in items
        if item.key not in existing
    ]
    # ignore_conflicts covers a concurrent run; the pre-read tells us which rows are new.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return fresh


def _notify(user, today: datetime.date) -> tuple[list[DueItem], list[Notification]]:
    """What is due and the notifications created for it, committed in a transaction of their
    own. Call it inside `translation.override(user_language(user))`."""
    items = digest_for(user, today)
    with transaction.atomic():
        return items, _create_notifications(user, items)


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def alerts_to_email(user) -> list[Notification]:
    """The user's alerts that no digest e-mail has carried yet, oldest first."""
    prefixes = Q()
    for prefix in ALERT_KEY_PREFIXES:
        prefixes |= Q(key__startswith=prefix)
    return list(
        Notification.objects.filter(prefixes, user=user, emailed_at__isnull=True).order_by(
            "created_at", "pk"
        )
    )


def _subject(today, count: int, alerts: int) -> str:
    values = {"count": count, "alerts": alerts, "date": today.isoformat()}
    due = ngettext(
        "KAM: %(count)s thing due on %(date)s", "KAM: %(count)s things due on %(date)s", count
    )
    if not alerts:
        return due % values
    if not count:
        return (
            ngettext(
                "KAM: %(alerts)s alert on %(date)s", "KAM: %(alerts)s alerts on %(date)s", alerts
            )
            % values
        )
    return (
        ngettext(
            "KAM: %(alerts)s alert and %(count)s due on %(date)s",
            "KAM: %(alerts)s alerts and %(count)s due on %(date)s",
            alerts,
        )
        % values
    )


def _digest_mail(user, today, items: list[DueItem], new_keys: set[str], alerts=()):
    """The digest's subject, text and HTML, in the active language."""
    sections = []
    for section, _prefix, heading in SECTIONS:
        rows = [
            {"item": item, "url": _absolute(item.url), "is_new": item.key in new_keys}
            for item in items
            if item.section == section
        ]
        if rows:
            sections.append({"heading": str(heading), "rows": rows})
    context = {
        "user": user,
        "today": today,
        "sections": sections,
        "count": len(items),
        "alerts": [{"notification": n, "url": _absolute(n.url)} for n in alerts],
        "alerts_heading": ALERTS_HEADING,
        "notifications_url": _absolute(reverse("my:notifications")),
    }
    return {
        "subject": _subject(today, len(items), len(alerts)),
        "text": render_to_string("planning/reminders/digest_email.txt", context),
        "html": render_to_string("planning/reminders/digest_email.html", context),
    }


def digest_mail_key(user, today: datetime.date) -> str:
    return f"digest:{user.pk}:{today.isoformat()}"


@dataclass(frozen=True)
class Digest:
    alerts: list[Notification]  # alerts the e-mail carries
    queued: bool  # the day's e-mail was queued (accounts.mail sends it)


@transaction.atomic
def digest_mail_queue(*, user, today: datetime.date, items: list[DueItem]) -> Digest:
    """Queue the day's digest e-mail when the user has an address and something in it was not
    e-mailed yet (a due item or an alert), marking what it carries as e-mailed in the same
    transaction. At most one digest a user a day (its key names the day): a second run the
    same day queues nothing, and anything new waits for tomorrow's. Call it inside
    `translation.override(user_language(user))`. It asks for no sending: the run asks once,
    after all users (send_after_commit)."""
    nothing = Digest(alerts=[], queued=False)
    if not user.email:
        return nothing
    keys = [item.key for item in items]
    unmailed = set(
        Notification.objects.filter(user=user, key__in=keys, emailed_at__isnull=True).values_list(
            "key", flat=True
        )
    )
    alerts = alerts_to_email(user)
    if not (unmailed or alerts):
        return nothing
    queued = queue_mail(
        key=digest_mail_key(user, today),
        kind="digest",
        to=[user.email],
        send_soon=False,
        **_digest_mail(user, today, items, unmailed, alerts),
    )
    if queued is None:
        return nothing
    Notification.objects.filter(
        Q(key__in=keys) | Q(pk__in=[n.pk for n in alerts]), user=user, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    return Digest(alerts=alerts, queued=True)


def digest_recipients():
    """Active users with a KAM role or a place on an account (owner or team)."""
    on_team = AccountTeamMember.objects.order_by().values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=ROLES) | Q(owned_accounts__isnull=False) | Q(pk__in=on_team))
        .distinct()
        .order_by("pk")
    )


def digests_send_daily(today: datetime.date | None = None) -> dict[str, int]:
    """Run the digest for every recipient, in batches. Each user's notifications are their own
    transaction, and the e-mail another after it: one user's failure does not stop the others,
    and a failure to queue the e-mail does not undo the notifications. `failed` counts users
    whose digest could not be written at all (nor the notifications), `mail_failed` those whose
    notifications were written but not the e-mail; both are logged with the traceback."""
    today = today or timezone.localdate()
    ids = list(digest_recipients().values_list("pk", flat=True))
    totals = {
        "users": 0,
        "notifications": 0,
        "alerts": 0,
        "queued": 0,
        "failed": 0,
        "mail_failed": 0,
    }
    for start in range(0, len(ids), BATCH_SIZE):
        for user in User.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).order_by("pk"):
            totals["users"] += 1
            with translation.override(user_language(user)):
                try:
                    items, fresh = _notify(user, today)
                except SoftTimeLimitExceeded:
                    raise  # the run's time is up: stop here (a rerun repeats nothing)
                except Exception:
                    logger.exception("The daily digest failed for user %s", user.pk)
                    totals["failed"] += 1
                    continue
                totals["notifications"] += len(fresh)
                try:
                    # One request to send them all, after the loop, not one task per user.
                    mail = digest_mail_queue(user=user, today=today, items=items)
                except SoftTimeLimitExceeded:
                    raise
                except Exception:
                    logger.exception("The digest e-mail could not be queued for user %s", user.pk)
                    totals["mail_failed"] += 1
                    continue
            totals["alerts"] += len(mail.alerts)
            totals["queued"] += mail.queued
    if totals["queued"]:
        send_after_commit()
    return totals


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (the view loads it through the user)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
