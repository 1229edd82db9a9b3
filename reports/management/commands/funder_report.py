"""Print or save a report from the command line (platform administrators, cron, checks by hand)."""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from organizations.models import Grant, Organization

from ... import selectors
from ...periods import previous_month
from ...rendering import report_csv, report_pdf


class Command(BaseCommand):
    help = "Build a report for a grant, a funder or an organisation and write it as JSON, CSV or PDF."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--grant", type=int)
        scope.add_argument("--funder", type=int)
        scope.add_argument("--organization", type=int)
        parser.add_argument("--start", type=datetime.date.fromisoformat, help="default: first day of last month")
        parser.add_argument("--end", type=datetime.date.fromisoformat, help="default: last day of last month")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--lang", choices=["nl", "fr", "en"], default="en")
        parser.add_argument("--no-suppress", action="store_true", help="show counts 1-4 (not for funders)")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        start, end = options["start"], options["end"]
        if start is None or end is None:
            start, end = previous_month(timezone.localdate())
        if end < start:
            raise CommandError("--end is before --start")
        suppress = not options["no_suppress"]
        with translation.override(options["lang"]):
            if options["organization"]:
                organization = Organization.objects.filter(pk=options["organization"]).first()
                if organization is None:
                    raise CommandError("unknown organisation")
                report = selectors.organization_report(
                    organization=organization, period_start=start, period_end=end, suppress=suppress
                )
            else:
                if options["grant"]:
                    grants, kind = Grant.objects.filter(pk=options["grant"]), "grant"
                else:
                    grants, kind = Grant.objects.filter(funder_id=options["funder"]), "funder"
                if not grants.exists():
                    raise CommandError("unknown grant or funder without grants")
                report = selectors.grant_report(
                    grants=grants, period_start=start, period_end=end, suppress=suppress, kind=kind
                )
            if options["format"] == "pdf":
                body = report_pdf(report)
            elif options["format"] == "csv":
                body = report_csv(report)
            else:
                body = json.dumps(report, indent=2, ensure_ascii=False).encode()
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(body)
        else:
            sys.stdout.buffer.write(body)
