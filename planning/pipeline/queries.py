"""Read side of the pipeline: the board, the sortable list, one opportunity's criteria and stage
history. Always for an already-scoped account; each read is one query whatever the rows."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import Account
from planning.models import Opportunity
from planning.pipeline import stages

HUNDRED = Decimal(100)


def weighted_value(opportunity: Opportunity) -> Decimal:
    return (opportunity.value * opportunity.probability / HUNDRED).quantize(Decimal("0.01"))


@dataclass
class Card:
    opportunity: Opportunity
    weighted: Decimal
    next_stage: str | None
    next_label: str
    is_overdue: bool


@dataclass
class Column:
    stage: str
    label: str
    is_closed: bool
    cards: list[Card] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cards)

    @property
    def total_value(self) -> Decimal:
        return sum((card.opportunity.value for card in self.cards), Decimal(0))

    @property
    def total_weighted(self) -> Decimal:
        return sum((card.weighted for card in self.cards), Decimal(0))


def _card(opportunity: Opportunity, today) -> Card:
    following = stages.next_stage(opportunity.stage)
    return Card(
        opportunity=opportunity,
        weighted=weighted_value(opportunity),
        next_stage=following,
        next_label=stages.label_of(following) if following else "",
        is_overdue=stages.is_open(opportunity.stage) and opportunity.expected_close < today,
    )


def board(account: Account) -> list[Column]:
    """A column per stage (the five open ones, then won and lost), cards by expected close."""
    columns = {
        stage: Column(stage=stage, label=stages.label_of(stage), is_closed=stages.is_closed(stage))
        for stage in stages.BOARD_STAGES
    }
    today = timezone.localdate()
    for opportunity in account.opportunities.select_related("owner").order_by(
        "expected_close", "pk"
    ):
        columns[opportunity.stage].cards.append(_card(opportunity, today))
    return list(columns.values())


def _stage_order():
    return Case(
        *[When(stage=stage, then=Value(i)) for i, stage in enumerate(stages.BOARD_STAGES)],
        output_field=IntegerField(),
    )


def opportunities_for_list(account: Account) -> QuerySet[Opportunity]:
    """The account's opportunities with what the list sorts on besides their columns: the
    stage's place on the board (stage_order) and the weighted value (weighted_order)."""
    return account.opportunities.select_related("owner").annotate(
        stage_order=_stage_order(),
        weighted_order=ExpressionWrapper(
            F("value") * F("probability"),
            output_field=DecimalField(max_digits=24, decimal_places=2),
        ),
    )


def cards(opportunities: Iterable[Opportunity]) -> list[Card]:
    today = timezone.localdate()
    return [_card(opportunity, today) for opportunity in opportunities]


def pipeline_totals(cards) -> dict:
    open_cards = [card for card in cards if stages.is_open(card.opportunity.stage)]
    return {
        "open_count": len(open_cards),
        "open_value": sum((c.opportunity.value for c in open_cards), Decimal(0)),
        "open_weighted": sum((c.weighted for c in open_cards), Decimal(0)),
    }


@dataclass(frozen=True)
class CriterionState:
    code: str
    label: str
    ticked: bool


def criteria_state(opportunity: Opportunity) -> list[CriterionState]:
    ticked = set(opportunity.criteria_met or [])
    return [
        CriterionState(c.code, c.label, c.code in ticked)
        for c in stages.criteria_of(opportunity.stage)
    ]


@dataclass(frozen=True)
class HistoryEntry:
    change: object
    skipped_labels: list[str]
    is_forward: bool


def stage_history(opportunity: Opportunity) -> list[HistoryEntry]:
    """Every move, newest first, with who made it and the criteria skipped (one query)."""
    changes = opportunity.stage_changes.select_related("changed_by").order_by("-changed_at", "-pk")
    return [
        HistoryEntry(
            change=change,
            skipped_labels=[stages.criterion_label(code) for code in change.criteria_skipped],
            is_forward=stages.is_forward(change.from_stage, change.to_stage),
        )
        for change in changes
    ]
