"""Map warnings: named rules over a plain snapshot of an account's stakeholder map (no ORM).

Each rule looks at a `MapSnapshot` and returns a `MapWarning` (with the reason in plain words,
names and numbers filled in) or None. `evaluate(snapshot)` runs them all and derives the map
quality status: any red warning → red, else any amber → amber, else green.

The rules and their thresholds:

- empty_map (red): no active stakeholder recorded — nothing else can be judged.
- single_threaded (red): every relationship (coverage of strength ≥ COUNTED_STRENGTH with an
  active stakeholder) is held by one of our people — or by nobody at all.
- decision_maker_opposed (red): an active decision maker whose attitude is opponent.
- key_stakeholder_left (red): a decision maker, a coach, or anyone with influence ≥
  KEY_INFLUENCE left the company in the last LEFT_WITHIN_DAYS days.
- no_coach (amber): no active coach / insider.
- decision_maker_never_contacted (amber): an active decision maker with no last-contact date on
  any coverage.
- stale_map (amber): no change to stakeholders, needs or coverage for STALE_AFTER_DAYS days or more
  (exactly 90 days counts as stale).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Thresholds.
COUNTED_STRENGTH = 1  # coverage below this (strength 0) is no relationship
KEY_INFLUENCE = 4  # anyone this influential is a key stakeholder, whatever their buying role
LEFT_WITHIN_DAYS = 180  # a key stakeholder who left longer ago than this is old news
STALE_AFTER_DAYS = 90  # a map untouched this long (or longer) is stale

# Severities, worst first.
RED = "red"
AMBER = "amber"
GREEN = "green"

# The buying-role and attitude values of accounts.models (kept as plain strings: no ORM here).
DECISION_MAKER = "decision_maker"
COACH = "coach"
OPPONENT = "opponent"
ACTIVE = "active"
LEFT = "left"

EMPTY_MAP = "empty_map"
SINGLE_THREADED = "single_threaded"
DECISION_MAKER_OPPOSED = "decision_maker_opposed"
KEY_STAKEHOLDER_LEFT = "key_stakeholder_left"
NO_COACH = "no_coach"
DECISION_MAKER_NEVER_CONTACTED = "decision_maker_never_contacted"
STALE_MAP = "stale_map"

RULE_TITLES = {
    EMPTY_MAP: _("Empty map"),
    SINGLE_THREADED: _("Single-threaded"),
    DECISION_MAKER_OPPOSED: _("Decision maker opposed"),
    KEY_STAKEHOLDER_LEFT: _("Key stakeholder left"),
    NO_COACH: _("No coach"),
    DECISION_MAKER_NEVER_CONTACTED: _("Decision maker never contacted"),
    STALE_MAP: _("Stale map"),
}
RULE_SEVERITY = {
    EMPTY_MAP: RED,
    SINGLE_THREADED: RED,
    DECISION_MAKER_OPPOSED: RED,
    KEY_STAKEHOLDER_LEFT: RED,
    NO_COACH: AMBER,
    DECISION_MAKER_NEVER_CONTACTED: AMBER,
    STALE_MAP: AMBER,
}


@dataclass(frozen=True)
class Person:
    """One stakeholder, as the rules see them."""

    id: int
    name: str
    buying_role: str
    attitude: str = "neutral"
    influence: int = 3
    status: str = ACTIVE
    left_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.status != LEFT


@dataclass(frozen=True)
class Link:
    """One coverage row: our person `user_id` knows stakeholder `stakeholder_id`."""

    stakeholder_id: int
    user_id: int
    user_name: str
    strength: int
    last_contact: date | None = None


@dataclass(frozen=True)
class MapSnapshot:
    today: date
    people: tuple[Person, ...] = ()
    links: tuple[Link, ...] = ()
    last_change: date | None = None  # the latest change to stakeholders, needs or coverage


@dataclass(frozen=True)
class MapWarning:
    code: str
    title: str
    reason: str
    severity: str


@dataclass(frozen=True)
class RuleCheck:
    code: str
    title: str
    passed: bool


@dataclass(frozen=True)
class MapReport:
    status: str
    warnings: list[MapWarning] = field(default_factory=list)
    checked_rules: list[RuleCheck] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        return {warning.code for warning in self.warnings}


def _warning(code: str, reason: str) -> MapWarning:
    return MapWarning(code, str(RULE_TITLES[code]), reason, RULE_SEVERITY[code])


def _names(people) -> str:
    return get_text_list([person.name for person in people], gettext("and"))


def _active(snapshot: MapSnapshot) -> list[Person]:
    return [person for person in snapshot.people if person.is_active]


def empty_map(snapshot: MapSnapshot) -> MapWarning | None:
    if _active(snapshot):
        return None
    if snapshot.people:
        reason = ngettext(
            "The only stakeholder recorded has left the company: nobody at this account is mapped.",
            "All %(count)d stakeholders recorded have left the company: nobody at this account "
            "is mapped.",
            len(snapshot.people),
        ) % {"count": len(snapshot.people)}
    else:
        reason = gettext("No stakeholders are recorded for this account yet.")
    return _warning(EMPTY_MAP, reason)


def single_threaded(snapshot: MapSnapshot) -> MapWarning | None:
    active_ids = {person.id for person in _active(snapshot)}
    holders = {
        link.user_id: link.user_name
        for link in snapshot.links
        if link.stakeholder_id in active_ids and link.strength >= COUNTED_STRENGTH
    }
    if len(holders) > 1:
        return None
    if not holders:
        reason = gettext("Nobody on our team knows anyone at this account.")
    else:
        reason = gettext("Only %(name)s knows anyone at this account.") % {
            "name": next(iter(holders.values()))
        }
    return _warning(SINGLE_THREADED, reason)


def decision_maker_opposed(snapshot: MapSnapshot) -> MapWarning | None:
    opposed = [
        person
        for person in _active(snapshot)
        if person.buying_role == DECISION_MAKER and person.attitude == OPPONENT
    ]
    if not opposed:
        return None
    reason = ngettext(
        "Decision maker %(names)s is opposed to us.",
        "Decision makers %(names)s are opposed to us.",
        len(opposed),
    ) % {"names": _names(opposed)}
    return _warning(DECISION_MAKER_OPPOSED, reason)


def key_stakeholder_left(snapshot: MapSnapshot) -> MapWarning | None:
    def is_key(person: Person) -> bool:
        return person.buying_role in (DECISION_MAKER, COACH) or person.influence >= KEY_INFLUENCE

    gone = [
        person
        for person in snapshot.people
        if not person.is_active
        and is_key(person)
        # Without a date we cannot tell it is old news: warn rather than stay silent.
        and (person.left_on is None or (snapshot.today - person.left_on).days <= LEFT_WITHIN_DAYS)
    ]
    if not gone:
        return None
    parts = [
        gettext("%(name)s (left on %(date)s)")
        % {"name": person.name, "date": date_format(person.left_on, "DATE_FORMAT")}
        if person.left_on
        else gettext("%(name)s (date unknown)") % {"name": person.name}
        for person in gone
    ]
    reason = ngettext(
        "A key stakeholder left the company: %(people)s.",
        "Key stakeholders left the company: %(people)s.",
        len(gone),
    ) % {"people": get_text_list(parts, gettext("and"))}
    return _warning(KEY_STAKEHOLDER_LEFT, reason)


def no_coach(snapshot: MapSnapshot) -> MapWarning | None:
    if any(person.buying_role == COACH for person in _active(snapshot)):
        return None
    return _warning(
        NO_COACH, gettext("Nobody at this account is a coach (an insider who helps us sell).")
    )


def decision_maker_never_contacted(snapshot: MapSnapshot) -> MapWarning | None:
    contacted = {link.stakeholder_id for link in snapshot.links if link.last_contact}
    never = [
        person
        for person in _active(snapshot)
        if person.buying_role == DECISION_MAKER and person.id not in contacted
    ]
    if not never:
        return None
    reason = ngettext(
        "Nobody on our team has ever been in contact with decision maker %(names)s.",
        "Nobody on our team has ever been in contact with decision makers %(names)s.",
        len(never),
    ) % {"names": _names(never)}
    return _warning(DECISION_MAKER_NEVER_CONTACTED, reason)


def stale_map(snapshot: MapSnapshot) -> MapWarning | None:
    if snapshot.last_change is None:
        return None
    days = (snapshot.today - snapshot.last_change).days
    if days < STALE_AFTER_DAYS:
        return None
    reason = ngettext(
        "Nothing on this map has changed for %(days)d day (since %(date)s).",
        "Nothing on this map has changed for %(days)d days (since %(date)s).",
        days,
    ) % {"days": days, "date": date_format(snapshot.last_change, "DATE_FORMAT")}
    return _warning(STALE_MAP, reason)


Rule = Callable[[MapSnapshot], MapWarning | None]

# In the order the page lists them: red first.
RULES: dict[str, Rule] = {
    EMPTY_MAP: empty_map,
    SINGLE_THREADED: single_threaded,
    DECISION_MAKER_OPPOSED: decision_maker_opposed,
    KEY_STAKEHOLDER_LEFT: key_stakeholder_left,
    NO_COACH: no_coach,
    DECISION_MAKER_NEVER_CONTACTED: decision_maker_never_contacted,
    STALE_MAP: stale_map,
}
# With nobody mapped, these would only repeat "the map is empty".
SKIPPED_WHEN_EMPTY = {SINGLE_THREADED, NO_COACH, DECISION_MAKER_NEVER_CONTACTED}


def status_of(warnings: list[MapWarning]) -> str:
    severities = {warning.severity for warning in warnings}
    if RED in severities:
        return RED
    if AMBER in severities:
        return AMBER
    return GREEN


def evaluate(snapshot: MapSnapshot) -> MapReport:
    is_empty = not _active(snapshot)
    warnings, checked = [], []
    for code, rule in RULES.items():
        if is_empty and code in SKIPPED_WHEN_EMPTY:
            continue
        warning = rule(snapshot)
        if warning:
            warnings.append(warning)
        checked.append(RuleCheck(code, str(RULE_TITLES[code]), warning is None))
    return MapReport(status=status_of(warnings), warnings=warnings, checked_rules=checked)
