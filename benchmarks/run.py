"""All benchmarks in one run, each beside its floor; prints a Markdown table ready to paste into docs/performance.md.

Not part of the test run. On a throw-away database seeded by seed_scale:

    export VAR_DIR=/tmp/var-scale                 # SQLite; or DATABASE_URL=postgres://.../bench_scale
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python manage.py seed_scale         # default sizes; see its --help
    .venv/bin/python benchmarks/run.py [--requests 300] [--slow-requests 7]

Over HTTP, under gunicorn started with the Procfile's flags (2 workers x 4 threads) and
DJANGO_SETTINGS_MODULE=benchmarks.settings (the real URLconf plus the floor views of benchmarks/floors.py),
one keep-alive client per URL, as the staff user of the largest seeded organisation: the device list
(page 50, unfiltered and filtered), the loan list filtered to overdue, the participant's loan card (public
JSON and the /l/<token> page), the funder report (JSON, as the first funder's user) and a 1,000-label PDF.
Each endpoint and its floor are timed in alternating blocks of 10 requests, so load from elsewhere falls
on both. In-process: the reminder scan (messaging's `sms_reminders_task`, SMS to the locmem backend),
its reminders deleted between runs. Queries per request are counted in-process with Django's test client.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

from benchmarks.server import start_gunicorn  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from connectivity.choices import CODE_HELD_STATUSES  # noqa: E402
from connectivity.models import EligibilityCode  # noqa: E402
from inventory.models import Device  # noqa: E402
from loans.models import Loan  # noqa: E402
from loans.services import today  # noqa: E402
from messaging.models import OutboundMessage  # noqa: E402
from messaging.services import reminders_create_due  # noqa: E402
from messaging.tasks import sms_reminders_task  # noqa: E402
from organizations.models import Funder, Membership, Organization, Participant  # noqa: E402

BLOCK = 10
RECONNECTS = [0]  # keep-alive connections the server closed (requests timed again)


@dataclass
class Case:
    label: str
    path: str
    token: str | None = None
    floor: str | None = None
    method: str = "GET"
    body: bytes | None = None
    slow: bool = False
    timings: list[float] = field(default_factory=list)
    floor_timings: list[float] = field(default_factory=list)
    queries: int = 0
    floor_queries: int | None = None
    note: str = ""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def headers_for(case: Case) -> dict[str, str]:
    headers = {"Connection": "keep-alive", "Accept": "*/*"}
    if case.token:
        headers["Authorization"] = f"Token {case.token}"
    if case.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


def build_cases(args) -> tuple[list[Case], dict]:
    org = Organization.objects.filter(name__startswith="Scale ").order_by("name").first()
    if org is None:
        sys.exit("No seed_scale data in this database: run `python manage.py seed_scale` first.")
    staff = Membership.objects.filter(organization=org, role="staff", user__username__startswith="scale-").first().user
    staff_token = Token.objects.get_or_create(user=staff)[0].key
    funder = Funder.objects.get(name="Scale funder 00")
    funder_token = Token.objects.get_or_create(user=funder.users.get(username="scale-funder"))[0].key
    holders = EligibilityCode.objects.filter(organization=org, status__in=CODE_HELD_STATUSES).values("participant")
    loan_token = (
        Loan.objects.open()
        .filter(organization=org, participant__in=holders)
        .values_list("public_token", flat=True)
        .first()
        or Loan.objects.open().filter(organization=org).values_list("public_token", flat=True).first()
    )
    label_ids = list(
        Device.objects.filter(organization=org).order_by("asset_tag").values_list("id", flat=True)[: args.labels]
    )
    facts = {
        "org": org,
        "devices": Device.objects.filter(organization=org).count(),
        "loans": Loan.objects.filter(organization=org).count(),
        "open": Loan.objects.open().filter(organization=org).count(),
        "overdue": Loan.objects.overdue(on=today()).filter(organization=org).count(),
        "funder_grants": funder.grants.count(),
        "labels": len(label_ids),
    }
    lists = [
        ("device list, page 50", "/api/v1/devices/?page=50", "/bench/floor/devices/?page=50"),
        (
            "device list, status=available, page 50",
            "/api/v1/devices/?status=available&page=50",
            "/bench/floor/devices/?status=available&page=50",
        ),
        (
            "device list, kind=laptop&condition=A, page 50",
            "/api/v1/devices/?kind=laptop&condition=A&page=50",
            "/bench/floor/devices/?kind=laptop&condition=A&page=50",
        ),
        ("loan list, overdue=true (page 1)", "/api/v1/loans/?overdue=true", "/bench/floor/loans/overdue/"),
    ]
    cases = [Case(label, path, staff_token, floor) for label, path, floor in lists]
    cases += [
        Case(
            "loan card, public JSON",
            f"/api/v1/public/loans/{loan_token}/",
            floor=f"/bench/floor/public/loans/{loan_token}/",
        ),
        Case(
            "loan card, `/l/<token>` page (floor: the JSON floor)",
            f"/l/{loan_token}",
            floor=f"/bench/floor/public/loans/{loan_token}/",
        ),
        Case(
            f"funder report, JSON, last month ({facts['funder_grants']} grants)",
            f"/api/v1/reports/funders/{funder.pk}/",
            funder_token,
            slow=True,
        ),
        Case(
            f"label PDF, {len(label_ids)} labels",
            "/api/v1/devices/labels/",
            staff_token,
            method="POST",
            body=json.dumps({"devices": label_ids}).encode(),
            slow=True,
        ),
    ]
    return cases, facts


def count_queries(path: str, case: Case) -> int:
    client = Client()
    extra = {"HTTP_AUTHORIZATION": f"Token {case.token}"} if case.token else {}
    with CaptureQueriesContext(connection) as queries:
        if case.method == "POST":
            response = client.post(path, data=case.body, content_type="application/json", **extra)
        else:
            response = client.get(path, **extra)
    if response.status_code != 200:
        sys.exit(f"{case.method} {path}: {response.status_code} {response.content[:300]!r}")
    return len(queries)


def timed_requests(conn: http.client.HTTPConnection, case: Case, path: str, count: int) -> list[float]:
    """`count` requests to the endpoint (its method and body) or to its floor (a GET), in ms."""
    is_floor = path != case.path
    method, body = ("GET", None) if is_floor else (case.method, case.body)
    headers = headers_for(case)
    if is_floor:
        headers.pop("Content-Type", None)
    timings = []
    for _n in range(count):
        for attempt in range(3):
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # gunicorn's gthread worker closes a keep-alive connection idle for 2 s (while the other
                # side of the pair ran): reconnect and time the request again.
                conn.close()
                RECONNECTS[0] += 1
                if attempt == 2:
                    raise
        timings.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            sys.exit(f"{method} {path}: HTTP {response.status}")
    return timings


def run_http(cases: list[Case], port: int, args) -> None:
    for case in cases:
        total = args.slow_requests if case.slow else args.requests
        warmup = 1 if case.slow else args.warmup
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        floor_conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120) if case.floor else None
        timed_requests(conn, case, case.path, warmup)
        if floor_conn:
            timed_requests(floor_conn, case, case.floor, warmup)
        block = 1 if case.slow else BLOCK
        done = 0
        while done < total:
            n = min(block, total - done)
            case.timings += timed_requests(conn, case, case.path, n)
            if floor_conn:
                case.floor_timings += timed_requests(floor_conn, case, case.floor, n)
            done += n
        conn.close()
        if floor_conn:
            floor_conn.close()
        print(f"  {case.label}: {statistics.median(case.timings):.1f} ms", file=sys.stderr)


class QueryCounter:
    """Counts queries without keeping them (CaptureQueriesContext keeps at most 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_reminder_scan(runs: int) -> list[Case]:
    """The beat task as a whole (mark stale, create due reminders, send up to 2,000), then its creation step
    alone; the reminders are deleted before each run so every run finds the same work."""
    task = Case("reminder scan: `sms_reminders_task`, in-process", "", slow=True)
    create = Case("reminder scan: of which `reminders_create_due`", "", slow=True)
    for case, work in ((task, sms_reminders_task), (create, reminders_create_due)):
        for _run in range(runs):
            OutboundMessage.objects.filter(template="loan_reminder").delete()
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                began = time.perf_counter()
                result = work()
                case.timings.append((time.perf_counter() - began) * 1000)
            case.queries = counter.count
        if isinstance(result, dict):
            case.note = f"creates {result['created']:,} reminders, sends {result.get('sent', 0):,}"
        else:
            case.note = f"creates {result:,}"
        print(f"  {case.label}: {statistics.median(case.timings):.0f} ms", file=sys.stderr)
    OutboundMessage.objects.filter(template="loan_reminder").delete()
    return [task, create]


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("select sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def machine() -> str:
    memory = ""
    try:
        kib = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def fmt(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"


def table(cases: list[Case], facts: dict, args, load_before: str, load_after: str) -> str:
    org = facts["org"]
    lines = [
        f"**{database_version()}**, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {machine()}; "
        f"load average before {load_before}, after {load_after}.",
        "",
        f"Data: {Organization.objects.count():,} organisations, {Device.objects.count():,} devices, "
        f"{Participant.objects.count():,} participants, {Loan.objects.count():,} loans "
        f"({Loan.objects.open().count():,} open), {EligibilityCode.objects.count():,} codes; requests as staff of "
        f"the largest organisation ({org.short_code}: {facts['devices']:,} devices, {facts['loans']:,} loans, "
        f"{facts['open']:,} open, {facts['overdue']:,} overdue). {args.requests} requests per URL after "
        f"{args.warmup} warm-up ({args.slow_requests} after 1 for the report and the PDF; {args.scan_runs} "
        "scans), endpoint and floor interleaved.",
        "",
        "| what | median | p95 | queries | floor median | floor p95 | floor queries | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        median, p95 = statistics.median(case.timings), percentile(case.timings, 0.95)
        label = case.label + (f" ({case.note})" if case.note else "")
        if case.floor_timings:
            floor_median = statistics.median(case.floor_timings)
            floor = (
                f"{fmt(floor_median)} | {fmt(percentile(case.floor_timings, 0.95))} | {case.floor_queries} | "
                f"{median / floor_median:.2f}x"
            )
        else:
            floor = "– | – | – | –"
        lines.append(f"| {label} | {fmt(median)} | {fmt(p95)} | {case.queries} | {floor} |")
    return "\n".join(lines)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks beside their floors (see the module docstring).")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per fast URL (and per floor)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--slow-requests", type=int, default=7, help="timed requests for the report and the PDF")
    parser.add_argument("--scan-runs", type=int, default=3)
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    call_command("createcachetable", verbosity=0)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    cases, facts = build_cases(args)
    for case in cases:
        case.queries = count_queries(case.path, case)
        if case.floor:
            case.floor_queries = count_queries(case.floor, Case(case.label, case.floor, case.token))
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    load_before = load_average()
    print(f"Timing on {connection.vendor} (load {load_before})...", file=sys.stderr)
    server = start_gunicorn(
        args.port, Path(settings.VAR_DIR) / "bench-gunicorn.log", cwd=ROOT, settings_module="benchmarks.settings"
    )
    try:
        run_http(cases, args.port, args)
    finally:
        server.terminate()
        server.wait(timeout=20)
    cases += run_reminder_scan(args.scan_runs)
    if RECONNECTS[0]:
        print(f"{RECONNECTS[0]} requests were sent again on a new connection", file=sys.stderr)
    print()
    print(table(cases, facts, args, load_before, load_average()))


if __name__ == "__main__":
    main()
