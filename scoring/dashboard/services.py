"""Precomputing the dashboards people open first, so the Monday-morning view is already cached."""

from django.utils import timezone

from accounts import access
from accounts import queries as account_queries
from accounts.models import Account
from scoring.dashboard import cache, queries


def dashboards_warm() -> int:
    """Compute and cache the unfiltered dashboard of the whole portfolio (directors and admins
    share it) and of each active account manager's own portfolio. Returns how many."""
    today = timezone.localdate()
    portfolios = [(cache.ALL, Account.objects.all())]
    portfolios += [
        (cache.scope_of(manager), access.visible_accounts(manager))
        for manager in account_queries.account_managers()
        if not access.sees_every_account(manager)
    ]
    filters = {"compare": queries.DEFAULT_COMPARE}
    for scope, accounts in portfolios:
        figures = queries.dashboard(accounts, compare=queries.DEFAULT_COMPARE, today=today)
        cache.store(cache.cache_key(scope, filters, today), figures)
    return len(portfolios)
