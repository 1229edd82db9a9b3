"""How often each decoder misses a printed label, over many more random codes than the test run reads:
sheets of random label codes rendered at 150, 200 and 300 dpi, each label cropped as a phone frames it,
read by zbar and OpenCV; a first look missed gets a second one, the crop one pixel over (as the test does).

Not part of the test run (a minute per 1,000 labels on this machine):

    VAR_DIR=/tmp/var-bench-qr .venv/bin/python benchmarks/qr_reads.py [--labels 1000] [--seed 11]
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VAR_DIR", "/tmp/var-bench-qr")
os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"

import django  # noqa: E402

django.setup()

from inventory.labels import LabelSheet, render_labels  # noqa: E402
from inventory.models import LABEL_CODE_ALPHABET  # noqa: E402
from tests.inventory.test_qr_decoding import DECODERS, RESOLUTIONS, _label_crops  # noqa: E402

BASE_URL = "http://127.0.0.1:8000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    organization = SimpleNamespace(name="Ligo Brusselleer")
    devices = [
        SimpleNamespace(
            organization=organization,
            asset_tag=f"LW-{number:05d}",
            make="Dell",
            model="Latitude 5490",
            serial="",
            label_code="".join(rng.choice(LABEL_CODE_ALPHABET) for _ in range(10)),
            get_kind_display=lambda: "Laptop",
        )
        for number in range(args.labels)
    ]
    started = time.perf_counter()
    pdf = render_labels(devices, base_url=BASE_URL)
    urls = [f"{BASE_URL}/s/{device.label_code}" for device in devices]
    first, missed = {name: 0 for name in DECODERS}, {name: 0 for name in DECODERS}
    for dpi in RESOLUTIONS:
        crops = list(_label_crops(pdf, LabelSheet(), dpi))
        for name, decoder in DECODERS.items():
            for url, image in zip(urls, crops, strict=False):  # the last page has empty slots
                if decoder(image) == [url]:
                    continue
                first[name] += 1
                second = decoder(image[1:, 1:]) == [url]
                missed[name] += not second
                print(f"first look missed: {dpi} dpi, {name}, {url}; second look {'read it' if second else 'missed'}")
    reads = args.labels * len(RESOLUTIONS)
    for name in DECODERS:
        print(f"{name}: {reads} reads, {first[name]} first looks missed, {missed[name]} missed after the second look")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
