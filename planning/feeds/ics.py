"""The user's private calendar (RFC 5545), built with the icalendar library: each visit as a
timed event, each open next step as an all-day event. Pure: it receives the visits and a function
that turns a path into an absolute URL, and reads nothing else."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from planning.models import Visit, VisitStatus

VISIT_LENGTH = datetime.timedelta(hours=1)
UID_DOMAIN = "kam"


def visit_uid(visit: Visit) -> str:
    return f"visit-{visit.pk}@{UID_DOMAIN}"


def next_step_uid(visit: Visit) -> str:
    return f"visit-{visit.pk}-next-step@{UID_DOMAIN}"


def _visit_event(visit: Visit, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.starts_at + VISIT_LENGTH)
    event.add(
        "summary",
        _("%(type)s · %(account)s") % {"type": visit.get_kind_display(), "account": visit.account},
    )
    description = _("Objective: %(objective)s") % {"objective": visit.objective}
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED")
    if visit.status == VisitStatus.REPORTED:
        event.add("categories", [str(_("Reported"))])
    return event


def _next_step_event(visit: Visit, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", next_step_uid(visit))
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.next_step_on)
    event.add("dtend", visit.next_step_on + datetime.timedelta(days=1))
    event.add(
        "summary",
        _("Next step: %(step)s · %(account)s")
        % {"step": visit.next_step, "account": visit.account},
    )
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def has_open_next_step(visit: Visit) -> bool:
    return (
        visit.status == VisitStatus.REPORTED
        and bool(visit.next_step)
        and visit.next_step_on is not None
        and not visit.next_step_done
    )


def build_calendar(
    visits: Iterable[Visit], absolute: Callable[[str], str], *, name: str, now=None
) -> bytes:
    stamp = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//KAM//Key account management//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for visit in visits:
        url = absolute(
            reverse("planning:visit_detail", kwargs={"pk": visit.account_id, "visit_pk": visit.pk})
        )
        calendar.add_component(_visit_event(visit, url, stamp))
        if has_open_next_step(visit):
            calendar.add_component(_next_step_event(visit, url, stamp))
    return calendar.to_ical()
