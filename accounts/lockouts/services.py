"""Lifting lockouts: a KAM admin deletes the failure records that hold them."""

import logging

from axes.models import AccessAttempt
from django.db import transaction

from accounts import access

log = logging.getLogger(__name__)


@transaction.atomic
def user_lockouts_lift(*, actor, username: str) -> int:
    """Forget the username's failures from every address; returns how many records went."""
    access.require_admin(actor)
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    log.info("sign-in lockouts of %r lifted by %s (%d records)", username, actor, deleted)
    return deleted


@transaction.atomic
def address_unblock(*, actor, ip_address: str) -> int:
    """Forget every failure from the address (for all usernames)."""
    access.require_admin(actor)
    deleted, _ = AccessAttempt.objects.filter(ip_address=ip_address).delete()
    log.info("sign-in block of %s lifted by %s (%d records)", ip_address, actor, deleted)
    return deleted
