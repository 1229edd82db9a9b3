"""Two checkouts of this project served side by side, one URL asked of each in alternating blocks, so a
change is measured against its base in the same minutes of a machine whose speed swings.

Not part of the test run. On a database seeded by seed_scale (see benchmarks/run.py):

    git worktree add /tmp/base <commit>
    export DATABASE_URL=postgres://.../bench_scale VAR_DIR=/tmp/var-scale    # or only VAR_DIR: SQLite
    .venv/bin/python benchmarks/side_by_side.py /tmp/base . --path "/api/v1/loans/?overdue=true"

Each checkout runs under gunicorn with the Procfile's flags (2 workers x 4 threads), with this virtualenv;
requests go as the staff user of the largest seeded organisation, over one keep-alive connection each.
"""

import argparse
import http.client
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

from benchmarks.server import start_gunicorn  # noqa: E402

django.setup()

from rest_framework.authtoken.models import Token  # noqa: E402

from organizations.models import Membership, Organization  # noqa: E402

BLOCK = 10


def staff_token() -> str:
    """The token of benchmarks/run.py's user: staff of the first (largest) seeded organisation."""
    org = Organization.objects.filter(name__startswith="Scale ").order_by("name").first()
    if org is None:
        sys.exit("No seed_scale data in this database: run `python manage.py seed_scale` first.")
    staff = Membership.objects.filter(organization=org, role="staff", user__username__startswith="scale-").first()
    return Token.objects.get_or_create(user=staff.user)[0].key


def timed(conn: http.client.HTTPConnection, path: str, headers: dict, count: int) -> list[float]:
    timings = []
    for _n in range(count):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            sys.exit(f"GET {path}: HTTP {response.status}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs=2, type=Path, help="two project directories (e.g. a worktree and .)")
    parser.add_argument("--path", default="/api/v1/loans/?overdue=true")
    parser.add_argument("--requests", type=int, default=400, help="timed requests per checkout")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--port", type=int, default=8851, help="the first checkout's port; the second's is +1")
    args = parser.parse_args()

    headers = {"Authorization": f"Token {staff_token()}"}
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    logs = [var_dir / f"side-by-side-{i}.log" for i in range(2)]
    servers = [
        start_gunicorn(args.port + i, logs[i], cwd=checkout.resolve(), settings_module="backend.settings")
        for i, checkout in enumerate(args.checkouts)
    ]
    try:
        conns = [http.client.HTTPConnection("127.0.0.1", args.port + i, timeout=120) for i in range(2)]
        for conn in conns:
            timed(conn, args.path, headers, args.warmup)
        results: list[list[float]] = [[], []]
        for _block in range(args.requests // BLOCK):
            for timings, conn in zip(results, conns, strict=True):
                timings += timed(conn, args.path, headers, BLOCK)
    finally:
        for server in servers:
            server.terminate()
    print(f"GET {args.path}, {len(results[0])} requests each, alternating blocks of {BLOCK}:")
    for checkout, timings in zip(args.checkouts, results, strict=True):
        ordered = sorted(timings)
        p95 = ordered[int(len(ordered) * 0.95)]
        print(f"  {checkout}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
