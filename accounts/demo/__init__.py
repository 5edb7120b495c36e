"""Demo data for the accounts app: the demo logins, customer accounts with their teams, three
years of transactions and complaints, and the relationships — stakeholder maps, coverage, stages.

The same seed gives the same data (on the same day: dates count back from today). Rows go in
batch by batch through loading.insert — COPY on PostgreSQL, bulk_create elsewhere — so memory
stays flat; every app's demo writes through it. Neither fires simple-history: only the demo
managers' accounts get history rows (see history.py).

The package: people (the logins), context (what the steps share), loading (how rows are written),
words (word lists), portfolio (the plan of the whole portfolio), trading (accounts, teams,
transactions, complaints), history, and relationships (stakeholders, needs, private notes,
coverage, stage histories).
"""

from django.db import connection

from accounts.demo.context import DemoContext
from accounts.demo.people import (
    DEMO_LOGINS,
    DEMO_MANAGERS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    EXTRA_MANAGERS,
    DemoPerson,
    create_demo_users,
)
from accounts.demo.relationships import create_relationships
from accounts.demo.trading import create_accounts
from accounts.models import (
    Account,
    AccountTeamMember,
    Complaint,
    Coverage,
    StageAssessment,
    StageChange,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    Transaction,
    User,
)

__all__ = [
    "DEMO_LOGINS",
    "DEMO_MANAGERS",
    "DEMO_PASSWORD",
    "DEMO_PEOPLE",
    "EXTRA_MANAGERS",
    "DemoContext",
    "DemoPerson",
    "create_accounts",
    "create_demo_users",
    "create_relationships",
    "database_has_accounts",
    "delete_demo_data",
    "non_demo_usernames",
]


# Other apps whose rows hang off accounts register their own delete here from their
# AppConfig.ready() (accounts cannot import them); delete_demo_data runs them first.
DEPENDENT_DELETES: list = []


def register_dependent_delete(delete) -> None:
    if delete not in DEPENDENT_DELETES:
        DEPENDENT_DELETES.append(delete)


def database_has_accounts() -> bool:
    return Account.objects.exists()


def non_demo_usernames() -> list[str]:
    """Users the demo did not create: a database holding any is not a demo to wipe."""
    demo = [person.username for person in DEMO_PEOPLE]
    return list(
        User.objects.exclude(username__in=demo)
        .order_by("username")
        .values_list("username", flat=True)
    )


def delete_demo_data() -> None:
    """Empty the accounts app's tables and remove the demo users.

    Plain DELETE statements, what hangs off an account first: the ORM would load every row to send
    simple-history's delete signals and write a "deleted" history row for each."""
    with_history = [
        Coverage,
        StakeholderPrivateNote,
        StakeholderNeed,
        Stakeholder,
        Transaction,
        Complaint,
        AccountTeamMember,
        Account,
    ]
    tables = [
        model.history.model._meta.db_table for model in with_history if model is not Transaction
    ]
    models = [StageAssessment, StageChange, *with_history]
    tables += [model._meta.db_table for model in models]
    for delete in DEPENDENT_DELETES:
        delete()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    User.objects.filter(username__in=[person.username for person in DEMO_PEOPLE]).delete()
