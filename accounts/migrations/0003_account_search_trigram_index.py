"""Trigram indexes for the account search box (name / legal name "contains", any language).

PostgreSQL only: SQLite (the `make run` default) scans its small demo table just fine. The
expressions match what Django's icontains emits, UPPER("column"::text), so the planner uses them.
"""

from django.db import migrations

COLUMNS = ("name", "legal_name")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS account_{column}_trgm_idx ON accounts_account "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS account_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_and_default_tiers")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
