"""Read side of coverage: the coverage matrix and the map report, for an already-scoped account.

Both read the account's stakeholders (with the latest change in the map's history) and the team's
coverage in one query each, whatever the number of stakeholders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.coverage import rules
from accounts.coverage.rules import MapReport, MapWarning  # noqa: F401  (re-exported)
from accounts.models import (
    Account,
    AccountTeamMember,
    Coverage,
    Stakeholder,
    StakeholderNeed,
    StakeholderStatus,
)


@dataclass(frozen=True)
class TeamSeat:
    """One of our people who may hold coverage on this account."""

    user: object
    role: str


@dataclass(frozen=True)
class MatrixCell:
    stakeholder: Stakeholder
    user: object
    strength: int = 0
    last_contact: date | None = None
    row_version: int = 0  # the coverage row's version; 0: there is no row (edit conflicts)

    @property
    def dots(self) -> list[bool]:
        """Three dots, filled up to the strength."""
        return [i < self.strength for i in range(3)]


@dataclass(frozen=True)
class MatrixRow:
    seat: TeamSeat
    cells: list[MatrixCell]

    @property
    def total(self) -> int:
        return sum(cell.strength for cell in self.cells)


@dataclass(frozen=True)
class MatrixColumn:
    stakeholder: Stakeholder
    total: int

    @property
    def uncovered(self) -> bool:
        return self.total == 0


@dataclass(frozen=True)
class CoverageMatrix:
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    report: MapReport


def team_seats(account: Account) -> list[TeamSeat]:
    """The owner first, then members, then the executive sponsor (the team's own ordering).
    Uses the team prefetched by access.get_visible_account_or_404."""
    seats = [TeamSeat(account.owner, _("Account manager"))] if account.owner_id else []
    seats += [
        TeamSeat(member.user, member.get_role_display())
        for member in account.team_members.all()
        if member.user_id != account.owner_id
    ]
    return seats


def team_user(account: Account, user_pk) -> object | None:
    """The team member with this id, or None if they are not on this account's team."""
    for seat in team_seats(account):
        if str(seat.user.pk) == str(user_pk):
            return seat.user
    return None


def _team_coverage(account: Account):
    on_team = Q(user_id=account.owner_id) | Q(
        user_id__in=AccountTeamMember.objects.filter(account_id=account.pk).values("user_id")
    )
    return (
        Coverage.objects.filter(stakeholder__account_id=account.pk)
        .filter(on_team)
        .select_related("user")
        .only(
            "stakeholder_id",
            "strength",
            "last_contact",
            "updated_at",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
    )


def _stakeholders(account: Account):
    """The account's stakeholders, each row also carrying the latest recorded change (deletions
    included) to the map's people, needs and coverage. Those subqueries do not depend on the row,
    so the database runs them once, and the map report needs no query of its own for them."""
    stakeholder_ids = Stakeholder.objects.filter(account_id=account.pk).values("pk")

    def latest(history):
        return Subquery(history.order_by("-history_date").values("history_date")[:1])

    return (
        Stakeholder.objects.filter(account_id=account.pk)
        .only(
            "name",
            "title",
            "buying_role",
            "attitude",
            "influence",
            "status",
            "left_on",
            "updated_at",
            "account_id",
        )
        .annotate(
            map_people=latest(Stakeholder.history.filter(account_id=account.pk)),
            map_needs=latest(StakeholderNeed.history.filter(stakeholder_id__in=stakeholder_ids)),
            map_coverage=latest(Coverage.history.filter(stakeholder_id__in=stakeholder_ids)),
        )
    )


def _snapshot(account, stakeholders, coverage, today: date) -> rules.MapSnapshot:
    moments = [s.updated_at for s in stakeholders] + [c.updated_at for c in coverage]
    if stakeholders:
        first = stakeholders[0]
        moments += [m for m in (first.map_people, first.map_needs, first.map_coverage) if m]
    last_change = timezone.localdate(max(moments)) if moments else None
    return rules.MapSnapshot(
        today=today,
        people=tuple(
            rules.Person(
                id=s.pk,
                name=s.name,
                buying_role=s.buying_role,
                attitude=s.attitude,
                influence=s.influence,
                status=s.status,
                left_on=s.left_on,
            )
            for s in stakeholders
        ),
        links=tuple(
            rules.Link(
                stakeholder_id=c.stakeholder_id,
                user_id=c.user_id,
                user_name=str(c.user),
                strength=c.strength,
                last_contact=c.last_contact,
            )
            for c in coverage
        ),
        last_change=last_change,
    )


def map_report(account: Account, *, today: date | None = None) -> MapReport:
    """The map warnings and the map quality status of an account, in two queries."""
    today = today or timezone.localdate()
    stakeholders = list(_stakeholders(account))
    coverage = list(_team_coverage(account))
    return rules.evaluate(_snapshot(account, stakeholders, coverage, today))


def coverage_matrix(account: Account, *, today: date | None = None) -> CoverageMatrix:
    """Our team by the account's active stakeholders, with the map report: two queries (the team
    comes prefetched with the account)."""
    today = today or timezone.localdate()
    stakeholders = list(_stakeholders(account))
    coverage = list(_team_coverage(account))
    active = [s for s in stakeholders if s.status == StakeholderStatus.ACTIVE]
    # Most influential first, like the stakeholder list.
    active.sort(key=lambda s: (-s.influence, s.name, s.pk))
    by_pair = {(c.stakeholder_id, c.user_id): c for c in coverage}
    rows = []
    for seat in team_seats(account):
        cells = []
        for stakeholder in active:
            found = by_pair.get((stakeholder.pk, seat.user.pk))
            cells.append(
                MatrixCell(
                    stakeholder,
                    seat.user,
                    found.strength if found else 0,
                    found.last_contact if found else None,
                )
            )
        rows.append(MatrixRow(seat, cells))
    columns = [
        MatrixColumn(s, sum(row.cells[i].strength for row in rows)) for i, s in enumerate(active)
    ]
    report = rules.evaluate(_snapshot(account, stakeholders, coverage, today))
    return CoverageMatrix(columns=columns, rows=rows, report=report)


def coverage_cell(account: Account, stakeholder: Stakeholder, user) -> MatrixCell:
    found = Coverage.objects.filter(stakeholder=stakeholder, user=user).first()
    if found is None:
        return MatrixCell(stakeholder, user)
    return MatrixCell(stakeholder, user, found.strength, found.last_contact, found.row_version)
