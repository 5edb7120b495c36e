from planning.models.pipeline import (
    OPEN_STAGES,
    DevelopmentStage,
    Opportunity,
    OpportunityStageChange,
)
from planning.models.plans import AccountPlan, Action, ActionStatus, Objective, PlanStatus
from planning.models.visits import Commitment, Visit, VisitStatus, VisitType

__all__ = [
    "OPEN_STAGES",
    "AccountPlan",
    "Action",
    "ActionStatus",
    "Commitment",
    "DevelopmentStage",
    "Objective",
    "Opportunity",
    "OpportunityStageChange",
    "PlanStatus",
    "Visit",
    "VisitStatus",
    "VisitType",
]
