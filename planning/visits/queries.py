"""Read side of visits, for an already-scoped account: the Visits tab, the visit page with a card
per attendee, and the people a visit may invite. Each reads a fixed number of queries whatever the
number of visits or attendees."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.coverage.queries import team_seats
from accounts.models import Account, Stakeholder, StakeholderStatus
from accounts.stakeholders.guidance import StyleGuidance, guidance_for
from accounts.stakeholders.queries import ROLE_TAGS
from planning.models import Visit, VisitStatus

ATTENDEE_FIELDS = (
    "name",
    "title",
    "buying_role",
    "attitude",
    "influence",
    "social_style",
    "status",
    "left_on",
    "account_id",
)


def _with_people(queryset: QuerySet[Visit]) -> QuerySet[Visit]:
    return queryset.prefetch_related(
        Prefetch(
            "attendees",
            queryset=Stakeholder.objects.only(*ATTENDEE_FIELDS).order_by("-influence", "name"),
        ),
        "our_attendees",
    )


@dataclass(frozen=True)
class VisitTab:
    upcoming: list[Visit]
    to_report: list[Visit]
    reported: list[Visit]
    cancelled: list[Visit]

    @property
    def is_empty(self) -> bool:
        return not (self.upcoming or self.to_report or self.reported or self.cancelled)


def visits_for_tab(account: Account, *, now=None) -> VisitTab:
    """Upcoming visits soonest first; past ones with those still to report first (oldest first,
    they are the most overdue), then reported and cancelled ones, latest first. Three queries."""
    now = now or timezone.now()
    visits = list(_with_people(account.visits.order_by("-starts_at", "-pk")))
    planned = [v for v in visits if v.status == VisitStatus.PLANNED]
    return VisitTab(
        upcoming=sorted((v for v in planned if v.starts_at >= now), key=lambda v: v.starts_at),
        to_report=sorted((v for v in planned if v.starts_at < now), key=lambda v: v.starts_at),
        reported=[v for v in visits if v.status == VisitStatus.REPORTED],
        cancelled=[v for v in visits if v.status == VisitStatus.CANCELLED],
    )


def get_visit_or_404(account: Account, visit_pk) -> Visit:
    return get_object_or_404(_with_people(account.visits.select_related("created_by")), pk=visit_pk)


@dataclass(frozen=True)
class AttendeeCard:
    """One of their people at the visit, with how to work with them."""

    stakeholder: Stakeholder
    role_tag: str
    guidance: StyleGuidance | None

    @property
    def influence_dots(self) -> list[bool]:
        return [i < self.stakeholder.influence for i in range(5)]


def attendee_cards(visit: Visit) -> list[AttendeeCard]:
    """Uses the attendees prefetched by get_visit_or_404: no query."""
    return [
        AttendeeCard(
            stakeholder=person,
            role_tag=str(ROLE_TAGS.get(person.buying_role, "")),
            guidance=guidance_for(person.social_style),
        )
        for person in visit.attendees.all()
    ]


def invitable_stakeholders(account: Account, visit: Visit | None = None) -> QuerySet[Stakeholder]:
    """The account's active stakeholders, plus anyone already invited who has since left (so
    editing the visit does not silently drop them)."""
    people = Stakeholder.objects.filter(account_id=account.pk)
    active = people.filter(status=StakeholderStatus.ACTIVE)
    if visit is not None and visit.pk:
        active = people.filter(status=StakeholderStatus.ACTIVE) | people.filter(visits=visit)
    return active.distinct().only(*ATTENDEE_FIELDS).order_by("-influence", "name")


def team_users(account: Account) -> list:
    """Our account team: the owner first, then members (prefetched with the account)."""
    return [seat.user for seat in team_seats(account)]
