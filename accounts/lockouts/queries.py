"""What the lockout records (axes' AccessAttempt rows) say: failures within the cool-off window
per username and address, and the addresses that have reached the per-address limit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import timezone

# The blocked-address list is for reading at a glance; an attack from more is summed up.
BLOCKED_ADDRESSES_SHOWN = 100


def cool_off() -> timedelta:
    return get_cool_off()


def _recent(now: datetime | None = None):
    # axes counts a row while its last failure is within the cool-off window; so do we.
    now = now or timezone.now()
    return AccessAttempt.objects.filter(attempt_time__gte=now - cool_off())


def address_failures(ip_address: str | None) -> int:
    if not ip_address:
        return 0
    total = _recent().filter(ip_address=ip_address).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


def address_is_blocked(ip_address: str | None) -> bool:
    return address_failures(ip_address) >= settings.KAM_LOGIN_ADDRESS_FAILURE_LIMIT


@dataclass(frozen=True)
class AddressLock:
    ip_address: str | None
    failures: int
    last_failure: datetime
    until: datetime

    @property
    def locked(self) -> bool:
        return self.failures >= settings.AXES_FAILURE_LIMIT


def user_lockouts(username: str) -> list[AddressLock]:
    """Each address the username failed from within the window, most failures first."""
    rows = (
        _recent()
        .filter(username=username)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .order_by("-failures", "ip_address")
    )
    window = cool_off()
    return [
        AddressLock(
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_failure=row["last_failure"],
            until=row["last_failure"] + window,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class BlockedAddress:
    ip_address: str
    failures: int
    usernames: int
    until: datetime


def blocked_addresses() -> tuple[list[BlockedAddress], int]:
    """The addresses refused for everyone (first BLOCKED_ADDRESSES_SHOWN) and how many in all."""
    rows = (
        _recent()
        .exclude(ip_address=None)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.KAM_LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-failures", "ip_address")
    )
    window = cool_off()
    shown = list(rows[:BLOCKED_ADDRESSES_SHOWN])
    total = len(shown) if len(shown) < BLOCKED_ADDRESSES_SHOWN else rows.count()
    usernames = _usernames_per_address([row["ip_address"] for row in shown])
    return (
        [
            BlockedAddress(
                ip_address=row["ip_address"],
                failures=row["failures"],
                usernames=usernames.get(row["ip_address"], 0),
                # Upper bound: older rows may leave the window sooner and end the block earlier.
                until=row["last_failure"] + window,
            )
            for row in shown
        ],
        total,
    )


def _usernames_per_address(addresses: list[str]) -> dict[str, int]:
    return dict(
        _recent()
        .filter(ip_address__in=addresses)
        .values("ip_address")
        .annotate(n=Count("username", distinct=True))
        .values_list("ip_address", "n")
    )
