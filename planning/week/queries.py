"""My week: what the signed-in user should do now, across their accounts (issue 4 item 5).

`week_for(user, today)` is also what the daily digest sends. It reads a fixed number of queries
(seven) whatever the number of accounts, visits, actions or complaints.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts import translatable
from accounts.access import accounts_on_team, scope_to_visible_accounts
from accounts.models import Account, Category, Complaint, ComplaintStatus
from planning.models import AccountPlan, Action, ActionStatus, PlanStatus, Visit, VisitStatus

UPCOMING_DAYS = 14
NEXT_STEP_DAYS = 7


@dataclass(frozen=True)
class WeekItem:
    """One thing to do: a short text, where it is fixed, and when it is (was) due."""

    text: str
    url: str
    account: Account
    when: datetime.date | datetime.datetime | None = None
    days: int | None = None  # days overdue, or since the last visit
    obj: object = None
    # The text as a message (planning.reminders.messages) when KAM wrote it, so a notification
    # made from it reads in its reader's language; None when the text is the user's own words.
    message: dict | None = None


@dataclass(frozen=True)
class Week:
    today: datetime.date
    upcoming_visits: list[WeekItem] = field(default_factory=list)
    visits_to_report: list[WeekItem] = field(default_factory=list)
    overdue_actions: list[WeekItem] = field(default_factory=list)
    next_steps: list[WeekItem] = field(default_factory=list)
    keys_without_plan: list[WeekItem] = field(default_factory=list)
    keys_not_visited: list[WeekItem] = field(default_factory=list)
    complaints_past_due: list[WeekItem] = field(default_factory=list)

    SECTIONS = (
        "visits_to_report",
        "overdue_actions",
        "next_steps",
        "complaints_past_due",
        "upcoming_visits",
        "keys_without_plan",
        "keys_not_visited",
    )

    @property
    def total(self) -> int:
        return sum(len(getattr(self, name)) for name in self.SECTIONS)

    @property
    def to_do_count(self) -> int:
        """Everything but the upcoming visits, which are not late."""
        return self.total - len(self.upcoming_visits)


def my_visits(user) -> QuerySet[Visit]:
    """Visits the user attends, or on accounts they own, on accounts they can see."""
    attending = Visit.our_attendees.through.objects.filter(user=user).values("visit_id")
    visits = Visit.objects.filter(Q(pk__in=attending) | Q(account__owner=user))
    return scope_to_visible_accounts(user, visits)


def _visit_url(visit: Visit, name: str = "planning:visit_detail") -> str:
    return reverse(name, kwargs={"pk": visit.account_id, "visit_pk": visit.pk})


def _visit_message(visit: Visit) -> dict:
    return translatable.message(
        gettext_noop("%(type)s with %(account)s"),
        type=translatable.label(visit.get_kind_display()),
        account=visit.account.name,
    )


def week_for(user, today: datetime.date | None = None) -> Week:
    today = today or timezone.localdate()
    now = timezone.now()
    if not user.is_authenticated or not user.is_active:
        return Week(today=today)
    tz = timezone.get_current_timezone()
    horizon = datetime.datetime.combine(
        today + datetime.timedelta(days=UPCOMING_DAYS + 1), datetime.time.min, tzinfo=tz
    )
    mine = accounts_on_team(user).values("pk")
    visits = (
        my_visits(user)
        .select_related("account")
        .only("pk", "kind", "starts_at", "status", "objective", "account__name", "account_id")
    )

    upcoming = [
        WeekItem(
            text=translatable.render(_visit_message(v)),
            message=_visit_message(v),
            url=_visit_url(v),
            account=v.account,
            when=v.starts_at,
            obj=v,
        )
        for v in visits.filter(
            status=VisitStatus.PLANNED, starts_at__gte=now, starts_at__lt=horizon
        ).order_by("starts_at", "pk")
    ]
    to_report = [
        WeekItem(
            text=translatable.render(_visit_message(v)),
            message=_visit_message(v),
            url=_visit_url(v, "planning:visit_report"),
            account=v.account,
            when=v.starts_at,
            days=(today - timezone.localtime(v.starts_at).date()).days,
            obj=v,
        )
        for v in visits.filter(status=VisitStatus.PLANNED, starts_at__lt=now).order_by(
            "starts_at", "pk"
        )
    ]

    actions = scope_to_visible_accounts(
        user,
        Action.objects.filter(
            owner=user,
            status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
            due_on__lt=today,
        ),
        "objective__plan__account",
    ).select_related("objective__plan__account")
    overdue_actions = [
        WeekItem(
            text=a.description,
            url=reverse(
                "planning:plan_detail",
                kwargs={"pk": a.objective.plan.account_id, "plan_pk": a.objective.plan_id},
            ),
            account=a.objective.plan.account,
            when=a.due_on,
            days=(today - a.due_on).days,
            obj=a,
        )
        for a in actions.order_by("due_on", "pk")
    ]

    next_steps = [
        WeekItem(
            text=v.next_step,
            url=_visit_url(v),
            account=v.account,
            when=v.next_step_on,
            days=(today - v.next_step_on).days,
            obj=v,
        )
        for v in Visit.objects.filter(
            account__in=mine,
            status=VisitStatus.REPORTED,
            next_step_done=False,
            next_step_on__lte=today + datetime.timedelta(days=NEXT_STEP_DAYS),
        )
        .exclude(next_step="")
        .select_related("account")
        .order_by("next_step_on", "pk")
    ]

    keys = accounts_on_team(user).filter(category=Category.KEY).select_related("tier")
    active_plan = AccountPlan.objects.filter(
        account=OuterRef("pk"), status=PlanStatus.ACTIVE, year=today.year
    )
    no_plan = translatable.message(gettext_noop("No active plan for %(year)s"), year=today.year)
    keys_without_plan = [
        WeekItem(
            text=translatable.render(no_plan),
            message=no_plan,
            url=reverse("planning:plans", kwargs={"pk": a.pk}),
            account=a,
        )
        for a in keys.filter(~Exists(active_plan)).order_by("name", "pk")
    ]

    last_reported = (
        Visit.objects.filter(account=OuterRef("pk"), status=VisitStatus.REPORTED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    keys_not_visited = []
    for a in keys.annotate(last_visit=Subquery(last_reported)).order_by("name", "pk"):
        cadence = a.tier.visit_cadence_days if a.tier else None
        if a.last_visit is None:
            days = None
            message = translatable.message(gettext_noop("Never visited"))
        else:
            days = (today - timezone.localtime(a.last_visit).date()).days
            if cadence is None or days <= cadence:
                continue
            message = translatable.message(
                gettext_noop("Last visited %(days)s days ago (every %(cadence)s days)"),
                days=days,
                cadence=cadence,
            )
        keys_not_visited.append(
            WeekItem(
                text=translatable.render(message),
                message=message,
                url=reverse("planning:visits", kwargs={"pk": a.pk}),
                account=a,
                when=a.last_visit,
                days=days,
            )
        )
    # Never visited first, then the longest since the last visit.
    keys_not_visited.sort(key=lambda item: (item.days is not None, -(item.days or 0)))

    complaints = [
        WeekItem(
            text=c.title,
            url=reverse(
                "accounts:complaint_edit", kwargs={"pk": c.account_id, "complaint_pk": c.pk}
            ),
            account=c.account,
            when=c.due_on,
            days=(today - c.due_on).days,
            obj=c,
        )
        for c in Complaint.objects.filter(account__in=mine, due_on__lt=today)
        .exclude(status=ComplaintStatus.RESOLVED)
        .select_related("account")
        .order_by("due_on", "pk")
    ]

    return Week(
        today=today,
        upcoming_visits=upcoming,
        visits_to_report=to_report,
        overdue_actions=overdue_actions,
        next_steps=next_steps,
        keys_without_plan=keys_without_plan,
        keys_not_visited=keys_not_visited,
        complaints_past_due=complaints,
    )
