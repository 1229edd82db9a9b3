"""Benchmark data: many devices in one organisation, inserted in bulk (no events, no history rows)."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from inventory.choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus
from inventory.models import Device, Donor, new_label_code
from organizations.models import Organization

LOCATIONS = ["Shelf A", "Shelf B", "Shelf C", "Cupboard", "Computer room", "Storage"]
MAKES = [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "EliteBook 840"), ("Samsung", "Galaxy Tab A8")]


class Command(BaseCommand):
    help = "Seed N devices (default 100000) into an organisation for benchmarks: bulk inserts, fixed random seed."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--organization", default="BM", help="Short code; created when missing")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, count, organization, batch, **options):
        rng = random.Random(42)
        org, _created = Organization.objects.get_or_create(
            short_code=organization, defaults={"name": f"Benchmark organisation {organization}"}
        )
        donors = [Donor.objects.get_or_create(organization=org, name=f"Benchmark donor {i}")[0] for i in range(5)]
        start = Device.objects.filter(organization=org).count()
        began = time.monotonic()
        statuses = list(DeviceStatus.values)
        for offset in range(0, count, batch):
            rows = []
            for n in range(start + offset + 1, start + min(offset + batch, count) + 1):
                make, model = rng.choice(MAKES)
                rows.append(
                    Device(
                        organization=org,
                        asset_tag=f"{org.short_code}-{n:06d}",
                        label_code=new_label_code(),
                        kind=rng.choice(DeviceKind.values),
                        make=make,
                        model=model,
                        serial=f"BM{n:09d}",
                        source=rng.choice(DeviceSource.values),
                        donor=rng.choice(donors),
                        condition=rng.choice(ConditionGrade.values),
                        location=rng.choice(LOCATIONS),
                        status=rng.choice(statuses),
                    )
                )
            with transaction.atomic():
                Device.objects.bulk_create(rows, batch_size=1000)
            self.stdout.write(f"\r{offset + len(rows)}/{count}", ending="")
            self.stdout.flush()
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {count} devices into {org.short_code} in {time.monotonic() - began:.1f} s.")
        )
