"""The churn-risk model the recalculation runs: the admin's policy and factor rules (RiskPolicy,
RiskFactor) as one value object, and the rules a model must keep before it is saved
(scoring.health.services.risk_model_update saves it)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from scoring import engine
from scoring.health import explain
from scoring.health.inputs import Windows
from scoring.models import RiskFactor, RiskPolicy


@dataclass(frozen=True)
class RiskModel:
    rules: tuple[engine.FactorRule, ...]
    medium_from: int
    high_from: int
    satisfaction_window_days: int

    def days(self, code: str, default: int) -> int:
        for rule in self.rules:
            if rule.code == code and rule.days:
                return rule.days
        return default

    @property
    def windows(self) -> Windows:
        return Windows(
            satisfaction=self.satisfaction_window_days,
            revenue=self.days(engine.REVENUE_TREND, 90),
            overdue_grace=self.days(engine.OVERDUE_RECEIVABLES, 30),
            silence=self.days(engine.COMPLAINT_SILENCE, 120),
            decision_maker=self.days(engine.DECISION_MAKER, 180),
            regression=self.days(engine.STAGE_REGRESSION, 365),
        )

    def level(self, score: int) -> str:
        return engine.risk_level(score, self.medium_from, self.high_from)


def current_risk_model() -> RiskModel:
    policy = RiskPolicy.objects.get_or_create(pk=1)[0]
    return RiskModel(
        rules=tuple(factor.as_rule() for factor in RiskFactor.objects.all()),
        medium_from=policy.medium_from,
        high_from=policy.high_from,
        satisfaction_window_days=policy.satisfaction_window_days,
    )


@dataclass(frozen=True)
class FactorValues:
    weight: int
    start: Decimal
    full: Decimal
    days: int | None


def weight_field(code: str) -> str:
    return f"weight_{code}"


def start_field(code: str) -> str:
    return f"start_{code}"


def full_field(code: str) -> str:
    return f"full_{code}"


def days_field(code: str) -> str:
    return f"days_{code}"


def validate_risk_model(policy_data: dict, factors: Mapping[str, FactorValues]) -> None:
    """Raise a ValidationError keyed by the editor's field names (weight_<code>, days_<code>…)
    for a model the engine cannot run or that says something other than it means."""
    errors: dict[str, str] = {}
    medium, high = policy_data.get("medium_from"), policy_data.get("high_from")
    if medium is not None and high is not None and medium >= high:
        errors["high_from"] = _("High risk must start above medium risk (%(medium)s).") % {
            "medium": medium
        }
    for code, values in factors.items():
        if code not in engine.RISK_FACTORS:
            errors[weight_field(code)] = _("Unknown factor.")
            continue
        if not 0 <= values.weight <= 100:
            errors[weight_field(code)] = _("Give a weight from 0 to 100.")
        if values.start == values.full:
            errors[full_field(code)] = _(
                "“Full weight at” must differ from “counts from”: the factor needs a range."
            )
        uses_days = code in explain.FACTOR_DAYS
        if uses_days and values.days is None:
            errors[days_field(code)] = _("This factor needs its number of days.")
        elif uses_days and not 1 <= values.days <= 1095:
            errors[days_field(code)] = _("Give a number of days from 1 to 1095.")
        elif not uses_days and values.days is not None:
            errors[days_field(code)] = _("This factor does not use days: leave it empty.")
    if errors:
        raise ValidationError(errors)
