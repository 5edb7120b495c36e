from django.db import migrations

INDEX = "health_overview_idx"


def create_covering_index(apps, schema_editor):
    """The overview counts and sorts every visible account by the columns below. Each health row
    also carries its ~1.3 kB explanation, so reading them from the table means reading every
    explanation too; this index holds just those columns, and PostgreSQL answers from it alone
    (an index-only scan: about half the time at 100,000 accounts). Other databases do without."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON scoring_accounthealth (account_id) "
            "INCLUDE (risk_score, risk_level, risk_change, satisfaction_index, high_since)"
        )


def drop_covering_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0005_health_risk_change")]

    operations = [migrations.RunPython(create_covering_index, drop_covering_index)]
