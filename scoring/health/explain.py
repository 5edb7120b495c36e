"""The churn-risk factors in plain words, in the reader's language: each stored factor (points
and the facts behind them, see engine.risk_score_json) becomes one sentence such as "No visit for 63
days; the cadence is 30 days". Shared by the Health tab, the health overview and the alerts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.formatting import money
from scoring import engine

FACTOR_NAMES = {
    engine.CONTACT_RECENCY: gettext_lazy("Contact recency"),
    engine.SATISFACTION_LEVEL: gettext_lazy("Satisfaction level"),
    engine.SATISFACTION_TREND: gettext_lazy("Satisfaction trend"),
    engine.REVENUE_TREND: gettext_lazy("Revenue trend"),
    engine.OVERDUE_RECEIVABLES: gettext_lazy("Overdue receivables"),
    engine.COMPLAINTS_PAST_DUE: gettext_lazy("Complaints past due"),
    engine.COMPLAINT_SILENCE: gettext_lazy("Complaint silence"),
    engine.SINGLE_THREADED: gettext_lazy("Single-threaded coverage"),
    engine.DECISION_MAKER: gettext_lazy("Decision maker left or opposed"),
    engine.STAGE_REGRESSION: gettext_lazy("Relationship-stage regression"),
}

# What x is for each factor, and what its "days" setting means (the risk-model editor shows them).
FACTOR_MEASURES = {
    engine.CONTACT_RECENCY: gettext_lazy(
        "Days since the last reported visit, as a multiple of the tier's visit cadence."
    ),
    engine.SATISFACTION_LEVEL: gettext_lazy(
        "The satisfaction index (0–100), averaged over the surveys of the satisfaction window."
    ),
    engine.SATISFACTION_TREND: gettext_lazy(
        "The change of the satisfaction index against the window before, in points."
    ),
    engine.REVENUE_TREND: gettext_lazy(
        "The change of revenue in the last N days against the N days before, in %."
    ),
    engine.OVERDUE_RECEIVABLES: gettext_lazy(
        "Receivables more than N days past due, as a percentage of the last 12 months' revenue."
    ),
    engine.COMPLAINTS_PAST_DUE: gettext_lazy("Open complaints past their due date."),
    engine.COMPLAINT_SILENCE: gettext_lazy(
        "Complaints in the year before N days without any (none in those days)."
    ),
    engine.SINGLE_THREADED: gettext_lazy(
        "How many of our people have a relationship with an active stakeholder."
    ),
    engine.DECISION_MAKER: gettext_lazy(
        "Active decision makers opposed to us, plus decision makers who left in the last N days."
    ),
    engine.STAGE_REGRESSION: gettext_lazy("Moves down the relationship ladder in the last N days."),
}

FACTOR_DAYS = {
    engine.REVENUE_TREND: gettext_lazy("N, the length of each revenue period"),
    engine.OVERDUE_RECEIVABLES: gettext_lazy("N, the days past due that are tolerated"),
    engine.COMPLAINT_SILENCE: gettext_lazy("N, the days of silence"),
    engine.DECISION_MAKER: gettext_lazy("N, how recent a departure counts"),
    engine.STAGE_REGRESSION: gettext_lazy("N, how recent a regression counts"),
}


@dataclass(frozen=True)
class ExplainedFactor:
    code: str
    name: str
    points: int
    weight: int
    text: str

    @property
    def share(self) -> int:
        """How much of its weight the factor used, in % (for the bar)."""
        return round(100 * self.points / self.weight) if self.weight else 0


def _contact(f) -> str:
    if f.get("days") is None:
        return _("No reported visit on record; the cadence is every %(cadence)s days.") % f
    if f["days"] == 0:
        return _("Visited today; the cadence is every %(cadence)s days.") % f
    return (
        ngettext(
            "Last visit %(days)s day ago; the cadence is every %(cadence)s days.",
            "No visit for %(days)s days; the cadence is every %(cadence)s days.",
            f["days"],
        )
        % f
    )


def _satisfaction_level(f) -> str:
    if f.get("satisfaction") is None:
        return _("No survey in the satisfaction window: not counted.")
    return _("Satisfaction index %(value)s.") % {"value": _number(f["satisfaction"])}


def _satisfaction_trend(f) -> str:
    if f.get("change") is None:
        return _("No earlier survey to compare with: not counted.")
    change = Decimal(f["change"])
    values = {
        "value": _number(f["satisfaction"]),
        "before": _number(f["before"]),
        "change": _number(abs(change)),
    }
    if change < 0:
        return _("Satisfaction fell %(change)s points, from %(before)s to %(value)s.") % values
    if change > 0:
        return _("Satisfaction rose %(change)s points, from %(before)s to %(value)s.") % values
    return _("Satisfaction unchanged at %(value)s.") % values


def _revenue(f) -> str:
    values = {
        "days": f.get("days"),
        "recent": money(f["recent"]),
        "before": money(f["before"]),
        "change": f.get("change_percent"),
    }
    if f.get("change_percent") is None:
        return _("No revenue in the %(days)s days before the last %(days)s: not counted.") % values
    return (
        _(
            "Revenue in the last %(days)s days %(recent)s against %(before)s in the %(days)s "
            "days before (%(change)s %%)."
        )
        % values
    )


def _overdue(f) -> str:
    if Decimal(f["overdue"]) <= 0:
        return _("Nothing more than %(days)s days past due.") % {"days": f.get("grace_days")}
    values = {
        "amount": money(f["overdue"]),
        "days": f.get("grace_days"),
        "oldest": f.get("oldest_days"),
        "share": f.get("share_percent"),
    }
    if f.get("share_percent") is None:
        return (
            _("%(amount)s more than %(days)s days past due, and no revenue in 12 months.") % values
        )
    return (
        _(
            "%(amount)s more than %(days)s days past due (%(share)s %% of 12 months' revenue); "
            "the oldest is %(oldest)s days past due."
        )
        % values
    )


def _complaints_past_due(f) -> str:
    if not f["count"]:
        return _("No open complaint past its due date.")
    return (
        ngettext(
            "%(count)s open complaint past its due date.",
            "%(count)s open complaints past their due date.",
            f["count"],
        )
        % f
    )


def _silence(f) -> str:
    if f["recent"]:
        return (
            ngettext(
                "%(recent)s complaint in the last %(days)s days: still talking to us.",
                "%(recent)s complaints in the last %(days)s days: still talking to us.",
                f["recent"],
            )
            % f
        )
    if not f["before"]:
        return _("No complaints in the year before the last %(days)s days.") % f
    return (
        ngettext(
            "%(before)s complaint in the year before, then none for %(days)s days.",
            "%(before)s complaints in the year before, then none for %(days)s days.",
            f["before"],
        )
        % f
    )


def _single_threaded(f) -> str:
    if f["people"] == 0:
        return _("Nobody on our team has a relationship there.")
    return (
        ngettext(
            "%(people)s of our people has a relationship there.",
            "%(people)s of our people have relationships there.",
            f["people"],
        )
        % f
    )


def _decision_maker(f) -> str:
    parts = []
    if f["opposed"]:
        parts.append(
            ngettext(
                "%(opposed)s decision maker opposes us.",
                "%(opposed)s decision makers oppose us.",
                f["opposed"],
            )
            % f
        )
    if f["left"]:
        parts.append(
            ngettext(
                "%(left)s decision maker left in the last %(days)s days.",
                "%(left)s decision makers left in the last %(days)s days.",
                f["left"],
            )
            % f
        )
    return " ".join(parts) or _("No decision maker opposed or gone.")


def _regression(f) -> str:
    if not f["count"]:
        return _("No move down the ladder in the last %(days)s days.") % f
    return (
        ngettext(
            "Moved down the relationship ladder %(count)s time in the last %(days)s days.",
            "Moved down the relationship ladder %(count)s times in the last %(days)s days.",
            f["count"],
        )
        % f
    )


WORDS = {
    engine.CONTACT_RECENCY: _contact,
    engine.SATISFACTION_LEVEL: _satisfaction_level,
    engine.SATISFACTION_TREND: _satisfaction_trend,
    engine.REVENUE_TREND: _revenue,
    engine.OVERDUE_RECEIVABLES: _overdue,
    engine.COMPLAINTS_PAST_DUE: _complaints_past_due,
    engine.COMPLAINT_SILENCE: _silence,
    engine.SINGLE_THREADED: _single_threaded,
    engine.DECISION_MAKER: _decision_maker,
    engine.STAGE_REGRESSION: _regression,
}


def _number(value) -> str:
    """52.50 → 52.5, 60.00 → 60."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def explain(factor: dict) -> ExplainedFactor:
    """One stored factor (AccountHealth.factors item) in words."""
    code = factor["code"]
    return ExplainedFactor(
        code=code,
        name=str(FACTOR_NAMES.get(code, code)),
        points=factor["points"],
        weight=factor["weight"],
        text=WORDS[code](factor) if code in WORDS else "",
    )


def explain_all(factors: list[dict]) -> list[ExplainedFactor]:
    """Every factor, the ones that add the most first (ties in the model's order)."""
    explained = [explain(f) for f in factors if f.get("code") in WORDS]
    return sorted(explained, key=lambda f: -f.points)


def top_reasons(factors: list[dict], limit: int = 3) -> list[ExplainedFactor]:
    """The factors that add points, most first."""
    return [f for f in explain_all(factors) if f.points > 0][:limit]


def reasons_sentence(factors: list[dict], limit: int = 3) -> str:
    """ "No visit for 63 days; the cadence is every 30 days (+11) · …" for notifications."""
    return " · ".join(f"{f.text.rstrip('.。')} (+{f.points})" for f in top_reasons(factors, limit))
