"""Benchmark (run by hand, not in the test suite): the daily retention run.

    VAR_DIR=/tmp/lendwise-bench-privacy .venv/bin/python benchmarks/privacy_retention.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_privacy \
        .venv/bin/python benchmarks/privacy_retention.py

Builds a fresh database with PARTICIPANTS participants, each with one closed loan (and its history
rows); DUE of them closed 30 months ago, the rest last month. Times the selection of those past
retention, then the anonymisation of all of them, then a second run (which must do nothing).
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

PARTICIPANTS = int(os.environ.get("PARTICIPANTS", 20_000))
DUE = int(os.environ.get("DUE", 1_000))


def main() -> None:
    if settings.USING_POSTGRES and "bench" not in settings.DATABASES["default"]["NAME"]:
        sys.exit("refusing to run on a database whose name does not contain 'bench'")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from inventory.models import Device
    from loans.models import Loan, LoanItem, LoanPolicy
    from organizations.models import Organization, Participant
    from privacy import services
    from privacy.selectors import participants_past_retention

    now = timezone.now()
    old, recent = now - datetime.timedelta(days=915), now - datetime.timedelta(days=30)
    org = Organization.objects.create(name="Bench", short_code="BP")
    policy = LoanPolicy.objects.create(organization=org, name="Bench", period_days=28)
    people = Participant.objects.bulk_create(
        Participant(organization=org, display_name=f"Person {i}", phone=f"+3247{i:07d}", note="bench")
        for i in range(PARTICIPANTS)
    )
    Participant.objects.filter(pk__in=[p.pk for p in people[:DUE]]).update(created_at=old)
    Participant.objects.filter(pk__in=[p.pk for p in people[DUE:]]).update(created_at=recent)
    devices = Device.objects.bulk_create(
        Device(organization=org, asset_tag=f"BP-{i:06d}", kind="laptop", status="available")
        for i in range(PARTICIPANTS)
    )
    loans = Loan.objects.bulk_create(
        Loan(
            organization=org,
            participant=person,
            policy=policy,
            status="returned",
            started_on=(old if i < DUE else recent).date(),
            due_on=(old if i < DUE else recent).date() + datetime.timedelta(days=28),
            closed_at=(old if i < DUE else recent) + datetime.timedelta(days=20),
            note=f"called {person.display_name}",
        )
        for i, person in enumerate(people)
    )
    LoanItem.objects.bulk_create(
        LoanItem(loan=loan, device=device, closed_at=loan.closed_at)
        for loan, device in zip(loans, devices, strict=True)
    )
    Participant.history.bulk_history_create(people)
    Loan.history.bulk_history_create(loans)
    print(f"{PARTICIPANTS} participants, {DUE} past retention ({connection.vendor})")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        due = participants_past_retention(organization=org, months=24, now=now)
    print(f"selection: {len(due)} found in {time.perf_counter() - started:.2f} s, {len(queries)} query")
    assert len(due) == DUE

    started = time.perf_counter()
    done = services.participants_anonymise_due(now=now)
    took = time.perf_counter() - started
    print(f"anonymised {done} in {took:.2f} s ({1000 * took / max(done, 1):.1f} ms each)")

    started = time.perf_counter()
    assert services.participants_anonymise_due(now=now) == 0
    print(f"second run: nothing to do, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
