"""Backups of KAM's database, for `manage.py backup` and `manage.py restore` (README, "Backup and
restore").

A backup is two files: the database itself — PostgreSQL's custom format from pg_dump, or a copy of
the SQLite file made with SQLite's online backup API — and a manifest beside it (the same name
plus ".json") with the file's SHA-256, the row count of every table as of the dump, and a check
value of the SECRET_KEY it was made under. The restore uses the manifest to refuse a damaged file,
to compare every table's count after loading, and to warn when the site now runs under another
SECRET_KEY. The key itself is never written into a backup: it is kept apart (README).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

MANIFEST_VERSION = 1
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
# How each kind of file starts: a restore refuses a file that is not what the database needs.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
SUFFIX = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
# The tables named in the commands' summaries (every table is counted and compared).
SUMMARY = (
    ("accounts.User", "users"),
    ("accounts.Account", "accounts"),
    ("accounts.Transaction", "transactions"),
    ("accounts.Stakeholder", "stakeholders"),
    ("accounts.Complaint", "complaints"),
    ("planning.AccountPlan", "account plans"),
    ("planning.Visit", "visits"),
    ("scoring.Survey", "surveys"),
    ("scoring.HealthSnapshot", "health snapshots"),
)
_KEY_CHECK_SALT = "kam.backups.secret-key-check"
# What PostgreSQL's client tools read from the environment instead of the command line (where a
# password would show in the process list).
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass
class Manifest:
    engine: str
    file: str
    sha256: str
    bytes: int
    counts: dict[str, int]
    secret_key_check: str
    created_at: str = field(default_factory=lambda: timezone.now().isoformat())
    version: int = MANIFEST_VERSION

    @classmethod
    def path_for(cls, backup: Path) -> Path:
        return backup.with_name(backup.name + ".json")

    @classmethod
    def read(cls, backup: Path) -> Manifest | None:
        path = cls.path_for(backup)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                raise BackupError(f"{path}: manifest version {data.get('version')!r} is unknown.")
            return cls(**data)
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} is not a KAM backup manifest: {exc}") from exc

    def write(self, backup: Path) -> Path:
        path = self.path_for(backup)
        with _create_private(path) as handle:
            handle.write(json.dumps(self.__dict__, indent=2, sort_keys=True).encode())
        return path


def engine() -> str:
    vendor = connection.vendor
    if vendor not in MAGIC:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def secret_key_check(key: str) -> str:
    """A value that tells whether two keys are the same without revealing either (an HMAC under
    the key, like every signature the site hands out)."""
    return salted_hmac(_KEY_CHECK_SALT, "kam", secret=key, algorithm="sha256").hexdigest()


def key_status(manifest: Manifest) -> str:
    """'same', 'fallback' (the backup's key is in SECRET_KEY_FALLBACKS) or 'different'."""
    if constant_time_compare(manifest.secret_key_check, secret_key_check(settings.SECRET_KEY)):
        return "same"
    for key in settings.SECRET_KEY_FALLBACKS:
        if constant_time_compare(manifest.secret_key_check, secret_key_check(key)):
            return "fallback"
    return "different"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _create_private(path: Path):
    """A new file only its owner can read (a backup holds password hashes and private notes);
    never overwrite one."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists; KAM never overwrites a backup.") from None
    return os.fdopen(descriptor, "wb")


# --- Counting -----------------------------------------------------------------------------------


def _tables() -> list[str]:
    # Every table of a model (history and many-to-many tables included). django_migrations is
    # not one: restoring onto newer code adds rows to it.
    return sorted(connection.introspection.django_table_names(only_existing=True))


def count_rows(cursor, tables: list[str]) -> dict[str, int]:
    """{table: rows}, in one statement."""
    if not tables:
        return {}
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(t)}" for t in tables)
    placeholder = "?" if isinstance(cursor, sqlite3.Cursor) else "%s"
    cursor.execute(sql.replace("%s", placeholder), tables)
    return dict(cursor.fetchall())


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return count_rows(cursor, _tables())


def summary(counts: dict[str, int]) -> list[tuple[str, str]]:
    """(what, table) of the SUMMARY tables present in `counts`."""
    from django.apps import apps

    named = ((name, apps.get_model(label)._meta.db_table) for label, name in SUMMARY)
    return [(name, table) for name, table in named if table in counts]


def differences(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    return [
        f"{table}: {expected.get(table, 'no table')} in the backup, "
        f"{actual.get(table, 'no table')} restored"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]


# --- Emptiness ----------------------------------------------------------------------------------


def existing_tables() -> int:
    """How many tables the target database has (any at all makes it not empty)."""
    with connection.cursor() as cursor:
        if connection.vendor == POSTGRESQL:
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = ANY(current_schemas(false))"
            )
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        return cursor.fetchone()[0]


def existing_accounts() -> int | None:
    from accounts.models import Account

    if Account._meta.db_table not in connection.introspection.table_names():
        return None
    return Account.objects.count()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client tools, the same major "
            "version as the server or newer (Debian: apt-get install postgresql-client-15)."
        )
    return path


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for key, variable in _PG_OPTIONS.items():
        if db.get("OPTIONS", {}).get(key):
            env[variable] = str(db["OPTIONS"][key])
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed:\n{result.stderr.strip()}")


def dump_postgresql(path: Path) -> dict[str, int]:
    """pg_dump in custom format, of exactly the snapshot the rows were counted in: the counts are
    taken in a repeatable-read transaction whose snapshot pg_dump then shares."""
    pg_dump = _pg_tool("pg_dump")
    _create_private(path).close()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor, _tables())
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"])
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return counts


def _drop_everything() -> str:
    """SQL that drops every table, view and sequence of the database's schemas: what --replace
    removes. Run in the restore's transaction, so a failed restore leaves the old data."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_type, table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(current_schemas(false))"
        )
        relations = cursor.fetchall()
        cursor.execute(
            "SELECT sequence_schema, sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = ANY(current_schemas(false))"
        )
        sequences = cursor.fetchall()
    statements = [
        f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {quote(schema)}.{quote(name)} "
        "CASCADE;"
        for kind, schema, name in relations
    ]
    statements += [
        f"DROP SEQUENCE IF EXISTS {quote(schema)}.{quote(name)} CASCADE;"
        for schema, name in sequences
    ]
    return "\n".join(statements) + "\n"


def restore_postgresql(path: Path, *, replace: bool) -> None:
    """The dump, turned into SQL by pg_restore, run by psql in one transaction: all or nothing,
    with --replace the dropping of what was there included. Ownership and grants are left out:
    the tables belong to the user KAM connects as, whatever the old server's roles were."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    preamble = _drop_everything() if replace else ""
    connection.close()
    env = _pg_env()
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c client_min_messages=warning".strip()
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as load_errors:
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        loader = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=load_errors,
        )
        # COMMIT only once pg_restore has read the whole file: a file cut short ends the
        # script early, and psql, reaching the end without COMMIT, rolls everything back.
        with contextlib.suppress(BrokenPipeError):  # psql stopped at an error; stderr says which
            loader.stdin.write(b"BEGIN;\n" + preamble.encode())
            shutil.copyfileobj(script.stdout, loader.stdin, 1 << 20)
            if script.wait() == 0:
                loader.stdin.write(b"COMMIT;\n")
        with contextlib.suppress(BrokenPipeError):
            loader.stdin.close()
        script.stdout.close()
        script_failed, load_failed = script.wait() != 0, loader.wait() != 0
        if script_failed or load_failed:
            script_errors.seek(0)
            load_errors.seek(0)
            detail = (script_errors.read() + load_errors.read()).decode(errors="replace")
            raise BackupError(f"Nothing was restored:\n{detail.strip()}")


# --- SQLite -------------------------------------------------------------------------------------


def _read_only(path) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup API: a consistent copy even while the site writes."""
    reader = _read_only(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def dump_sqlite(path: Path) -> dict[str, int]:
    _create_private(path).close()
    try:
        _sqlite_copy(connection.settings_dict["NAME"], str(path))
        tables = _tables()
        copy = _read_only(path)
        try:
            return count_rows(copy.cursor(), tables)
        finally:
            copy.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def restore_sqlite(path: Path) -> None:
    """Replaces the whole target database with the backup's pages."""
    connection.close()
    _sqlite_copy(str(path), connection.settings_dict["NAME"])


# --- The whole operation ------------------------------------------------------------------------


def default_name(kind: str) -> str:
    return f"kam-{timezone.localtime():%Y%m%d-%H%M%S}{SUFFIX[kind]}"


def backup(path: Path) -> Manifest:
    kind = engine()
    counts = dump_postgresql(path) if kind == POSTGRESQL else dump_sqlite(path)
    manifest = Manifest(
        engine=kind,
        file=path.name,
        sha256=sha256_of(path),
        bytes=path.stat().st_size,
        counts=counts,
        secret_key_check=secret_key_check(settings.SECRET_KEY),
    )
    manifest.write(path)
    return manifest


def check_file(path: Path, manifest: Manifest | None) -> str:
    """The file's kind, after refusing a file that is missing, of the wrong kind or damaged."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    kind = engine()
    with path.open("rb") as handle:
        start = handle.read(16)
    if not start.startswith(MAGIC[kind]):
        other = next((k for k, magic in MAGIC.items() if start.startswith(magic)), None)
        found = f"a {other} backup" if other else "not a KAM backup"
        raise BackupError(f"{path} is {found}, but this site's database is {kind}.")
    if manifest is not None:
        if manifest.engine != kind:
            raise BackupError(f"{path}'s manifest is for {manifest.engine}, not {kind}.")
        if sha256_of(path) != manifest.sha256:
            raise BackupError(
                f"{path} does not match its manifest's SHA-256: the file is damaged or "
                "incomplete. Nothing was restored."
            )
    return kind


def restore(path: Path, *, replace: bool) -> None:
    if engine() == POSTGRESQL:
        restore_postgresql(path, replace=replace)
    else:
        restore_sqlite(path)
    connection.close()
