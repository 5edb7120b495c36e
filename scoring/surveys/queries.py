"""Read side of the surveys: an account's surveys and the trend of its satisfaction index, one
survey with its answers laid out for the detail page, and the indicators for the editor and the
answer forms. Every function takes an account already fetched through accounts.access."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.http import Http404

from scoring import engine
from scoring.geometry import TrendChart
from scoring.models import Survey, SurveyAnswer, SurveyIndicator, SurveyStatus
from scoring.models.surveys import IndicatorGroup
from scoring.surveys import charts

SURVEYS_LISTED = 20
TREND_SURVEYS = 24  # the trend line shows the latest completed surveys; older ones crowd it


@dataclass
class SurveySummary:
    surveys: list[Survey]  # the latest, completed and pending, newest first, with respondent
    trend: TrendChart
    latest_index: Decimal | None
    latest_on: object = None  # the date of the latest completed survey
    pending_count: int = 0
    completed_count: int = 0
    total_count: int = 0
    previous_index: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """The latest index against the one before it."""
        if self.latest_index is None or self.previous_index is None:
            return None
        return self.latest_index - self.previous_index


def survey_summary(account) -> SurveySummary:
    """Three queries however many surveys the account has."""
    surveys = list(
        Survey.objects.filter(account=account)
        .select_related("respondent")
        # Links still waiting for an answer (no date yet) first, then the newest answers.
        .order_by(F("answered_on").desc(nulls_first=True), "-created_at", "-pk")[:SURVEYS_LISTED]
    )
    completed = list(
        Survey.objects.filter(account=account, status=SurveyStatus.COMPLETED)
        .order_by("-answered_on", "-completed_at", "-pk")
        .only("pk", "answered_on", "satisfaction_index")[:TREND_SURVEYS]
    )
    completed.reverse()
    counts = Survey.objects.filter(account=account).aggregate(
        pending=Count("pk", filter=Q(status=SurveyStatus.SENT)),
        completed=Count("pk", filter=Q(status=SurveyStatus.COMPLETED)),
        total=Count("pk"),
    )
    return SurveySummary(
        surveys=surveys,
        trend=charts.trend_chart(completed),
        latest_index=completed[-1].satisfaction_index if completed else None,
        latest_on=completed[-1].answered_on if completed else None,
        previous_index=completed[-2].satisfaction_index if len(completed) > 1 else None,
        pending_count=counts["pending"],
        completed_count=counts["completed"],
        total_count=counts["total"],
    )


def get_survey_or_404(account, survey_pk) -> Survey:
    """A survey of this account (already scoped to the user); another account's survey is 404."""
    survey = (
        Survey.objects.select_related("respondent", "created_by", "account")
        .filter(account=account, pk=survey_pk)
        .first()
    )
    if survey is None:
        raise Http404
    return survey


@dataclass(frozen=True)
class AnswerRow:
    key: str
    label: str
    group: str
    group_label: str
    importance: int
    performance: int
    is_active: bool

    @property
    def gap(self) -> int:
        return engine.survey_gap(self.importance, self.performance)

    @property
    def quadrant(self) -> str:
        return engine.importance_performance_quadrant(self.importance, self.performance)

    @property
    def quadrant_label(self) -> str:
        return charts.quadrant_label(self.quadrant)


@dataclass
class SurveyResult:
    rows: list[AnswerRow]
    chart: charts.IPChart
    groups: list[tuple[str, list[AnswerRow]]] = field(default_factory=list)

    @property
    def by_gap(self) -> list[AnswerRow]:
        """Worst gap first: where the customer gets least of what matters to them."""
        return sorted(self.rows, key=lambda row: (row.gap, -row.importance, row.label))

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(engine.IP_QUADRANTS, 0)
        for row in self.rows:
            found[row.quadrant] += 1
        return found


def survey_result(survey: Survey) -> SurveyResult:
    """One query for the answers with their indicators."""
    group_labels = dict(IndicatorGroup.choices)
    rows = [
        AnswerRow(
            key=answer.indicator.code,
            label=answer.indicator.label,
            group=answer.indicator.group,
            group_label=group_labels.get(answer.indicator.group, answer.indicator.group),
            importance=answer.importance,
            performance=answer.performance,
            is_active=answer.indicator.is_active,
        )
        for answer in SurveyAnswer.objects.filter(survey=survey)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__pk")
    ]
    groups = [
        (label, [row for row in rows if row.group == key])
        for key, label in IndicatorGroup.choices
        if any(row.group == key for row in rows)
    ]
    return SurveyResult(rows=rows, chart=charts.importance_performance_chart(rows), groups=groups)


def active_indicators() -> list[SurveyIndicator]:
    return list(SurveyIndicator.objects.filter(is_active=True).order_by("position", "pk"))


def indicators_for_editor() -> list[tuple[str, list[SurveyIndicator]]]:
    """Every indicator, asked and retired, grouped, each with `answer_count`."""
    indicators = list(
        SurveyIndicator.objects.annotate(answer_count=Count("answers")).order_by("position", "pk")
    )
    return [
        (label, [i for i in indicators if i.group == key]) for key, label in IndicatorGroup.choices
    ]


def active_stakeholders(account):
    return account.stakeholders.filter(status="active").order_by("name", "pk")
