"""Benchmark: the device list over HTTP under gunicorn (page 50 of 100k devices) and a 1,000-label PDF.

Not part of the test run. Usage (a throw-away database under /tmp, the embedded SQLite by default):

    export VAR_DIR=/tmp/lendwise-bench
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python manage.py seed_devices --count 100000
    .venv/bin/python benchmarks/inventory_list.py [--requests 300] [--port 8765]

It creates a staff user of the seeded organisation with an API token, starts gunicorn (same flags as the
Procfile), times sequential requests on one keep-alive connection, and prints median and p95 per URL,
the number of SQL queries per request, and the time to render 1,000 labels.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from inventory.labels import render_labels  # noqa: E402
from inventory.models import Device  # noqa: E402
from organizations.choices import Role  # noqa: E402
from organizations.models import Membership, Organization  # noqa: E402

URLS = {
    "unfiltered, page 50": "/api/v1/devices/?page=50",
    "filtered (status=available), page 50": "/api/v1/devices/?status=available&page=50",
    "filtered (kind=laptop&condition=A), page 50": "/api/v1/devices/?kind=laptop&condition=A&page=50",
}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--organization", default="BM")
    args = parser.parse_args()

    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    org = Organization.objects.get(short_code=args.organization)
    total = Device.objects.filter(organization=org).count()
    user, _ = get_user_model().objects.get_or_create(username="bench-staff")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": Role.STAFF})
    token, _ = Token.objects.get_or_create(user=user)
    print(f"{total} devices in {org.short_code}; database: {connection.vendor}")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for label, url in URLS.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
        print(f"queries per request, {label}: {len(ctx.captured_queries)}")

    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "backend.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"},
    )
    try:
        for _attempt in range(100):
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        headers = {"Authorization": f"Token {token.key}", "Connection": "keep-alive"}
        for label, url in URLS.items():
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            timings = []
            for index in range(args.requests + 20):
                began = time.perf_counter()
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status == 200, response.status
                if index >= 20:  # warm-up: worker start, connection, caches
                    timings.append(elapsed)
            conn.close()
            print(
                f"{label}: median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms "
                f"({len(timings)} requests)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)

    devices = list(Device.objects.filter(organization=org).select_related("organization").order_by("asset_tag")[:1000])
    began = time.perf_counter()
    pdf = render_labels(devices)
    seconds, pages = time.perf_counter() - began, -(-len(devices) // 24)
    print(f"1,000-label PDF: {seconds:.2f} s, {len(pdf) // 1024} KiB, {pages} pages")


if __name__ == "__main__":
    main()
