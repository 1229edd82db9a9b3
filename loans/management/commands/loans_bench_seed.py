"""Seed a benchmark database: one organisation with many loans (default 1M, 100k of them open).

For benchmarks only (run by hand, never in tests): rows are bulk-inserted without history.
Closed loans have no items (the list reads items only for the page it shows). Prints an API token.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loans_bench python manage.py migrate
    DATABASE_URL=... python manage.py loans_bench_seed --loans 1000000 --open 100000
"""

import datetime
import random
import secrets
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from inventory.choices import DeviceStatus
from inventory.models import Device
from loans.choices import LoanStatus
from loans.models import Loan, LoanItem, LoanPolicy
from organizations.models import Membership, Organization, Participant

BATCH = 10_000


class Command(BaseCommand):
    help = "Seed many loans for the overdue-list benchmark (benchmarks/loans_overdue_list.py)."

    def add_arguments(self, parser):
        parser.add_argument("--loans", type=int, default=1_000_000)
        parser.add_argument("--open", type=int, default=100_000)
        parser.add_argument("--overdue-share", type=float, default=0.2, help="Share of open loans that are overdue.")
        parser.add_argument("--participants", type=int, default=20_000)

    def handle(self, *args, loans, open, overdue_share, participants, **options):
        started = time.monotonic()
        rng = random.Random(42)
        today = timezone.localdate()
        with transaction.atomic():
            org = Organization.objects.create(name=f"Bench {secrets.token_hex(3)}", short_code="BN")
            user = get_user_model().objects.create_user(username=f"bench-{org.pk}", password=secrets.token_hex(16))
            Membership.objects.create(user=user, organization=org, role="staff")
            token = Token.objects.create(user=user)
            policy = LoanPolicy.objects.create(
                organization=org, name="Bench", period_days=28, max_renewals=2, renewal_days=14
            )
        people = Participant.objects.bulk_create(
            [Participant(organization=org, display_name=f"Person {i}") for i in range(participants)], batch_size=BATCH
        )
        self.stdout.write(f"{participants} participants")
        devices = []
        for start in range(0, open, BATCH):
            devices += Device.objects.bulk_create(
                [
                    Device(organization=org, asset_tag=f"BN-{i:07d}", kind="laptop", status=DeviceStatus.ON_LOAN)
                    for i in range(start, min(start + BATCH, open))
                ]
            )
        self.stdout.write(f"{len(devices)} devices")
        now = timezone.now()
        done = 0
        while done < loans:
            batch = []
            for i in range(done, min(done + BATCH, loans)):
                is_open = i < open
                if is_open:
                    overdue = rng.random() < overdue_share
                    due = today + datetime.timedelta(days=-rng.randint(1, 60) if overdue else rng.randint(0, 28))
                else:
                    due = today - datetime.timedelta(days=rng.randint(30, 2000))
                start = due - datetime.timedelta(days=28)
                batch.append(
                    Loan(
                        organization=org,
                        participant=people[i % len(people)],
                        policy=policy,
                        status=LoanStatus.ACTIVE if is_open else LoanStatus.RETURNED,
                        started_on=start,
                        due_on=due,
                        closed_at=None if is_open else now,
                        public_token=secrets.token_urlsafe(32),
                        max_renewals=2,
                        renewal_days=14,
                    )
                )
            created = Loan.objects.bulk_create(batch)
            items = [LoanItem(loan=loan, device=devices[done + n]) for n, loan in enumerate(created) if done + n < open]
            if items:
                LoanItem.objects.bulk_create(items)
            done += len(batch)
            if done % 100_000 == 0:
                self.stdout.write(f"{done} loans ({time.monotonic() - started:.0f} s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"seeded {loans} loans ({open} open) in {time.monotonic() - started:.0f} s; "
                f"organisation {org.pk}; API token: {token.key}"
            )
        )
