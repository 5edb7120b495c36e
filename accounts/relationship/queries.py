"""Read side of the relationship: the stage timeline, the current assessment and the summary the
Relationship tab and the Overview draw from. Always for an already-scoped account."""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import Account, RelationshipStage, StageAssessment, StageChange
from accounts.relationship import ladder


def stage_timeline(account: Account) -> QuerySet[StageChange]:
    """Every stage change, newest first, with who made it (one query)."""
    return account.stage_changes.select_related("changed_by").order_by("-changed_at", "-pk")


def latest_assessment(account: Account) -> StageAssessment | None:
    return (
        account.stage_assessments.select_related("assessed_by")
        .order_by("-assessed_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class RelationshipSummary:
    steps: list[ladder.Step]
    assessment: StageAssessment | None
    intent: ladder.QuadrantChart
    positioning: ladder.QuadrantChart
    decision_style_guide: str
    stage_guide: ladder.StageGuide

    @property
    def suggested_stage(self) -> str:
        return self.assessment.suggested_stage if self.assessment else ""

    @property
    def suggested_label(self) -> str:
        return RelationshipStage(self.suggested_stage).label if self.suggested_stage else ""

    @property
    def mismatch(self) -> bool:
        return bool(self.assessment) and self.suggested_stage != self.current_stage

    current_stage: str = ""


def relationship_summary(account: Account) -> RelationshipSummary:
    """The ladder, the latest assessment and both 2x2s, in one query (the assessment)."""
    assessment = latest_assessment(account)
    suggested = assessment.suggested_stage if assessment else ""
    return RelationshipSummary(
        steps=ladder.ladder_steps(account.relationship_stage, account.target_stage, suggested),
        assessment=assessment,
        intent=ladder.intent_chart(account.seller_intent, account.buyer_intent),
        positioning=ladder.positioning_chart(account.offering_importance, account.relative_spend),
        decision_style_guide=ladder.DECISION_STYLE_GUIDES.get(account.decision_style, ""),
        stage_guide=ladder.STAGE_GUIDES[account.relationship_stage],
        current_stage=account.relationship_stage,
    )
