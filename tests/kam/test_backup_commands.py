"""`manage.py backup` and `manage.py restore` on SQLite (`make run`'s database): SQLite's online
backup API, the manifest, and the refusals — a database that is not empty, a damaged or foreign
file — and the warning when the site's SECRET_KEY is not the backup's. Each run is a process of
its own, on small hand-made database files (the PostgreSQL drill is test_backup_restore.py)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
KEY = "the-key-this-backup-was-made-under-0123456789abcdefghijklmnopqrstu"


def manage(*args: str, database: Path, secret_key: str = KEY, **extra: str):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "SECRET_KEY_FALLBACKS", "SENTRY_DSN"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kam.settings",
        SQLITE_PATH=str(database),
        SECRET_KEY=secret_key,
        DEBUG="0",
        ALLOWED_HOSTS="localhost",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_database(path: Path, accounts: list[str]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts_account (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("CREATE TABLE accounts_transaction (id INTEGER PRIMARY KEY, account_id INT)")
        db.executemany("INSERT INTO accounts_account (name) VALUES (?)", [(a,) for a in accounts])
        db.executemany("INSERT INTO accounts_transaction (account_id) VALUES (?)", [(1,)] * 7)
    return path


def names(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT name FROM accounts_account ORDER BY id")]


@pytest.fixture(scope="module")
def backup(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("backups")
    source = make_database(folder / "source.sqlite3", ["Sinopec Digital", "China Mobile"])
    result = manage("backup", "--output", str(folder / "kam.sqlite3"), database=source)
    assert result.returncode == 0, result.stderr
    assert "accounts: 2" in result.stdout and "transactions: 7" in result.stdout
    assert "SECRET_KEY is not in the backup" in result.stdout
    return folder / "kam.sqlite3"


def test_a_backup_is_a_private_copy_with_a_manifest(backup):
    manifest = json.loads(backup.with_name(backup.name + ".json").read_text())

    assert names(backup) == ["Sinopec Digital", "China Mobile"]
    assert manifest["engine"] == "sqlite"
    assert manifest["counts"] == {"accounts_account": 2, "accounts_transaction": 7}
    assert KEY not in json.dumps(manifest)  # only a check value of the key, never the key
    for path in (backup, backup.with_name(backup.name + ".json")):
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"


def test_a_backup_never_overwrites_a_file(backup, tmp_path):
    source = make_database(tmp_path / "other.sqlite3", ["Other"])

    result = manage("backup", "--output", str(backup), database=source)

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert names(backup) == ["Sinopec Digital", "China Mobile"]


def test_it_restores_into_an_empty_database_and_checks_every_table(backup, tmp_path):
    target = tmp_path / "new.sqlite3"

    result = manage("restore", str(backup), "--no-migrate", database=target)

    assert result.returncode == 0, result.stderr
    assert "accounts: 2 ✓" in result.stdout and "transactions: 7 ✓" in result.stdout
    assert "All 2 tables match the backup" in result.stdout
    assert "SECRET_KEY differs" not in result.stderr
    assert names(target) == ["Sinopec Digital", "China Mobile"]


def test_it_refuses_a_database_that_is_not_empty_unless_told(backup, tmp_path):
    target = make_database(tmp_path / "live.sqlite3", ["Live customer"])

    refused = manage("restore", str(backup), "--no-migrate", database=target)
    replaced = manage("restore", str(backup), "--no-migrate", "--replace", database=target)

    assert refused.returncode != 0
    assert "not empty: it has 2 tables and 1 accounts" in refused.stderr
    assert replaced.returncode == 0, replaced.stderr
    assert names(target) == ["Sinopec Digital", "China Mobile"]


def test_a_damaged_backup_is_refused_and_nothing_restored(backup, tmp_path):
    damaged = tmp_path / backup.name
    data = bytearray(backup.read_bytes())
    data[-100] ^= 0xFF
    damaged.write_bytes(bytes(data))
    damaged.with_name(damaged.name + ".json").write_bytes(
        backup.with_name(backup.name + ".json").read_bytes()
    )
    target = tmp_path / "new.sqlite3"

    result = manage("restore", str(damaged), database=target)

    assert result.returncode != 0
    assert "does not match its manifest's SHA-256" in result.stderr
    assert not target.exists() or target.stat().st_size == 0


def test_a_postgresql_dump_is_refused_by_a_sqlite_site(tmp_path):
    dump = tmp_path / "kam.dump"
    dump.write_bytes(b"PGDMP\x01\x0f\x00" + bytes(100))

    result = manage("restore", str(dump), database=tmp_path / "new.sqlite3")

    assert result.returncode != 0
    assert "is a postgresql backup, but this site's database is sqlite" in result.stderr


def test_a_restore_under_another_key_warns_what_breaks(backup, tmp_path):
    other = "a-new-key-because-the-old-one-was-lost-0123456789abcdefghijklmn"

    lost = manage(
        "restore", str(backup), "--no-migrate", database=tmp_path / "a.sqlite3", secret_key=other
    )
    kept = manage(
        "restore",
        str(backup),
        "--no-migrate",
        database=tmp_path / "b.sqlite3",
        secret_key=other,
        SECRET_KEY_FALLBACKS=KEY,
    )

    assert lost.returncode == 0, lost.stderr
    assert "SECRET_KEY differs from the one this backup was made under" in lost.stderr
    assert "survey link" in lost.stderr and "sign in again" in lost.stderr
    assert kept.returncode == 0, kept.stderr
    assert "SECRET_KEY differs" not in kept.stderr
    assert "SECRET_KEY_FALLBACKS" in kept.stdout


def test_a_copy_without_its_manifest_restores_with_a_warning(backup, tmp_path):
    bare = tmp_path / "copied.sqlite3"
    bare.write_bytes(backup.read_bytes())
    target = tmp_path / "new.sqlite3"

    result = manage("restore", str(bare), "--no-migrate", database=target)

    assert result.returncode == 0, result.stderr
    assert "accounts: 2" in result.stdout
    assert "No manifest" in result.stdout
    assert names(target) == ["Sinopec Digital", "China Mobile"]
