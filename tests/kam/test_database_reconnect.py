"""PostgreSQL ends the site's connections (a restart, a failover, an idle reaper): no request sees
a dead one (DESIGN.md §6, issue 16).

A real gunicorn serves the site with Django's psycopg pool on. Before each request the test ends
every PostgreSQL backend of the site (`pg_terminate_backend`, found by the site's
application_name), so every connection the pool holds is dead: the pool's `check` (kam/settings.py)
replaces each before handing it out, and every request answers 200. Without the check the first
requests after each termination answered 500."""

import time

import pytest
from django.db import connection

from accounts.access import ACCOUNT_MANAGER
from tests.factories import AccountFactory, UserFactory
from tests.kam.live_site import Browser, Site, site_password

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def terminate_backends(application_name: str) -> int:
    """End every backend of the site and wait until they are gone; how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name = %s",
            [application_name],
        )
        pids = [pid for pid, _ in cursor.fetchall()]
        deadline = time.monotonic() + 5
        while pids and time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.02)
    return len(pids)


@pytest.fixture
def site(tmp_path, settings):
    site = Site(
        tmp_path / "gunicorn.log", redis_url=settings.REDIS_URL, extra_env={"DATABASE_POOL": "1"}
    )
    try:
        site.wait_until_up()
        yield site
    finally:
        site.stop()


def test_requests_after_postgresql_ended_the_connections_all_succeed(site):
    manager = UserFactory(username="reconnect", role=ACCOUNT_MANAGER)
    site_password(manager)
    account = AccountFactory(name="Haier Smart Home", owner=manager)
    browser = Browser(site)
    browser.sign_in("reconnect")
    pages = ["/accounts/", f"/accounts/{account.pk}/", "/healthz"]
    for page in pages:  # the pool has opened connections, now idle in it
        assert browser.get(page)[0] == 200
    started = time.monotonic()

    ended, statuses = 0, []
    for n in range(REQUESTS):
        ended += terminate_backends(site.application_name)
        statuses.append(browser.get(pages[n % len(pages)])[0])

    assert ended >= REQUESTS, "each round ended at least the connection the last request used"
    assert statuses == [200] * REQUESTS, statuses
    assert time.monotonic() - started < 15, "no long pause between tries either"
