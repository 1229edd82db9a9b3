"""manage.py restore FILE: replace the database's content with a backup made by `manage.py backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.backup import BackupError, database_config, restore


class Command(BaseCommand):
    help = (
        "Restore FILE (from `manage.py backup`) into the database, replacing what is there. "
        "Stop web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A backup made by `manage.py backup`.")
        parser.add_argument("--database-url", help="Restore into this database instead of DATABASE_URL.")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: Path, database_url: str | None = None, noinput: bool = False, **options):
        try:
            config = database_config(database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not noinput:
            answer = input(f"This replaces all data in {config['NAME']} with {file}. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(source=file, config=config)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into {config['NAME']}."))
