"""Demo data for the embedded mode, assembled from each app's `demo` module.

Each app that has demo data provides `<app>/demo.py` with `load(context: dict) -> None`; they run in
INSTALLED_APPS order and share `context` (organisations, users, ...), so later apps build on earlier ones.
"""

import importlib
import importlib.util

from django.apps import apps
from django.db import transaction

DEMO_PASSWORD = "demo-lend-2026"


@transaction.atomic
def load_demo() -> dict:
    context: dict = {"password": DEMO_PASSWORD}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == "backend" or importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).load(context)
    return context
