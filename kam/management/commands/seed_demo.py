"""`manage.py seed_demo`: load the demo data — logins for each role and a realistic portfolio."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts import demo as accounts_demo
from planning import demo as planning_demo
from scoring import demo as scoring_demo


@dataclass(frozen=True)
class Step:
    label: str
    run: Callable[[accounts_demo.DemoContext], dict[str, int]]


# In dependency order; each app adds its steps after the ones whose rows it hangs off.
STEPS = (
    Step("demo users", accounts_demo.create_demo_users),
    Step("accounts", accounts_demo.create_accounts),
    Step("relationships", accounts_demo.create_relationships),
    Step("plans, visits and pipeline", planning_demo.create_planning),
    Step("scores, scorecards and segments", scoring_demo.create_scoring),
    Step("surveys and account health", scoring_demo.create_health),
)
# Run by --reset, in reverse dependency order: what hangs off accounts goes first.
# accounts' delete runs the other apps' deletes first (registered from their AppConfig.ready).
RESETS = (accounts_demo.delete_demo_data,)


class Command(BaseCommand):
    help = (
        f"Load demo data: the demo logins (password {accounts_demo.DEMO_PASSWORD}) and N accounts "
        "with their teams, three years of transactions and complaints, stakeholder maps, coverage "
        "and relationship stages, account plans, a year of visits, the pipeline and loss records. "
        "The same --seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", type=int, default=300, help="How many accounts (default 300)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has accounts.",
        )
        existing.add_argument(
            "--reset",
            action="store_true",
            help="Delete all accounts data and the demo users first.",
        )

    def handle(self, *, accounts, seed, if_empty, reset, verbosity, **options):
        if not (settings.KAM_DEMO_MODE or settings.DEBUG):
            raise CommandError(
                "seed_demo loads demo logins with a published password, so it runs only on a "
                "demo or development site: set KAM_DEMO_MODE=1 (or DEBUG=1) to use it. Nothing "
                "was changed."
            )
        if accounts < 1:
            raise CommandError("--accounts must be at least 1.")
        if reset:
            others = accounts_demo.non_demo_usernames()
            if others:
                shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
                raise CommandError(
                    f"--reset deletes every account, so it refuses a database with users the "
                    f"demo did not create ({len(others)}: {shown}). Nothing was changed."
                )
        if accounts_demo.database_has_accounts():
            if if_empty:
                self.stdout.write("Demo data not loaded: the database already has accounts.")
                return
            if not reset:
                raise CommandError(
                    "The database already has accounts. Use --reset to delete them (and the "
                    "demo users) and load the demo data again, or --if-empty to skip."
                )

        context = accounts_demo.DemoContext(seed=seed, account_count=accounts)
        if verbosity >= 2:
            context.progress = lambda message: self.stdout.write(f"    {message}")
        self.stdout.write(f"Loading demo data: {accounts:,} accounts, seed {seed}.")
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                step_started = time.monotonic()
                for delete in RESETS:
                    delete()
                self.stdout.write(f"  deleted the old data ({_seconds(step_started)})")
            for step in STEPS:
                step_started = time.monotonic()
                counts = step.run(context)
                created = ", ".join(f"{count:,} {name}" for name, count in counts.items())
                self.stdout.write(f"  {step.label}: {created} ({_seconds(step_started)})")
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the planner guesses at tables that went from empty
            # to millions of rows, and several pages were two to three times slower.
            step_started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"  analyzed the tables ({_seconds(step_started)})")
        logins = ", ".join(person.username for person in accounts_demo.DEMO_LOGINS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {_seconds(started)}. Sign in as {logins} "
                f"with password {accounts_demo.DEMO_PASSWORD}."
            )
        )


def _seconds(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"
