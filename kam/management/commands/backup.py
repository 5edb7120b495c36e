"""`manage.py backup`: the database and a manifest of what is in it (kam/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kam import backups


class Command(BaseCommand):
    help = (
        "Back up the database: PostgreSQL with pg_dump (custom format), SQLite with its online "
        "backup API, plus a manifest (FILE.json) of every table's rows. SECRET_KEY is not in "
        "the backup: keep it separately."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", type=Path, help="The backup file to create.")
        where.add_argument(
            "--dir",
            type=Path,
            default=Path("backups"),
            help="Folder for a file named kam-DATE-TIME.dump or .sqlite3 (default: backups).",
        )

    def handle(self, *, output, dir, **options):
        try:
            if output is None:
                dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                output = dir / backups.default_name(backups.engine())
            manifest = backups.backup(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {output} ({manifest.bytes:,} bytes)")
        self.stdout.write(f"Manifest: {backups.Manifest.path_for(output)}")
        for name, table in backups.summary(manifest.counts):
            self.stdout.write(f"  {name}: {manifest.counts[table]:,}")
        self.stdout.write(
            f"  {len(manifest.counts)} tables, {sum(manifest.counts.values()):,} rows in all"
        )
        self.stdout.write(
            self.style.WARNING(
                "SECRET_KEY is not in the backup. Keep it apart from the backup, safely: a "
                "restore under another key makes every survey link sent so far answer 'not "
                "found' and signs everyone out."
            )
        )
