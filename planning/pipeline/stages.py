"""The rules of the development pipeline: the five development stages, their exit criteria and
which moves are allowed. Pure functions and tables only (no ORM), so every rule can be
unit-tested on hand-made cases.

Moves
-----
* An open opportunity (target → closing) may move to any other stage: forward, back, won or lost.
* Moving *forward* (to a later open stage, or to won) skips the criteria still unticked on the
  current stage, and every criterion of the open stages jumped over. Skipping needs a reason.
* Moving back needs no reason; nothing is skipped.
* Lost always needs a reason (why it was lost).
* A closed opportunity (won or lost) can only be reopened to an open stage, with a reason.
* Every move resets the ticked criteria: the new stage starts with none.

Probability
-----------
Each stage has a usual chance of winning (STAGE_PROBABILITY: 10 % at target, up to 80 % at
closing; won is 100 %, lost 0 %). A move sets the opportunity's probability to the new stage's,
unless someone set it by hand: a probability that differs from the usual one of the stage it
leaves was typed for this deal and is kept (won and lost always set 100 % and 0 %).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from planning.models.pipeline import OPEN_STAGES, DevelopmentStage

Stage = DevelopmentStage
CLOSED_STAGES = (Stage.WON, Stage.LOST)
BOARD_STAGES = (*OPEN_STAGES, *CLOSED_STAGES)

STAGE_PROBABILITY = {
    Stage.TARGET: 10,
    Stage.INFORMATION: 20,
    Stage.VALUE: 40,
    Stage.RELATIONSHIP: 60,
    Stage.CLOSING: 80,
    Stage.WON: 100,
    Stage.LOST: 0,
}


def probability_after_move(from_stage: str, to_stage: str, probability: int) -> int:
    """The probability once moved: the new stage's usual one, unless it was set by hand (it
    differs from the usual one of the stage left). Won and lost are certain either way."""
    if is_closed(to_stage) or probability == STAGE_PROBABILITY.get(from_stage):
        return STAGE_PROBABILITY[to_stage]
    return probability


@dataclass(frozen=True)
class Criterion:
    code: str
    stage: str
    label: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("need_confirmed", Stage.TARGET, _("Potential need confirmed")),
    Criterion("budget_holder_known", Stage.TARGET, _("Budget holder known")),
    Criterion("coach_found", Stage.INFORMATION, _("An insider (coach) found")),
    Criterion("needs_clear", Stage.INFORMATION, _("Their needs are clear")),
    Criterion("samples_delivered", Stage.INFORMATION, _("Samples or information delivered")),
    Criterion("probability_estimated", Stage.VALUE, _("Probability of winning estimated")),
    Criterion("obstacles_listed", Stage.VALUE, _("Obstacles listed")),
    Criterion("cost_of_sale_known", Stage.VALUE, _("Expected cost of the sale known")),
    Criterion("decision_makers_engaged", Stage.RELATIONSHIP, _("Decision makers engaged")),
    Criterion("executives_met", Stage.RELATIONSHIP, _("Our executive met theirs")),
    Criterion("executive_contact", Stage.CLOSING, _("Executive contact made")),
    Criterion("site_audit_passed", Stage.CLOSING, _("Site audit passed")),
    Criterion("terms_agreed", Stage.CLOSING, _("Commercial terms agreed")),
)
CRITERIA_BY_CODE = {criterion.code: criterion for criterion in CRITERIA}


def is_open(stage: str) -> bool:
    return stage in OPEN_STAGES


def is_closed(stage: str) -> bool:
    return stage in CLOSED_STAGES


def label_of(stage: str) -> str:
    return Stage(stage).label


def criteria_of(stage: str) -> list[Criterion]:
    return [criterion for criterion in CRITERIA if criterion.stage == stage]


def criterion_label(code: str) -> str:
    """The label of a criterion code; an unknown (retired) code is shown as it is."""
    criterion = CRITERIA_BY_CODE.get(code)
    return criterion.label if criterion else code


def unknown_criteria(stage: str, codes) -> list[str]:
    """Codes that are not exit criteria of this stage."""
    own = {criterion.code for criterion in criteria_of(stage)}
    return [code for code in codes if code not in own]


def next_stage(stage: str) -> str | None:
    """The next open stage, won after closing, none once closed."""
    if not is_open(stage):
        return None
    index = OPEN_STAGES.index(stage)
    return OPEN_STAGES[index + 1] if index + 1 < len(OPEN_STAGES) else Stage.WON


def _rank(stage: str) -> int:
    """Order along the pipeline: the open stages, then won (lost is off the line)."""
    return OPEN_STAGES.index(stage) if is_open(stage) else len(OPEN_STAGES)


def is_forward(from_stage: str, to_stage: str) -> bool:
    return (
        is_open(from_stage)
        and (is_open(to_stage) or to_stage == Stage.WON)
        and _rank(to_stage) > _rank(from_stage)
    )


def skipped_criteria(from_stage: str, to_stage: str, ticked) -> list[str]:
    """The criteria a forward move leaves unticked: the current stage's unticked ones, then all
    those of the open stages jumped over. Empty for any other move."""
    if not is_forward(from_stage, to_stage):
        return []
    ticked = set(ticked)
    skipped = [c.code for c in criteria_of(from_stage) if c.code not in ticked]
    for stage in OPEN_STAGES[_rank(from_stage) + 1 : _rank(to_stage)]:
        skipped.extend(c.code for c in criteria_of(stage))
    return skipped


def move_errors(from_stage: str, to_stage: str, ticked, reason: str) -> dict[str, str]:
    """Why a move is refused, by form field ({} when it is allowed)."""
    if to_stage not in Stage.values:
        return {"to_stage": _("Choose a stage of the pipeline.")}
    if to_stage == from_stage:
        return {"to_stage": _("The opportunity is already at this stage.")}
    has_reason = bool((reason or "").strip())
    if is_closed(from_stage):
        if not is_open(to_stage):
            return {"to_stage": _("A closed opportunity can only be reopened to an open stage.")}
        if not has_reason:
            return {"reason": _("Say why the opportunity is reopened.")}
        return {}
    if to_stage == Stage.LOST and not has_reason:
        return {"reason": _("Say why the opportunity was lost.")}
    if skipped_criteria(from_stage, to_stage, ticked) and not has_reason:
        return {
            "reason": _(
                "Some exit criteria are not ticked: tick them, or say why you move on anyway."
            )
        }
    return {}


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    state: str  # "done", "current", "todo", or "lost"


def progress(stage: str) -> list[Step]:
    """The open stages then won, each done, current or still to do; a lost opportunity ends in
    a lost step after what it reached (nothing is known as done, so the open stages are todo)."""
    steps = []
    reached = _rank(stage) if stage != Stage.LOST else -1
    for each in (*OPEN_STAGES, Stage.WON):
        rank = _rank(each)
        state = "current" if each == stage else "done" if rank < reached else "todo"
        steps.append(Step(each, label_of(each), state))
    if stage == Stage.LOST:
        steps.append(Step(Stage.LOST, label_of(Stage.LOST), "lost"))
    return steps
