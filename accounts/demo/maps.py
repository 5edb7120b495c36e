"""What the demo's map builders share: the stories the demo managers' key accounts tell, what
is known about one account while its map is drawn, and the rows a batch of maps makes."""

from dataclasses import dataclass, field
from datetime import date

from accounts.models import (
    AccountTeamMember,
    BuyingRole,
    Coverage,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
)

HEALTHY = "healthy"
OPPOSED = "opposed_decision_maker"
KEY_PERSON_LEFT = "key_person_left"
STALE = "stale"
SINGLE_THREADED = "single_threaded"
# In the order each demo manager's key accounts (by external ID) get them. Each manager is on the
# team of the other's first key account, so with four key accounts each, both see all five.
STORIES = {
    "manager": (HEALTHY, OPPOSED, KEY_PERSON_LEFT, STALE, SINGLE_THREADED),
    "manager2": (SINGLE_THREADED, OPPOSED, KEY_PERSON_LEFT, STALE, HEALTHY),
}
STALE_DAYS = 91


def is_key_person(person: Stakeholder) -> bool:
    return person.influence >= 4 or person.buying_role in (
        BuyingRole.DECISION_MAKER,
        BuyingRole.COACH,
    )


@dataclass
class MapRows:
    """The rows of a batch of maps, in insert order: stakeholders level by level (a person's
    manager is on the level above, so it has its id when the person goes in), then the rest."""

    levels: tuple[list[Stakeholder], ...] = field(default_factory=lambda: ([], [], []))
    needs: list[StakeholderNeed] = field(default_factory=list)
    notes: list[StakeholderPrivateNote] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    team: list[AccountTeamMember] = field(default_factory=list)
    stale_accounts: list[int] = field(default_factory=list)


@dataclass(slots=True)
class MapState:
    """What is known about one account while its map is drawn."""

    account: dict
    story: str | None
    language: str  # "zh", "en" (a foreign company in China) or "overseas"
    domain: str
    first_day: date
    last_day: date
    stale: bool
    people: list[Stakeholder] = field(default_factory=list)
