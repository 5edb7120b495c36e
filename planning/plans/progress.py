"""The plan's rules, without the database: how far an objective has come, whether it is behind
schedule or overdue, whether an action is overdue, and how a date moves when a plan is copied."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

CLOSED_ACTION_STATUSES = frozenset({"done", "cancelled"})


def progress_share(baseline: Decimal, target: Decimal, actual: Decimal) -> float:
    """How far `actual` has come from `baseline` towards `target`, between 0 and 1. Works for
    targets below the baseline too (cut complaints from 40 to 10: 25 is half way)."""
    span = Decimal(target) - Decimal(baseline)
    if span == 0:
        reached = Decimal(actual) >= Decimal(target)
        return 1.0 if reached else 0.0
    share = float((Decimal(actual) - Decimal(baseline)) / span)
    return min(max(share, 0.0), 1.0)


def time_share(year_start: date, due_on: date, today: date) -> float:
    """The share of the time between the plan's year start and the due date that has passed,
    between 0 and 1."""
    if today <= year_start:
        return 0.0
    if due_on <= year_start or today >= due_on:
        return 1.0
    return (today - year_start).days / (due_on - year_start).days


def is_behind_schedule(
    *, year_start: date, due_on: date, today: date, baseline, target, actual
) -> bool:
    """Behind schedule: the progress made is below the share of the time elapsed. A reached
    target is never behind."""
    progress = progress_share(baseline, target, actual)
    if progress >= 1.0:
        return False
    return progress < time_share(year_start, due_on, today)


def is_objective_overdue(*, due_on: date, today: date, baseline, target, actual) -> bool:
    """Past its due date without reaching the target."""
    return due_on < today and progress_share(baseline, target, actual) < 1.0


def is_action_overdue(*, status: str, due_on: date, today: date) -> bool:
    """Not done or cancelled, and past its due date."""
    return status not in CLOSED_ACTION_STATUSES and due_on < today


def shift_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ObjectiveStatus:
    progress: float  # 0..1
    elapsed: float  # 0..1
    behind: bool
    overdue: bool

    @property
    def progress_percent(self) -> int:
        return round(self.progress * 100)

    @property
    def elapsed_percent(self) -> int:
        return round(self.elapsed * 100)


def objective_status(*, year: int, due_on: date, today: date, baseline, target, actual):
    year_start = date(year, 1, 1)
    return ObjectiveStatus(
        progress=progress_share(baseline, target, actual),
        elapsed=time_share(year_start, due_on, today),
        behind=is_behind_schedule(
            year_start=year_start,
            due_on=due_on,
            today=today,
            baseline=baseline,
            target=target,
            actual=actual,
        ),
        overdue=is_objective_overdue(
            due_on=due_on, today=today, baseline=baseline, target=target, actual=actual
        ),
    )
