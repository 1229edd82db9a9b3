"""Time the overdue-filtered loan list over HTTP (median, p95) against a running server.

Seed first (see loans/management/commands/loans_bench_seed.py), start a server on the same database, then:

    .venv/bin/python benchmarks/loans_overdue_list.py --url http://127.0.0.1:8765 --token <token> [--requests 300]

Also prints the number of SQL queries one such request issues (in-process, with the Django test client),
when DJANGO_SETTINGS_MODULE and DATABASE_URL point at the same database.
"""

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

PATH = "/api/v1/loans/?overdue=true"


def time_http(url: str, token: str, count: int) -> list[float]:
    timings = []
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    for index in range(count + 10):
        request = urllib.request.Request(url + PATH, headers=headers)
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if index == 0:
            data = json.loads(body)
            print(f"overdue loans: {data['count']}, rows on the page: {len(data['results'])}")
        if index >= 10:  # warm-up requests are not counted
            timings.append(elapsed)
    return timings


def count_queries(token: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PATH)
    assert response.status_code == 200, response.status_code
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    timings = sorted(time_http(args.url.rstrip("/"), args.token, args.requests))
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{len(timings)} requests: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
    print(f"SQL queries per request (incl. token auth): {count_queries(args.token)}")


if __name__ == "__main__":
    main()
