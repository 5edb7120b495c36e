from scoring.models.assessments import (
    QUADRANT_STRATEGIES,
    Assessment,
    AssessmentSource,
    CriterionScore,
    Quadrant,
)
from scoring.models.criteria import CriteriaSet, Criterion, Dimension, SetKind, SetStatus
from scoring.models.health import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RiskFactor,
    RiskLevel,
    RiskPolicy,
    RunStatus,
    RunTrigger,
    StopReason,
)
from scoring.models.scorecards import PotentialClass, ValueScorecard
from scoring.models.segments import Segment, SegmentScore
from scoring.models.surveys import (
    IndicatorGroup,
    Survey,
    SurveyAnswer,
    SurveyChannel,
    SurveyIndicator,
    SurveyStatus,
)
from scoring.models.tiers import TierBasis, TierMethod, TierPolicy, TierRule

__all__ = [
    "QUADRANT_STRATEGIES",
    "AccountHealth",
    "Assessment",
    "AssessmentSource",
    "CriteriaSet",
    "Criterion",
    "CriterionScore",
    "Dimension",
    "HealthRun",
    "HealthSnapshot",
    "IndicatorGroup",
    "PotentialClass",
    "Quadrant",
    "RiskFactor",
    "RiskLevel",
    "RiskPolicy",
    "RunStatus",
    "RunTrigger",
    "Segment",
    "SegmentScore",
    "SetKind",
    "SetStatus",
    "StopReason",
    "Survey",
    "SurveyAnswer",
    "SurveyChannel",
    "SurveyIndicator",
    "SurveyStatus",
    "TierBasis",
    "TierMethod",
    "TierPolicy",
    "TierRule",
    "ValueScorecard",
]
