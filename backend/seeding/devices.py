"""Devices in bulk: exactly the organisation's open-loan count of them `on_loan`, the rest idle."""

import datetime
import time

from inventory.models import Device

from .common import Seed, label_code, next_id, weighted

KINDS = [("laptop", 50), ("tablet", 25), ("chromebook", 10), ("smartphone", 5), ("desktop", 3), ("modem_4g", 5),
         ("accessory", 2)]  # fmt: skip
IDLE_STATUSES = [("available", 55), ("intake", 8), ("wiping", 5), ("refurbishing", 5), ("in_repair", 5),
                 ("retired", 7), ("lost", 2), ("stolen", 1), ("recycled", 5), ("given_away", 7)]  # fmt: skip
MAKES = [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "EliteBook 840"), ("Samsung", "Galaxy Tab A8")]


def devices(seed: Seed) -> None:
    began = time.monotonic()
    rng, ts, date = seed.rng, seed.writer.timestamp, seed.writer.date
    kinds, idle = weighted(KINDS), weighted(IDLE_STATUSES)
    first = next_id(Device)
    seed.device_ranges = []
    seed.on_loan = []  # per organisation: the device ids of its open loans
    names = [
        "id", "organization", "asset_tag", "label_code", "kind", "make", "model", "serial", "cpu", "ram_gb",
        "storage_gb", "os", "screen_inches", "source", "donor", "grant", "intake_date", "value", "condition",
        "location", "accessories", "notes", "centre_use", "status", "status_changed_at", "created_at", "updated_at",
    ]  # fmt: skip
    now = ts(seed.now)

    def rows():
        did = first
        for index, (org, count) in enumerate(zip(seed.orgs, seed.n_devices, strict=True)):
            seed.device_ranges.append((did, count))
            lent = set(rng.sample(range(did, did + count), seed.n_open[index]))
            seed.on_loan.append(sorted(lent))
            donors, grants = seed.donors[org.id], seed.grants[org.id]
            for n in range(count):
                make, model = MAKES[did % len(MAKES)]
                source = "donated" if rng.random() < 0.6 else rng.choice(("refurbished", "purchased"))
                intake = seed.today - datetime.timedelta(days=rng.randint(0, 1000))
                yield (
                    did, org.id, f"{org.short_code}-{n + 1:05d}", label_code(did), rng.choice(kinds), make, model,
                    f"SN{did:09d}", "", 8, 256, "", None, source,
                    rng.choice(donors) if source == "donated" else None,
                    rng.choice(grants) if rng.random() < 0.6 else None,
                    date(intake), "150.00", rng.choice("AAABBBBCCp").replace("p", "parts"), "Shelf A", "", "", False,
                    "on_loan" if did in lent else rng.choice(idle), now, now, now,
                )  # fmt: skip
                did += 1

    count = seed.writer.write(Device, names, rows())
    seed.step(f"{count} devices", began)
