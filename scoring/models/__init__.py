from scoring.models.assessments import (
    QUADRANT_STRATEGIES,
    Assessment,
    AssessmentSource,
    CriterionScore,
    Quadrant,
)
from scoring.models.criteria import CriteriaSet, Criterion, Dimension, SetKind, SetStatus
from scoring.models.scorecards import PotentialClass, ValueScorecard
from scoring.models.segments import Segment, SegmentScore
from scoring.models.tiers import TierBasis, TierMethod, TierPolicy, TierRule

__all__ = [
    "QUADRANT_STRATEGIES",
    "Assessment",
    "AssessmentSource",
    "CriteriaSet",
    "Criterion",
    "CriterionScore",
    "Dimension",
    "PotentialClass",
    "Quadrant",
    "Segment",
    "SegmentScore",
    "SetKind",
    "SetStatus",
    "TierBasis",
    "TierMethod",
    "TierPolicy",
    "TierRule",
    "ValueScorecard",
]
