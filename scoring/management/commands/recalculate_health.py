"""`manage.py recalculate_health`: the churn-risk and satisfaction recalculation from the command
line (cron, or an operator after fixing data), the same run the nightly Celery task makes.

Exits with status 1 when the run failed for some batches, was interrupted, or was skipped because
another run holds the lock, so a cron job or a deploy script notices."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Account
from scoring.health import runs
from scoring.models import RunStatus, RunTrigger

MAX_PK = 2**63 - 1
MAX_BATCH = 100_000


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Recalculate satisfaction and churn risk for every account (or one), record the run and "
        "print its figures. Exits with status 1 when the run failed or was skipped because "
        "another run is in progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, metavar="PK", help="Only this account (its id).")
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help=(
                "Read the records as they stood on this day (default today); the accounts' "
                "health then shows that day until the next run."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            metavar="N",
            help=f"Accounts per batch (default {runs.BATCH_SIZE:,}).",
        )

    def handle(self, *, account, as_of, batch_size, **options):
        if account is not None and not (
            1 <= account <= MAX_PK and Account.objects.filter(pk=account).exists()
        ):
            raise CommandError(f"There is no account with id {account}.")
        as_of = _date(as_of) if as_of else None
        if as_of is not None and as_of > timezone.localdate():
            raise CommandError("--as-of cannot be in the future.")
        if batch_size is not None and not 1 <= batch_size <= MAX_BATCH:
            raise CommandError(f"--batch-size must be from 1 to {MAX_BATCH:,}.")

        run = runs.health_recalculation_run(
            trigger=RunTrigger.COMMAND, account_id=account, as_of=as_of, batch_size=batch_size
        )
        if run.status == RunStatus.SKIPPED:
            raise CommandError(
                f"Skipped (run {run.pk}): another recalculation is in progress. Nothing was "
                "changed; try again when it has finished."
            )
        seconds = run.duration.total_seconds() if run.duration else 0.0
        what = f"account {account}" if account is not None else "every account"
        self.stdout.write(
            f"Run {run.pk} ({what}, as of {run.as_of:%Y-%m-%d}): accounts {run.accounts:,}, "
            f"changed {run.changed:,}, alerts {run.alerts:,}, errors {run.errors:,}, "
            f"{seconds:.1f} s."
        )
        if run.status == RunStatus.INTERRUPTED:
            raise CommandError(
                f"Run {run.pk} was declared dead while it ran (no sign of life reached the "
                "database for a whole lease) and stopped; the batches counted above were saved."
            )
        if run.status == RunStatus.FAILED:
            raise CommandError(
                f"Run {run.pk} failed for {run.errors} batch(es); the other batches were saved.\n"
                f"{run.error_text}"
            )
        self.stdout.write(self.style.SUCCESS("Finished."))
