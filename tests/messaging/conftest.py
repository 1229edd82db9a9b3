import os
import subprocess
import sys
from pathlib import Path

import pytest

from messaging.backends import locmem


@pytest.fixture(autouse=True)
def _sms_settings(settings):
    """Tests send through the in-memory backend, any hour of the day unless a test says otherwise."""
    settings.SMS_BACKEND = "locmem"
    settings.SMS_SENDING_HOURS = ("00:00", "23:59:59")
    settings.SITE_URL = "https://lendwise.brussels"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "twilio-test-token"
    settings.TWILIO_FROM = "+32460000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.SMS_HTTP_URL = "https://sms.example.test/send"
    settings.SMS_HTTP_TOKEN = "http-token"
    settings.SMS_HTTP_WEBHOOK_SECRET = "http-webhook-secret"
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def outbox():
    return locmem.outbox


ROOT = Path(__file__).resolve().parents[2]


def subprocess_env(folder: Path, **overrides) -> dict:
    """Environment for a separate Django process on its own SQLite file and broker folder in `folder`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(VAR_DIR=str(folder), CACHE_URL="locmemcache://", DJANGO_SETTINGS_MODULE="backend.settings")
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file migrated once per run; tests that start other processes copy it (a migrate is slow)."""
    folder = tmp_path_factory.mktemp("migrated")
    code = "import django; django.setup(); from django.core import management; management.call_command('migrate')"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=subprocess_env(folder), check=True, timeout=600)
    return folder / "db.sqlite3"
