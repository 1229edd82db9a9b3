"""The 1,000-label PDF on its own, in-process, without seed_scale: the label endpoint as benchmarks/run.py
times it, minus the HTTP hop, and the PDF function under it.

Not part of the test run. On a throw-away SQLite database (created and migrated here):

    VAR_DIR=/tmp/var-bench-labels .venv/bin/python benchmarks/labels.py [--labels 1000] [--runs 7]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VAR_DIR", "/tmp/var-bench-labels")
os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from inventory.labels import render_labels  # noqa: E402
from inventory.models import Device, new_label_code  # noqa: E402
from organizations.models import Membership, Organization  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    org, _created = Organization.objects.get_or_create(
        short_code="BL", defaults={"name": "Label benchmark vzw", "phone": "+3222150000", "address": "Brussels"}
    )
    user, _created = get_user_model().objects.get_or_create(username="bench-labels")
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": "staff"})
    token = Token.objects.get_or_create(user=user)[0].key
    have = Device.objects.filter(organization=org).count()
    Device.objects.bulk_create(
        Device(
            organization=org,
            asset_tag=f"BL-{number:05d}",
            kind="laptop",
            make="Lenovo",
            model="ThinkPad T480",
            serial=f"SN{number:08d}",
            label_code=new_label_code(),  # random, as in production
        )
        for number in range(have, args.labels)
    )
    ids = list(
        Device.objects.filter(organization=org).order_by("asset_tag").values_list("id", flat=True)[: args.labels]
    )

    client = Client()
    endpoint, function = [], []
    for _run in range(args.runs):
        start = time.perf_counter()
        response = client.post(
            "/api/v1/devices/labels/",
            {"devices": ids},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        endpoint.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:300]
        devices = Device.objects.filter(id__in=ids).select_related("organization").order_by("asset_tag")
        start = time.perf_counter()
        render_labels(devices)
        function.append(time.perf_counter() - start)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{len(ids)} labels, {args.runs} runs (load {load}): endpoint median {statistics.median(endpoint):.2f} s, "
        f"max {max(endpoint):.2f} s; render_labels median {statistics.median(function):.2f} s, "
        f"max {max(function):.2f} s"
    )


if __name__ == "__main__":
    main()
