"""The plan's rules without the database: progress, behind schedule, overdue, moving dates."""

from datetime import date
from decimal import Decimal

import pytest

from planning.plans.progress import (
    is_action_overdue,
    is_behind_schedule,
    is_objective_overdue,
    objective_status,
    progress_share,
    shift_years,
    time_share,
)

D = Decimal
YEAR_START = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "share"),
    [
        (D(0), D(100), D(25), 0.25),
        (D(100), D(200), D(150), 0.5),
        (D(100), D(200), D(50), 0.0),  # below the baseline: no progress, never negative
        (D(100), D(200), D(260), 1.0),  # beyond the target: capped
        (D(40), D(10), D(25), 0.5),  # a target below the baseline (cut complaints)
        (D(5), D(5), D(5), 1.0),
        (D(5), D(5), D(4), 0.0),
    ],
)
def test_progress_runs_from_baseline_to_target(baseline, target, actual, share):
    assert progress_share(baseline, target, actual) == pytest.approx(share)


def test_time_share_runs_from_the_plans_year_start_to_the_due_date():
    due = date(2026, 12, 31)
    assert time_share(YEAR_START, due, date(2025, 12, 1)) == 0.0
    assert time_share(YEAR_START, due, YEAR_START) == 0.0
    assert time_share(YEAR_START, due, date(2026, 7, 2)) == pytest.approx(182 / 364)
    assert time_share(YEAR_START, due, date(2027, 3, 1)) == 1.0


def test_it_flags_an_objective_whose_progress_lags_the_time_elapsed():
    half_way = date(2026, 7, 2)  # about half the time to 31 December has passed
    due = date(2026, 12, 31)
    common = {"year_start": YEAR_START, "due_on": due, "today": half_way, "baseline": D(0)}
    assert is_behind_schedule(**common, target=D(100), actual=D(30))
    assert not is_behind_schedule(**common, target=D(100), actual=D(60))
    # The same 30% is on schedule three months in.
    assert not is_behind_schedule(
        **{**common, "today": date(2026, 3, 1)}, target=D(100), actual=D(30)
    )


def test_a_reached_target_is_never_behind_or_overdue():
    late = date(2027, 2, 1)
    due = date(2026, 6, 30)
    assert not is_behind_schedule(
        year_start=YEAR_START, due_on=due, today=late, baseline=D(0), target=D(10), actual=D(10)
    )
    assert not is_objective_overdue(
        due_on=due, today=late, baseline=D(0), target=D(10), actual=D(12)
    )
    assert is_objective_overdue(due_on=due, today=late, baseline=D(0), target=D(10), actual=D(9))


def test_nothing_is_behind_before_the_plans_year_starts():
    status = objective_status(
        year=2026,
        due_on=date(2026, 3, 31),
        today=date(2025, 11, 1),
        baseline=D(0),
        target=D(10),
        actual=D(0),
    )
    assert not status.behind
    assert not status.overdue
    assert status.progress_percent == 0
    assert status.elapsed_percent == 0


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("open", date(2026, 5, 1), True),
        ("in_progress", date(2026, 5, 1), True),
        ("done", date(2026, 5, 1), False),
        ("cancelled", date(2026, 5, 1), False),
        ("open", date(2026, 5, 2), False),  # due today is not overdue yet
    ],
)
def test_an_action_is_overdue_when_open_and_past_its_due_date(status, due, overdue):
    assert is_action_overdue(status=status, due_on=due, today=date(2026, 5, 2)) is overdue


def test_shifting_a_date_by_years_keeps_the_day_and_survives_29_february():
    assert shift_years(date(2026, 3, 31), 1) == date(2027, 3, 31)
    assert shift_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert shift_years(date(2026, 12, 31), 2) == date(2028, 12, 31)
