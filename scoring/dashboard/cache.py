"""The dashboard's figures, cached per scope and filter until the next recalculation or change.

Every cached entry's key carries a version token. A health recalculation and every saved or
deleted record the dashboard counts replace the token once their transaction commits, so the next
request computes afresh; nothing has to find and delete old entries, which simply expire. A fresh
random token (rather than a counter) cannot repeat an old one if the cache is emptied. While the
cache is unreachable every request gets a new token (nothing is read back, so figures are computed
afresh), and a change that could not replace the token is replayed by the process once it can.
"""

import datetime
import hashlib
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts import access, outbox
from accounts.models import (
    Account,
    AccountTeamMember,
    Complaint,
    StageChange,
    Tier,
    Transaction,
)
from accounts.signals import records_imported
from planning.models import AccountPlan, Opportunity, Visit
from scoring.health.signals import health_recalculated
from scoring.models import Assessment, CriteriaSet, Survey

VERSION_KEY = "dashboard:version"
TIMEOUT = 60 * 60 * 24


# A change this process could not record (the cache was unreachable): the old token, and the
# figures cached under it, may still be in the cache once it is back, so the token is replaced
# before this process reads it again.
_unrecorded_change = False


def current_version() -> str:
    if _unrecorded_change:
        replace_version()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def replace_version() -> None:
    global _unrecorded_change
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    # The cache fails open (kam/cache.py): a write to an unreachable Redis is silently lost.
    _unrecorded_change = cache.get(VERSION_KEY) != version


def data_changed() -> None:
    """Call after writing what the dashboard counts; takes effect when the transaction commits
    (at once outside one), so no request caches figures read before the change landed."""
    transaction.on_commit(replace_version)


ALL = "all"


def scope_of(user) -> str:
    """Directors and admins share the whole portfolio's entries; a manager has their own."""
    return ALL if access.sees_every_account(user) else f"user:{user.pk}"


def cache_key(scope: str, filters: dict, today: datetime.date) -> str:
    """`scope`: scope_of(user); `filters`: the cleaned filter values by name (model instances by
    primary key) and the comparison period."""
    parts = [f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(filters.items())]
    digest = hashlib.sha256("&".join(parts).encode()).hexdigest()[:32]
    return f"dashboard:{current_version()}:{scope}:{today.isoformat()}:{digest}"


def get_or_compute(key: str, compute):
    found = cache.get(key)
    if found is None:
        found = compute()
        store(key, found)
    return found


def store(key: str, figures) -> None:
    cache.set(key, figures, timeout=TIMEOUT)


# --- What counts as a change -----------------------------------------------------------------


def _on_change(sender, **kwargs):
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= IGNORED_UPDATES.get(sender._meta.label, set()):
        return
    data_changed()


def _on_import(sender, **kwargs):
    data_changed()


# A login writes last_login: nothing the dashboard shows.
IGNORED_UPDATES = {"accounts.User": {"last_login"}}


def _on_health_recalculated(sender, *, run, **kwargs):
    """A health run changed figures: drop the cached ones; after a full run, precompute the
    dashboards people open first once the new figures are committed (after the token)."""
    data_changed()
    if run.account_id is None:
        outbox.enqueue(WARM_DASHBOARDS)


# The task (scoring.tasks, a layer above) is asked for by name.
WARM_DASHBOARDS = "scoring.tasks.warm_dashboards"


def counted_models():
    return (
        Account,
        AccountTeamMember,
        Transaction,
        Complaint,
        StageChange,
        Tier,
        AccountPlan,
        Visit,
        Opportunity,
        Assessment,
        CriteriaSet,
        Survey,
        get_user_model(),
    )


def connect_invalidation() -> None:
    """Called from the scoring app's ready(): scoring listens to the apps below it, which know
    nothing of the dashboard. Bulk writes send no model signals: the health recalculation sends
    scoring.health.signals.health_recalculated, and imports accounts.signals.records_imported."""
    health_recalculated.connect(
        _on_health_recalculated, dispatch_uid="dashboard-cache-health", weak=False
    )
    records_imported.connect(_on_import, dispatch_uid="dashboard-cache-import", weak=False)
    for model in counted_models():
        uid = f"dashboard-cache-{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
