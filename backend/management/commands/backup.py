"""manage.py backup FILE: a full copy of the database (pg_dump custom format, or an SQLite file)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.backup import BackupError, backup, database_config, engine


class Command(BaseCommand):
    help = "Back up the whole database to FILE (PostgreSQL: pg_dump -Fc; SQLite: the online backup API)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write the backup (must not exist).")
        parser.add_argument("--database-url", help="Back up this database instead of DATABASE_URL.")

    def handle(self, *args, file: Path, database_url: str | None = None, **options):
        try:
            config = database_config(database_url)
            backup(target=file, config=config)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = file.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up the {engine(config)} database to {file} ({size} bytes)."))
