"""Every desk page, timed for the largest seeded organisation; prints a Markdown table for docs/performance.md.

Not part of the test run. On a throw-away database seeded by seed_scale (see benchmarks/run.py):

    export VAR_DIR=/tmp/var-scale                 # SQLite; or DATABASE_URL=postgres://.../bench_scale
    .venv/bin/python manage.py migrate --noinput && .venv/bin/python manage.py seed_scale
    .venv/bin/python benchmarks/desk_pages.py [--requests 60]

In-process with Django's test client, logged in as the staff user of the largest organisation (thousands
of loans overdue): the whole request through middleware, view, queries and template, without a socket.
Each page is fetched a few times to warm up, then `--requests` times; median and p95 in ms, and the
queries of one request. A page whose route does not exist yet is listed as such, not skipped silently.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from inventory.models import Device  # noqa: E402
from loans.models import Cohort, Loan, LoanPolicy  # noqa: E402
from loans.services import today  # noqa: E402
from organizations.models import Membership, Organization, Participant  # noqa: E402

TARGET_MS = 50.0


def _url(name: str, *args, query: str = "") -> str | None:
    try:
        return reverse(f"frontend:{name}", args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def _bench_course(org: Organization, members: int = 30) -> Cohort:
    """seed_scale makes no course: one of 30 participants is added to this throw-away database, so the
    course pages are timed with a class-sized course (the queries do not depend on its size)."""
    import datetime

    from loans.models import CohortMember

    cohort, _created = Cohort.objects.get_or_create(
        organization=org,
        name="Benchmark course",
        defaults={"starts_on": today(), "ends_on": today() + datetime.timedelta(days=60)},
    )
    people = Participant.objects.filter(organization=org, is_active=True).order_by("id")[:members]
    CohortMember.objects.bulk_create(
        [CohortMember(organization=org, cohort=cohort, participant=person) for person in people],
        ignore_conflicts=True,
    )
    return cohort


def _open_tag(loan) -> str:
    item = loan.items.filter(closed_at__isnull=True).select_related("device").first()
    return item.device.asset_tag if item else ""


def pages(org: Organization) -> list[tuple[str, str | None]]:
    loan = Loan.objects.open().filter(organization=org).order_by("-id").first()
    participant = loan.participant
    device = Device.objects.filter(organization=org, status="available").order_by("id").first()
    any_device = Device.objects.filter(organization=org).order_by("-id").first()
    cohort = Cohort.objects.filter(organization=org).order_by("-starts_on").first() or _bench_course(org)
    policy = LoanPolicy.objects.filter(organization=org).order_by("id").first()
    fragment = participant.display_name.split()[0][:4]
    cases = [
        ("Today (overdue list, page 1)", _url("desk")),
        ("Today (overdue list, page 20)", _url("desk", query="page=20")),
        ("Check out, step 1", _url("checkout")),
        ("Check out, step 2 (search)", _url("checkout-participant", query=f"devices={device.pk}&q={fragment}")),
        (
            "Check out, step 3 (terms)",
            _url("checkout-policy", query=f"devices={device.pk}&participant={participant.pk}"),
        ),
        ("Check in", _url("checkin")),
        ("Participants, search", _url("participants", query=f"q={fragment}")),
        ("Participant page", _url("participant", participant.pk)),
        ("Loan page (money, signature)", _url("loan", loan.pk)),
        ("Renew, confirmation", _url("loan-renew", loan.pk)),
        ("Check in from the loan page (deposit shown)", _url("checkin", query=f"tag={_open_tag(loan)}")),
        ("Labels", _url("labels")),
        ("Opening hours", _url("hours")),
        ("Devices, page 1", _url("devices")),
        ("Devices, search by tag", _url("devices", query=f"q={any_device.asset_tag}")),
        ("Devices, status=available", _url("devices", query="status=available")),
        ("Device page", _url("device", any_device.pk)),
        ("Intake of a donation", _url("intake")),
        ("Courses", _url("courses")),
    ]
    if cohort is not None:
        cases += [
            ("Course page", _url("course", cohort.pk)),
            ("Course checkout", _url("course-checkout", cohort.pk)),
            ("Course return", _url("course-return", cohort.pk)),
        ]
    if policy is None:
        cases = [case for case in cases if "step 3" not in case[0]]
    return cases


def time_page(client: Client, url: str, requests: int, warmup: int) -> tuple[list[float], int, int]:
    for _ in range(warmup):
        client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    return timings, len(queries), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    org = Organization.objects.filter(name__startswith="Scale ").order_by("name").first()
    if org is None:
        sys.exit("No seed_scale data in this database: run `python manage.py seed_scale` first.")
    staff = Membership.objects.filter(organization=org, role="staff").select_related("user").first().user
    client = Client()
    client.force_login(staff)
    overdue = Loan.objects.overdue(on=today()).filter(organization=org).count()
    print(
        f"{org.name}: {Device.objects.filter(organization=org).count():,} devices, "
        f"{Loan.objects.filter(organization=org).count():,} loans, {overdue:,} overdue, "
        f"{Participant.objects.filter(organization=org).count():,} participants; {connection.vendor}, "
        f"{args.requests} requests per page\n"
    )
    print("| desk page | median ms | p95 ms | queries | status |")
    print("|---|---:|---:|---:|---|")
    slow = []
    for label, url in pages(org):
        if url is None:
            print(f"| {label} | – | – | – | no such page yet |")
            continue
        timings, queries, status = time_page(client, url, args.requests, args.warmup)
        median = statistics.median(timings)
        p95 = sorted(timings)[int(0.95 * (len(timings) - 1))]
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} | {status} |")
        if median > TARGET_MS or status >= 400:
            slow.append(label)
    print(
        f"\nTarget: median <= {TARGET_MS:.0f} ms on every page. " + (f"Over: {', '.join(slow)}" if slow else "All met.")
    )


if __name__ == "__main__":
    main()
