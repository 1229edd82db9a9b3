"""Seed a regional deployment's worth of data for benchmarks: many organisations, devices, participants,
loans and internet codes, written in bulk (PostgreSQL COPY, SQLite executemany) with every constraint
and index in place.

Run by hand on a throw-away database, never on real data (rows get no history and no events):

    VAR_DIR=/tmp/var-scale python manage.py migrate --noinput
    VAR_DIR=/tmp/var-scale python manage.py seed_scale            # 200 orgs, 100k devices, 1M loans...

Organisation sizes follow a Zipf law (`--skew`, 1 by default): the first organisation ("Scale 000") is
the largest (about a sixth of everything with 200 organisations), the last ones hold a few hundred rows.
Each organisation has a staff user (`scale-<code>-staff`), two loan policies, two grants (of
`--funders` funders; the first funder has a user `scale-funder`), donors and two code batches.

Guarantees the benchmarks and the test rely on: a device is `on_loan` if and only if it is in exactly
one open loan; loans, their participant, policy and devices belong to the same organisation; about a
fifth of the open loans are overdue and about one in seven has a reminder due today; most participants have
a Belgian mobile number and SMS consent; held codes belong to distinct participants of their organisation.

The rows are made in `backend/seeding/` (one module per table group); this command checks the options,
runs the steps in one transaction and reports.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from backend.seeding import codes, database, devices, loans, organizations, participants
from backend.seeding.common import BulkWriter, Seed
from inventory.services import device_counts_compact
from organizations.models import Organization


class Command(BaseCommand):
    help = "Seed benchmark data at regional scale with bulk inserts (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=200)
        parser.add_argument("--devices", type=int, default=100_000)
        parser.add_argument("--participants", type=int, default=200_000)
        parser.add_argument("--loans", type=int, default=1_000_000)
        parser.add_argument(
            "--open-loans",
            type=int,
            default=70_000,
            help="Open loans (each holds one device, so at most the devices of each organisation; "
            "default 70,000 of 100,000 devices, leaving devices available to lend).",
        )
        parser.add_argument("--codes", type=int, default=100_000)
        parser.add_argument("--funders", type=int, default=10)
        parser.add_argument("--skew", type=float, default=1.0, help="Zipf exponent of organisation sizes (0: equal)")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (same sizes + seed = same data)")

    def handle(self, *args, **options):
        for name in ("organizations", "devices", "participants", "loans", "open_loans", "codes", "funders"):
            if options[name] < 0 or (name in ("organizations", "funders") and options[name] < 1):
                raise CommandError(f"--{name.replace('_', '-')} must be positive")
        if options["open_loans"] > options["loans"]:
            raise CommandError("--open-loans cannot exceed --loans")
        if options["open_loans"] > options["devices"]:
            raise CommandError("--open-loans cannot exceed --devices: each open loan holds its own device")
        if options["organizations"] > 676 * 8:
            raise CommandError("--organizations: at most 5408")
        if Organization.objects.filter(name__startswith="Scale ").exists():
            raise CommandError("This database already holds seed_scale data: seed a fresh database.")
        database.tune()
        seed = Seed(
            rng=random.Random(options["seed"]),
            writer=BulkWriter(),
            now=timezone.now(),
            today=timezone.localdate(),
            step=self.step,
        )
        started = time.monotonic()
        organizations.sizes(seed, options)
        with transaction.atomic():
            organizations.small_tables(seed, options)
            participants.participants(seed)
            devices.devices(seed)
            loans.loans(seed)
            codes.codes(seed)
            database.reset_sequences()
        device_counts_compact()  # as beat would within ten minutes: the device rows' triggers left a row per device
        database.analyze(self.step)
        counts = ", ".join(f"{n} {name}" for name, n in seed.writer.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(seed.orgs)} organisations, {counts} in {time.monotonic() - started:.0f} s "
                f"({connection.vendor}). Largest organisation: {seed.orgs[0].name} ({seed.orgs[0].short_code})."
            )
        )

    def step(self, label: str, began: float) -> None:
        self.stdout.write(f"  {label} ({time.monotonic() - began:.1f} s)")
        self.stdout.flush()
