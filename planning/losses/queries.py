"""Read side of lost accounts, for an account loaded through accounts.access."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.shortcuts import get_object_or_404

from accounts.models import (
    Account,
    Attitude,
    BuyingRole,
    Category,
    ComplaintCategory,
    ComplaintStatus,
    CoverageStrength,
    RelationshipStage,
    Severity,
    StakeholderStatus,
)
from planning.models.losses import LossRecord
from planning.models.pipeline import DevelopmentStage
from planning.models.plans import ActionStatus


def loss_records(account: Account) -> list[LossRecord]:
    """The account's loss records, newest first, with who recorded them (one query)."""
    return list(account.loss_records.select_related("recorded_by").defer("snapshot"))


def get_record_or_404(account: Account, record_pk) -> LossRecord:
    return get_object_or_404(account.loss_records.select_related("recorded_by"), pk=record_pk)


def _label(choices, code) -> str:
    if code in (None, ""):
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except (InvalidOperation, TypeError, ValueError):
        return None


@dataclass
class ReadableSnapshot:
    """The frozen snapshot with codes turned into labels and strings back into dates and money,
    ready for the template."""

    taken_on: date | None
    account: dict
    figures: dict
    relationship: dict
    stakeholders: list[dict] = field(default_factory=list)
    coverage: list[dict] = field(default_factory=list)
    plan: dict | None = None
    opportunities: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)


MONEY_FIGURES = (
    "revenue_12m",
    "revenue_previous_12m",
    "margin_12m",
    "average_order_12m",
    "largest_order_12m",
    "returns_12m",
    "outstanding",
    "overdue",
)


def readable_snapshot(snapshot: dict) -> ReadableSnapshot:
    """Pure: no queries. Unknown or missing parts of an older snapshot read as empty."""
    snapshot = snapshot if isinstance(snapshot, dict) else {}
    figures = dict(snapshot.get("figures") or {})
    for name in MONEY_FIGURES:
        figures[name] = _decimal(figures.get(name))
    for name in ("trading_since", "last_order"):
        figures[name] = _date(figures.get(name))
    account = dict(snapshot.get("account") or {})
    account["category_label"] = _label(Category, account.get("category"))
    relationship = dict(snapshot.get("relationship") or {})
    relationship["stage_label"] = _label(RelationshipStage, relationship.get("stage"))
    relationship["target_label"] = _label(RelationshipStage, relationship.get("target"))
    stakeholders = [
        {
            **person,
            "buying_role_label": _label(BuyingRole, person.get("buying_role")),
            "attitude_label": _label(Attitude, person.get("attitude")),
            "status_label": _label(StakeholderStatus, person.get("status")),
            "has_left": person.get("status") == StakeholderStatus.LEFT,
        }
        for person in snapshot.get("stakeholders") or []
    ]
    coverage = [
        {
            **row,
            "strength_label": _label(CoverageStrength, row.get("strength")),
            "last_contact": _date(row.get("last_contact")),
        }
        for row in snapshot.get("coverage") or []
    ]
    plan = snapshot.get("plan")
    if plan:
        plan = {
            **plan,
            "objectives": [
                {
                    **objective,
                    "target": _decimal(objective.get("target")),
                    "actual": _decimal(objective.get("actual")),
                    "due_on": _date(objective.get("due_on")),
                    "actions": [
                        {
                            **action,
                            "due_on": _date(action.get("due_on")),
                            "status_label": _label(ActionStatus, action.get("status")),
                        }
                        for action in objective.get("actions") or []
                    ],
                }
                for objective in plan.get("objectives") or []
            ],
        }
    opportunities = [
        {
            **row,
            "stage_label": _label(DevelopmentStage, row.get("stage")),
            "value": _decimal(row.get("value")),
            "expected_close": _date(row.get("expected_close")),
        }
        for row in snapshot.get("opportunities") or []
    ]
    complaints = [
        {
            **row,
            "category_label": _label(ComplaintCategory, row.get("category")),
            "severity_label": _label(Severity, row.get("severity")),
            "status_label": _label(ComplaintStatus, row.get("status")),
            "opened_on": _date(row.get("opened_on")),
            "due_on": _date(row.get("due_on")),
        }
        for row in snapshot.get("complaints") or []
    ]
    return ReadableSnapshot(
        taken_on=_date(snapshot.get("taken_on")),
        account=account,
        figures=figures,
        relationship=relationship,
        stakeholders=stakeholders,
        coverage=coverage,
        plan=plan,
        opportunities=opportunities,
        complaints=complaints,
    )
