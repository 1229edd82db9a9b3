"""Benchmark: the funder report over 100k devices and 1M loans (not part of the test run).

Usage (a throw-away database; the embedded SQLite by default, DATABASE_URL for PostgreSQL):

    export VAR_DIR=/tmp/lendwise-bench-reports
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python benchmarks/reports_grant_report.py --devices 100000 --loans 1000000

Seeds once with bulk inserts (one organisation; three funders with nine grants on half the devices, a portfolio
funder with 40 grants on the other half; 50k participants; one device per loan; all but the last 20k loans
closed), then times the report (median of --runs) for a funder's grants, one grant and the whole organisation,
for a month and a year, the portfolio of 40 grants for a year, and the PDF rendering.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from inventory.models import Device  # noqa: E402
from loans.models import Loan, LoanItem, LoanPolicy  # noqa: E402
from organizations.models import Funder, Grant, Organization, Participant  # noqa: E402
from reports import selectors  # noqa: E402
from reports.rendering import report_pdf  # noqa: E402

BATCH = 5000
OPEN_LOANS = 20000
KINDS = ["laptop", "tablet", "chromebook", "smartphone"]
STATUSES = ["available"] * 6 + ["in_repair", "lost", "stolen", "retired", "given_away"]
AGES = ["", "18-29", "30-44", "45-64", "65+"]
GENDERS = ["", "woman", "man", "woman", "other"]
FIRST_DAY = datetime.date(2024, 1, 1)
PORTFOLIO_GRANTS = 40


def chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _grant_of(n: int, grants: list, portfolio: list):
    """Even devices: the nine grants of three funders (and one in ten none); odd ones: the portfolio's 40."""
    if n % 2:
        return portfolio[(n // 2) % len(portfolio)]
    return grants[(n // 2) % 10] if (n // 2) % 10 < 9 else None


def seed(devices: int, loans: int, participants: int) -> Organization:
    rng = random.Random(42)
    open_loans = min(OPEN_LOANS, devices // 5, loans)
    organization = Organization.objects.create(name="Bench VZW", short_code="BV")
    funders = [Funder.objects.create(name=f"Bench funder {n}") for n in range(3)]
    grants = [
        Grant.objects.create(
            organization=organization,
            funder=funders[n % 3],
            name=f"Bench grant {n}",
            amount=Decimal("10000.00"),
            starts_on=FIRST_DAY,
            ends_on=datetime.date(2027, 12, 31),
        )
        for n in range(9)
    ]
    portfolio_funder = Funder.objects.create(name="Bench portfolio funder")
    portfolio = [
        Grant.objects.create(
            organization=organization,
            funder=portfolio_funder,
            name=f"Portfolio grant {n}",
            amount=Decimal("5000.00"),
            starts_on=FIRST_DAY,
            ends_on=datetime.date(2027, 12, 31),
        )
        for n in range(PORTFOLIO_GRANTS)
    ]
    policy = LoanPolicy.objects.create(organization=organization, name="Bench policy", period_days=28)
    started = time.perf_counter()
    for chunk in chunks(range(participants), BATCH):
        Participant.objects.bulk_create(
            Participant(
                organization=organization, display_name=f"P{n}", age_band=rng.choice(AGES), gender=rng.choice(GENDERS)
            )
            for n in chunk
        )
    for chunk in chunks(range(devices), BATCH):
        Device.objects.bulk_create(
            Device(
                organization=organization,
                asset_tag=f"BV-{n:06d}",
                label_code=f"bench{n:09d}",
                kind=KINDS[n % 4],
                grant=_grant_of(n, grants, portfolio),
                intake_date=FIRST_DAY + datetime.timedelta(days=n % 1000),
                value=Decimal("150.00"),
                status="on_loan" if n < open_loans else rng.choice(STATUSES),
            )
            for n in chunk
        )
    print(f"seeded {participants} participants and {devices} devices in {time.perf_counter() - started:.1f} s")
    device_ids = list(Device.objects.filter(organization=organization).order_by("id").values_list("id", flat=True))
    participant_ids = list(Participant.objects.filter(organization=organization).values_list("id", flat=True))
    started = time.perf_counter()
    closed = loans - open_loans
    for chunk in chunks(range(loans), BATCH):
        rows = []
        for n in chunk:
            start = FIRST_DAY + datetime.timedelta(days=n * 1000 // loans)
            is_open = n >= closed
            closed_at = None
            if not is_open:
                closed_at = timezone.make_aware(
                    datetime.datetime.combine(start + datetime.timedelta(days=rng.randint(5, 45)), datetime.time(12))
                )
            rows.append(
                Loan(
                    organization=organization,
                    participant_id=rng.choice(participant_ids),
                    policy=policy,
                    started_on=start,
                    due_on=start + datetime.timedelta(days=28),
                    status="active" if is_open else rng.choice(["returned"] * 18 + ["lost", "given"]),
                    closed_at=closed_at,
                    public_token=f"bench-{n}",
                )
            )
        created = Loan.objects.bulk_create(rows)
        LoanItem.objects.bulk_create(
            LoanItem(
                loan_id=loan.id,
                device_id=device_ids[(n - closed) if n >= closed else rng.randrange(len(device_ids))],
                closed_at=loan.closed_at,
            )
            for n, loan in zip(chunk, created, strict=True)
        )
    print(f"seeded {loans} loans with one item each in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return organization


def timed(label: str, runs: int, build) -> None:
    times = []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            build()
            times.append(time.perf_counter() - started)
    print(f"{label:<55} median {statistics.median(times):6.2f} s  max {max(times):6.2f} s  queries {len(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    organization = Organization.objects.filter(short_code="BV").first() or seed(
        args.devices, args.loans, args.participants
    )
    print(
        f"database: {connection.vendor}; devices {Device.objects.count()}, loans {Loan.objects.count()}, "
        f"participants {Participant.objects.count()}"
    )
    funder = Funder.objects.get(name="Bench funder 0")
    funder_grants = Grant.objects.filter(funder=funder)
    one_grant = Grant.objects.filter(pk=funder_grants.first().pk)
    month = (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    for name, (start, end) in (("month", month), ("year", year)):
        timed(
            f"funder report (3 grants, {name})",
            args.runs,
            lambda s=start, e=end: selectors.grant_report(
                grants=funder_grants, period_start=s, period_end=e, suppress=True, kind="funder"
            ),
        )
        timed(
            f"grant report ({name})",
            args.runs,
            lambda s=start, e=end: selectors.grant_report(
                grants=one_grant, period_start=s, period_end=e, suppress=True
            ),
        )
        timed(
            f"organisation report (all devices, {name})",
            args.runs,
            lambda s=start, e=end: selectors.organization_report(
                organization=organization, period_start=s, period_end=e, suppress=False
            ),
        )
    portfolio_funder = Funder.objects.get(name="Bench portfolio funder")
    timed(
        f"funder portfolio ({portfolio_funder.grants.count()} grants, year)",
        args.runs,
        lambda: selectors.grant_report(
            grants=Grant.objects.filter(funder=portfolio_funder),
            period_start=year[0],
            period_end=year[1],
            suppress=True,
            kind="funder",
        ),
    )
    report = selectors.grant_report(grants=funder_grants, period_start=year[0], period_end=year[1], suppress=True)
    timed("PDF rendering of the funder report (from the dict)", args.runs, lambda: report_pdf(report))


if __name__ == "__main__":
    main()
