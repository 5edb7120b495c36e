"""Demo data for the planning app: account plans, a year of visits, the pipeline and the loss
records of two lost accounts. Runs after accounts' demo steps (it hangs off their accounts, teams
and stakeholder maps); `manage.py seed_demo` calls `create_planning` after the relationships step
and `delete_demo_data` before accounts' own reset.

The same seed gives the same data (on the same day: dates count back from today). Bulk inserts,
a batch of accounts at a time, so memory stays flat; like accounts' demo, no history rows.
"""

from django.apps import apps
from django.db import connection

from planning.demo.build import create_planning
from planning.models import (
    AccountPlan,
    Action,
    LossRecord,
    Notification,
    Objective,
    Opportunity,
    OpportunityStageChange,
    Visit,
)

__all__ = ["create_planning", "delete_demo_data"]


def _tables() -> list[str]:
    """Every planning table that hangs off accounts, what references another table first."""
    # simple-history's m2m history rows point at the visit history rows: they go first.
    m2m_history = ("HistoricalVisit_attendees", "HistoricalVisit_our_attendees")
    tables = [apps.get_model("planning", name)._meta.db_table for name in m2m_history]
    tables += [
        Visit.attendees.through._meta.db_table,
        Visit.our_attendees.through._meta.db_table,
    ]
    with_history = [LossRecord, Action, Objective, AccountPlan, Opportunity, Visit]
    tables += [model.history.model._meta.db_table for model in with_history]
    concrete = [OpportunityStageChange, Notification, *with_history]
    tables += [model._meta.db_table for model in concrete]
    return list(dict.fromkeys(tables))


def delete_demo_data() -> None:
    """Empty the planning tables that hang off accounts (calendar feeds stay: they belong to
    users). Plain DELETE statements, for the reason accounts.demo.delete_demo_data gives."""
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
