"""The check the PostgreSQL connection pool runs on a connection before handing it to a request
(kam/settings.py, DATABASES' pool options; DESIGN.md §6)."""

from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    """psycopg_pool's own check (an empty query, one round trip), which makes the pool replace a
    connection PostgreSQL has ended. One dead connection usually means PostgreSQL ended them all
    (a restart, a failover): the other idle ones are checked at once too, rather than met one by
    one by this request with the pool's growing pause (1 s, 2 s, …) between tries."""
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        from django.db import DEFAULT_DB_ALIAS, connections

        pool = connections[DEFAULT_DB_ALIAS].pool
        if pool is not None:
            pool.check()
        raise
