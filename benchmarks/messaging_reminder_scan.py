"""Benchmark (run by hand, not in the test suite): the reminder scan over 100k open loans -> 10k SMS.

    VAR_DIR=/tmp/lendwise-bench .venv/bin/python benchmarks/messaging_reminder_scan.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_messaging \
        .venv/bin/python benchmarks/messaging_reminder_scan.py

Builds a fresh database (SQLite file under VAR_DIR unless DATABASE_URL is set), 100,000 open loans of
which 10,000 have a reminder due today, then times `reminders_create_due` (creation only: sending is
bounded by the provider). A second scan must create nothing.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

LOANS, DUE_TODAY, PARTICIPANTS = 100_000, 10_000, 20_000


def main() -> None:
    if settings.USING_POSTGRES:
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in name:
            sys.exit("refusing to run on a database whose name does not contain 'bench'")
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from loans.models import Loan, LoanPolicy
    from messaging.models import OutboundMessage
    from messaging.services import reminders_create_due
    from organizations.models import Organization, Participant

    settings.SMS_SENDING_HOURS = ("00:00", "23:59:59")
    OutboundMessage.objects.all().delete()
    Loan.objects.all().delete()
    LoanPolicy.objects.all().delete()
    Participant.objects.all().delete()
    Organization.objects.all().delete()

    started = time.perf_counter()
    orgs = [
        Organization.objects.create(name=f"Bench org {n}", short_code=f"B{chr(65 + n)}", phone="+3222150000")
        for n in range(5)
    ]
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organization=orgs[n % 5],
                display_name=f"Person {n}",
                phone=f"+3247{n:07d}",
                preferred_language=("nl", "fr", "en", "ar")[n % 4],
                sms_consent=n % 10 != 0,
            )
            for n in range(PARTICIPANTS)
        ],
        batch_size=2000,
    )
    policies = [LoanPolicy.objects.create(organization=org, name="Bench", period_days=28) for org in orgs]
    today = timezone.localdate()
    loans = []
    for n in range(LOANS):
        participant = participants[n % PARTICIPANTS]
        org_index = orgs.index(next(o for o in orgs if o.id == participant.organization_id))
        due = today + datetime.timedelta(days=3 if n < DUE_TODAY else 30 + n % 30)
        loans.append(
            Loan(
                organization_id=participant.organization_id,
                participant=participant,
                policy=policies[org_index],
                started_on=today - datetime.timedelta(days=25),
                due_on=due,
                reminder_offsets=[-3, 0, 3, 7],
            )
        )
    Loan.objects.bulk_create(loans, batch_size=2000)
    print(f"setup: {LOANS} open loans in {time.perf_counter() - started:.1f} s ({connection.vendor})")

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created = reminders_create_due()
        elapsed = time.perf_counter() - started
    print(f"scan 1: created {created} messages in {elapsed:.2f} s with {len(queries)} queries")
    assert created == DUE_TODAY, created
    started = time.perf_counter()
    again = reminders_create_due()
    print(f"scan 2: created {again} messages in {time.perf_counter() - started:.2f} s")
    assert again == 0
    assert OutboundMessage.objects.count() == DUE_TODAY


if __name__ == "__main__":
    main()
