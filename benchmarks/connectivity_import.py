"""Time the CSV import (dry run and real) and the daily expiry scan on a scratch SQLite database.

Run by hand: .venv/bin/python benchmarks/connectivity_import.py [rows]
"""

import datetime
import os
import sys
import tempfile
import time

os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from connectivity import services  # noqa: E402
from connectivity.models import ConnectivityProgramme, EligibilityCode, Pack  # noqa: E402
from organizations.models import Organization  # noqa: E402

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
org = Organization.objects.create(name="Bench", short_code="BE")
programme = ConnectivityProgramme.objects.create(provider="Telenet", name="Essential Internet")
Pack.objects.create(programme=programme, name="FIVE", monthly_price=5, connection_type="mobile")
Pack.objects.create(programme=programme, name="TEN", monthly_price=10, connection_type="fixed")
lines = ["code,pack,expiry"] + [f"TEI-{i:010d},{'FIVE' if i % 2 else 'TEN'},2020-01-01" for i in range(rows)]
text = "\n".join(lines)

for dry_run in (True, False):
    started = time.perf_counter()
    report = services.code_batch_import(organization=org, programme=programme, csv_text=text, by=None, dry_run=dry_run)
    label = "dry run" if dry_run else "import"
    print(f"{label}: {report.rows} rows in {time.perf_counter() - started:.2f} s")

started = time.perf_counter()
expired = services.codes_expire_due(today=datetime.date(2026, 1, 1))
print(f"expiry scan: {expired} codes expired in {time.perf_counter() - started:.2f} s")
assert EligibilityCode.objects.filter(status="expired").count() == expired
