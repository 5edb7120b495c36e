"""`manage.py restore FILE`: load a backup made by `manage.py backup` (or plain pg_dump -Fc) into
an empty database, migrate it, and check every table's rows against the manifest."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kam import backups


class Command(BaseCommand):
    help = (
        "Restore a backup into this site's database (DATABASE_URL, or the SQLite file), which "
        "must be empty unless --replace; then migrate and compare every table with the backup's "
        "manifest."
    )
    # The database may be empty or from older code until this command is done.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (.dump or .sqlite3).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Drop what the database holds and replace it with the backup.",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not apply migrations after loading (run `manage.py migrate` yourself).",
        )

    def handle(self, *, file, replace, no_migrate, verbosity, **options):
        try:
            self._restore(file, replace=replace, migrate=not no_migrate, verbosity=verbosity)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error

    def _restore(self, path: Path, *, replace: bool, migrate: bool, verbosity: int) -> None:
        manifest = backups.Manifest.read(path)
        kind = backups.check_file(path, manifest)
        tables = backups.existing_tables()
        if tables and not replace:
            accounts = backups.existing_accounts()
            holding = f" and {accounts:,} accounts" if accounts else ""
            raise CommandError(
                f"The database is not empty: it has {tables} tables{holding}. Restore into a new, "
                "empty database, or pass --replace to drop what it holds."
            )

        self.stdout.write(f"Restoring {path} ({kind}) …")
        backups.restore(path, replace=replace)
        counts = backups.current_counts()
        for name, table in backups.summary(counts):
            mark = ""
            if manifest is not None:
                mark = " ✓" if manifest.counts.get(table) == counts[table] else " ✗"
            self.stdout.write(f"  {name}: {counts[table]:,}{mark}")
        if manifest is None:
            self.stdout.write(
                self.style.WARNING(
                    "No manifest beside the file: the counts above are not checked against "
                    "the backup, and SECRET_KEY cannot be checked."
                )
            )
        else:
            wrong = backups.differences(manifest.counts, counts)
            if wrong:
                raise CommandError(
                    "The restored database differs from the backup:\n  " + "\n  ".join(wrong)
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"All {len(counts)} tables match the backup "
                    f"({sum(counts.values()):,} rows, made {manifest.created_at})."
                )
            )
            self._check_key(manifest)

        if migrate:
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
            self.stdout.write("Migrations applied.")
        call_command("check", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Restored. Start the site with the same SECRET_KEY."))

    def _check_key(self, manifest: backups.Manifest) -> None:
        status = backups.key_status(manifest)
        if status == "fallback":
            self.stdout.write(
                self.style.WARNING(
                    "The backup was made under a key now in SECRET_KEY_FALLBACKS: survey links "
                    "and sign-ins from before keep working until it is removed from there."
                )
            )
        elif status == "different":
            self.stderr.write(
                self.style.ERROR(
                    "SECRET_KEY differs from the one this backup was made under. Every survey "
                    "link sent before the backup will answer 'not found', and everyone must sign "
                    "in again. Start the site with the old SECRET_KEY if you still have it (or "
                    "put it in SECRET_KEY_FALLBACKS)."
                )
            )
