"""The frozen picture of an account at the moment it was lost: plain JSON (strings, numbers,
lists, dicts), no ids, so later edits of the map, the plan or the figures never change it.

Codes (buying role, attitude, stage…) are stored as codes and turned into labels when the record is
shown (planning.losses.queries.readable_snapshot), so the record reads in the viewer's language.

Never reads StakeholderPrivateNote: private notes must not leave the account team.

Queries, whatever the size of the map: figures 1, stakeholders 1, coverage 1, plan 1 + objectives
1 + actions 1, opportunities 1, complaints 1.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Account, ComplaintStatus, Coverage
from accounts.queries import trading_indicators
from planning.models.pipeline import OPEN_STAGES
from planning.models.plans import Action, PlanStatus

VERSION = 1

FIGURE_FIELDS = (
    "revenue_12m",
    "revenue_previous_12m",
    "margin_12m",
    "orders_12m",
    "average_order_12m",
    "largest_order_12m",
    "returns_12m",
    "orders_total",
    "trading_since",
    "last_order",
    "average_days_to_pay",
    "outstanding",
    "overdue",
)


def plain(value):
    """A JSON-safe copy of a value: Decimals and dates become strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _figures(account: Account, today: date) -> dict:
    figures = trading_indicators(account, today=today)
    return {name: plain(getattr(figures, name)) for name in FIGURE_FIELDS}


def _stakeholders(account: Account) -> list[dict]:
    # .only() keeps the private note table (and every contact detail) out of the query.
    people = account.stakeholders.select_related("reports_to").only(
        "name",
        "title",
        "department",
        "buying_role",
        "attitude",
        "influence",
        "involvement",
        "status",
        "reports_to__name",
    )
    return [
        {
            "name": person.name,
            "title": person.title,
            "department": person.department,
            "buying_role": person.buying_role,
            "attitude": person.attitude,
            "influence": person.influence,
            "involvement": person.involvement,
            "status": person.status,
            "reports_to": person.reports_to.name if person.reports_to else "",
        }
        for person in people
    ]


def _coverage(account: Account) -> list[dict]:
    rows = (
        Coverage.objects.filter(stakeholder__account=account)
        .select_related("user")
        .only(
            "strength",
            "last_contact",
            "stakeholder__name",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .select_related("stakeholder")
        .order_by("stakeholder__name", "user__username", "pk")
    )
    return [
        {
            "our_person": _person(row.user),
            "stakeholder": row.stakeholder.name,
            "strength": row.strength,
            "last_contact": plain(row.last_contact),
        }
        for row in rows
    ]


def _plan(account: Account, today: date) -> dict | None:
    plan = (
        account.plans.filter(year=today.year, status=PlanStatus.ACTIVE)
        .prefetch_related(
            "objectives",
            Prefetch("objectives__actions", queryset=Action.objects.select_related("owner")),
        )
        .first()
    )
    if plan is None:
        return None
    return {
        "year": plan.year,
        "summary": plan.summary,
        "objectives": [
            {
                "title": objective.title,
                "metric": objective.metric,
                "unit": objective.unit,
                "target": plain(objective.target),
                "actual": plain(objective.actual),
                "due_on": plain(objective.due_on),
                "actions": [
                    {
                        "description": action.description,
                        "owner": _person(action.owner),
                        "due_on": plain(action.due_on),
                        "status": action.status,
                    }
                    for action in objective.actions.all()
                ],
            }
            for objective in plan.objectives.all()
        ],
    }


def _opportunities(account: Account) -> list[dict]:
    rows = account.opportunities.filter(stage__in=OPEN_STAGES).order_by("expected_close", "pk")
    return [
        {
            "name": row.name,
            "stage": row.stage,
            "value": plain(row.value),
            "probability": row.probability,
            "expected_close": plain(row.expected_close),
        }
        for row in rows
    ]


def _complaints(account: Account) -> list[dict]:
    rows = account.complaints.exclude(status=ComplaintStatus.RESOLVED).order_by("opened_on", "pk")
    return [
        {
            "title": row.title,
            "category": row.category,
            "severity": row.severity,
            "status": row.status,
            "opened_on": plain(row.opened_on),
            "due_on": plain(row.due_on),
        }
        for row in rows
    ]


def build_snapshot(account: Account, *, today: date | None = None) -> dict:
    """Everything the team should see later about the account as it was today."""
    today = today or timezone.localdate()
    return {
        "version": VERSION,
        "taken_on": today.isoformat(),
        "account": {
            "name": account.name,
            "category": account.category,
            "owner": _person(account.owner) if account.owner_id else "",
        },
        "figures": _figures(account, today),
        "relationship": {
            "stage": account.relationship_stage,
            "target": account.target_stage,
        },
        "stakeholders": _stakeholders(account),
        "coverage": _coverage(account),
        "plan": _plan(account, today),
        "opportunities": _opportunities(account),
        "complaints": _complaints(account),
    }
