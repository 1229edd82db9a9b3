import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inventory.imports import ImportFileError, import_devices
from inventory.models import Donor
from organizations.models import Organization


class ProgressBar:
    """A one-line text progress bar (no dependency), redrawn at most every 0.1 s."""

    def __init__(self, stream, label: str, width: int = 40):
        self.stream, self.label, self.width, self.last = stream, label, width, 0.0

    def write(self, text: str) -> None:
        self.stream.write(text, ending="")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total) if total else self.width
        self.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done == total:
            self.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import devices from a CSV file: checks every row (dry run) and, with --commit, imports all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8; comma or semicolon separated)")
        parser.add_argument("--organization", required=True, help="Short code of the organisation, e.g. DT")
        parser.add_argument("--donor", help="Name of an existing donor for rows without one")
        parser.add_argument("--user", help="Username recorded as who took the devices in")
        parser.add_argument("--commit", action="store_true", help="Import (default: dry run only)")

    def handle(self, *args, **options):
        try:
            organization = Organization.objects.get(short_code=options["organization"])
        except Organization.DoesNotExist as exc:
            raise CommandError(f"No organisation with short code {options['organization']!r}.") from exc
        donor = None
        if options["donor"]:
            donor = Donor.objects.filter(organization=organization, name=options["donor"]).first()
            if donor is None:
                raise CommandError(f"No donor named {options['donor']!r} in {organization}.")
        user = get_user_model().objects.filter(username=options["user"]).first() if options["user"] else None
        with open(options["path"], "rb") as handle:
            data = handle.read()
        stream = self.stderr
        try:
            report = import_devices(
                organization=organization,
                data=data,
                by=user,
                dry_run=True,
                donor=donor,
                progress=ProgressBar(stream, "checking"),
            )
            if report.ok and options["commit"]:
                report = import_devices(
                    organization=organization,
                    data=data,
                    by=user,
                    dry_run=False,
                    donor=donor,
                    progress=ProgressBar(stream, "importing"),
                )
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        for row in report.errors:
            problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in row["errors"].items())
            self.stdout.write(f"line {row['line']}: {problems}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} of {report.total} rows have errors; nothing was imported.")
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS(f"All {report.total} rows are valid (dry run; add --commit)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{report.created} devices imported."))
