"""End to end in the embedded mode: a real Celery worker runs the reminder task and the console
backend prints the SMS of a loan due tomorrow (what `make run` shows, without waiting for beat)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import datetime, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from organizations.models import Organization, Participant
from loans.models import Loan, LoanPolicy
org = Organization.objects.create(name="Den Teirling", short_code="DT", phone="+3226400000")
person = Participant.objects.create(
    organization=org, display_name="Hilde", phone="+32471223344", preferred_language="nl", sms_consent=True
)
policy = LoanPolicy.objects.create(organization=org, name="Laptop", period_days=28)
today = timezone.localdate()
loan = Loan.objects.create(
    organization=org, participant=person, policy=policy, started_on=today,
    due_on=today + datetime.timedelta(days=1), reminder_offsets=[-1, 0], public_token="demo-token-123",
)
from messaging.tasks import sms_reminders_task
sms_reminders_task.delay()
"""


def test_a_real_worker_prints_the_reminder_of_a_loan_due_tomorrow(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(
        VAR_DIR=str(tmp_path),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        DJANGO_SETTINGS_MODULE="backend.settings",
        SMS_BACKEND="console",
        SMS_SENDING_HOURS="00:00,23:59:59",
        SITE_URL="https://lendwise.brussels",
    )
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=180)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    watchdog = threading.Timer(120, worker.kill)  # never hang the suite if the task does not finish
    watchdog.start()
    try:
        for line in worker.stdout:  # read until the task finished (or the worker died)
            output.append(line)
            if "sms_reminders_task" in line and "succeeded" in line:
                break
    finally:
        watchdog.cancel()
        worker.terminate()
        rest, _ = worker.communicate(timeout=30)
        output.append(rest)
    text = "".join(output)
    assert "----- SMS" in text, text[-3000:]
    assert "Den Teirling: breng het toestel terug op" in text
    assert "https://lendwise.brussels/l/demo-token-123" in text
    assert "'created': 1, 'sent': 1" in text
