from planning.models.losses import LossReason, LossRecord
from planning.models.pipeline import (
    OPEN_STAGES,
    DevelopmentStage,
    Opportunity,
    OpportunityStageChange,
)
from planning.models.plans import AccountPlan, Action, ActionStatus, Objective, PlanStatus
from planning.models.reminders import CalendarFeed, Notification
from planning.models.visits import Commitment, Visit, VisitStatus, VisitType

__all__ = [
    "OPEN_STAGES",
    "AccountPlan",
    "Action",
    "ActionStatus",
    "CalendarFeed",
    "Commitment",
    "DevelopmentStage",
    "LossReason",
    "LossRecord",
    "Notification",
    "Objective",
    "Opportunity",
    "OpportunityStageChange",
    "PlanStatus",
    "Visit",
    "VisitStatus",
    "VisitType",
]
