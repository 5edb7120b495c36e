"""The pipeline's rules on hand-made cases: exit criteria, forward moves, skipped criteria,
reasons, closing and reopening."""

import pytest

from planning.models import DevelopmentStage as Stage
from planning.pipeline import stages


def test_every_open_stage_has_exit_criteria_and_closed_stages_have_none():
    for stage in stages.BOARD_STAGES[:5]:
        assert stages.criteria_of(stage)
    assert [c.code for c in stages.criteria_of(Stage.TARGET)] == [
        "need_confirmed",
        "budget_holder_known",
    ]
    assert len(stages.criteria_of(Stage.INFORMATION)) == 3
    assert len(stages.criteria_of(Stage.VALUE)) == 3
    assert len(stages.criteria_of(Stage.RELATIONSHIP)) == 2
    assert len(stages.criteria_of(Stage.CLOSING)) == 3
    assert stages.criteria_of(Stage.WON) == stages.criteria_of(Stage.LOST) == []


def test_criterion_codes_are_unique():
    codes = [c.code for c in stages.CRITERIA]
    assert len(codes) == len(set(codes))


def test_the_next_stage_runs_through_the_open_stages_to_won():
    assert stages.next_stage(Stage.TARGET) == Stage.INFORMATION
    assert stages.next_stage(Stage.RELATIONSHIP) == Stage.CLOSING
    assert stages.next_stage(Stage.CLOSING) == Stage.WON
    assert stages.next_stage(Stage.WON) is None
    assert stages.next_stage(Stage.LOST) is None


def test_it_knows_forward_from_back():
    assert stages.is_forward(Stage.TARGET, Stage.VALUE)
    assert stages.is_forward(Stage.CLOSING, Stage.WON)
    assert stages.is_forward(Stage.TARGET, Stage.WON)
    assert not stages.is_forward(Stage.VALUE, Stage.TARGET)
    assert not stages.is_forward(Stage.VALUE, Stage.LOST)
    assert not stages.is_forward(Stage.WON, Stage.TARGET)


def test_moving_on_with_every_criterion_ticked_skips_nothing_and_needs_no_reason():
    ticked = ["need_confirmed", "budget_holder_known"]
    assert stages.skipped_criteria(Stage.TARGET, Stage.INFORMATION, ticked) == []
    assert stages.move_errors(Stage.TARGET, Stage.INFORMATION, ticked, "") == {}


def test_moving_on_with_an_unticked_criterion_needs_a_reason():
    ticked = ["need_confirmed"]
    assert stages.skipped_criteria(Stage.TARGET, Stage.INFORMATION, ticked) == [
        "budget_holder_known"
    ]
    assert "reason" in stages.move_errors(Stage.TARGET, Stage.INFORMATION, ticked, "  ")
    assert stages.move_errors(Stage.TARGET, Stage.INFORMATION, ticked, "CFO said yes") == {}


def test_jumping_stages_skips_the_criteria_of_the_stages_jumped_over():
    ticked = ["need_confirmed", "budget_holder_known"]
    skipped = stages.skipped_criteria(Stage.TARGET, Stage.VALUE, ticked)
    assert skipped == ["coach_found", "needs_clear", "samples_delivered"]
    assert "reason" in stages.move_errors(Stage.TARGET, Stage.VALUE, ticked, "")


def test_winning_from_closing_with_unticked_criteria_needs_a_reason():
    ticked = ["executive_contact", "site_audit_passed"]
    assert stages.skipped_criteria(Stage.CLOSING, Stage.WON, ticked) == ["terms_agreed"]
    assert "reason" in stages.move_errors(Stage.CLOSING, Stage.WON, ticked, "")
    all_ticked = [c.code for c in stages.criteria_of(Stage.CLOSING)]
    assert stages.move_errors(Stage.CLOSING, Stage.WON, all_ticked, "") == {}


def test_moving_back_needs_no_reason_and_skips_nothing():
    assert stages.skipped_criteria(Stage.VALUE, Stage.TARGET, []) == []
    assert stages.move_errors(Stage.VALUE, Stage.TARGET, [], "") == {}


def test_lost_always_needs_a_reason():
    all_ticked = [c.code for c in stages.criteria_of(Stage.TARGET)]
    assert "reason" in stages.move_errors(Stage.TARGET, Stage.LOST, all_ticked, "")
    assert stages.move_errors(Stage.TARGET, Stage.LOST, [], "Competitor was cheaper") == {}
    assert stages.skipped_criteria(Stage.TARGET, Stage.LOST, []) == []


@pytest.mark.parametrize("closed", [Stage.WON, Stage.LOST])
def test_a_closed_opportunity_reopens_only_to_an_open_stage_with_a_reason(closed):
    other = Stage.LOST if closed == Stage.WON else Stage.WON
    assert "to_stage" in stages.move_errors(closed, other, [], "because")
    assert "reason" in stages.move_errors(closed, Stage.VALUE, [], "")
    assert stages.move_errors(closed, Stage.VALUE, [], "They came back") == {}
    assert stages.skipped_criteria(closed, Stage.CLOSING, []) == []


def test_it_refuses_an_unknown_stage_and_staying_put():
    assert "to_stage" in stages.move_errors(Stage.TARGET, "nirvana", [], "x")
    assert "to_stage" in stages.move_errors(Stage.TARGET, Stage.TARGET, [], "x")


def test_unknown_criteria_are_those_not_of_the_stage():
    assert stages.unknown_criteria(Stage.TARGET, ["need_confirmed", "terms_agreed", "x"]) == [
        "terms_agreed",
        "x",
    ]


def test_progress_marks_done_current_and_todo():
    states = {s.stage: s.state for s in stages.progress(Stage.VALUE)}
    assert states[Stage.TARGET] == states[Stage.INFORMATION] == "done"
    assert states[Stage.VALUE] == "current"
    assert states[Stage.CLOSING] == states[Stage.WON] == "todo"
    lost = stages.progress(Stage.LOST)
    assert lost[-1].state == "lost"
    assert {s.state for s in stages.progress(Stage.WON)[:-1]} == {"done"}


def test_the_usual_probability_rises_with_the_stages():
    chances = [stages.STAGE_PROBABILITY[stage] for stage in stages.BOARD_STAGES[:5]]
    assert chances == sorted(chances) and len(set(chances)) == 5
    assert (stages.STAGE_PROBABILITY[Stage.WON], stages.STAGE_PROBABILITY[Stage.LOST]) == (100, 0)


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "probability", "expected"),
    [
        (Stage.TARGET, Stage.INFORMATION, 10, 20),  # the usual one: follows the stage
        (Stage.VALUE, Stage.CLOSING, 40, 80),
        (Stage.CLOSING, Stage.VALUE, 80, 40),  # back too
        (Stage.TARGET, Stage.VALUE, 35, 35),  # typed for this deal: kept
        (Stage.VALUE, Stage.WON, 35, 100),  # won and lost are certain either way
        (Stage.VALUE, Stage.LOST, 35, 0),
        (Stage.LOST, Stage.INFORMATION, 0, 20),  # reopened
    ],
)
def test_a_move_sets_the_stages_probability_unless_it_was_set_by_hand(
    from_stage, to_stage, probability, expected
):
    assert stages.probability_after_move(from_stage, to_stage, probability) == expected
