"""Broker down during a checkout at the desk: the loan is made, and the SMS still goes out later."""

import json
import subprocess
import sys
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from loans.models import Loan
from messaging.models import OutboundMessage
from messaging.services import messages_send_due
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .conftest import ROOT, subprocess_env

pytestmark = pytest.mark.django_db


def test_a_checkout_succeeds_with_the_broker_down_and_its_sms_goes_out_from_the_database_later(
    api, staff_of_org_a, org_a, outbox, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(organization=org_a, phone="+32470123456", sms_consent=True)
    payload = {
        "participant": participant.pk,
        "policy": LoanPolicyFactory(organization=org_a).pk,
        "devices": [DeviceFactory(organization=org_a).pk],
    }
    broker_down = OperationalError("[Errno 111] Connection refused")
    with mock.patch("messaging.tasks.sms_send_task.apply_async", side_effect=broker_down) as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.as_user(staff_of_org_a).post("/api/v1/loans/", payload, format="json")
    assert response.status_code == 201, response.data
    assert enqueue.called, "the checkout tried to hand the SMS to the broker"
    loan = Loan.objects.get(pk=response.data["id"])
    message = OutboundMessage.objects.get(template="loan_confirmation")
    assert message.status == "queued" and outbox == []

    messages_send_due()  # what the beat task does on its next run

    message.refresh_from_db()
    assert message.status == "sent"
    assert len(outbox) == 1 and loan.public_token in str(outbox[0])
    messages_send_due()
    assert len(outbox) == 1, "a second scan must not send it again"


REFUSED_BROKER = """
import json, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from inventory.models import Device
from loans.models import Loan, LoanPolicy
from messaging.backends import locmem
from messaging.models import OutboundMessage
from messaging.services import messages_send_due
from organizations.models import Membership, Organization, Participant

org = Organization.objects.create(name="Den Teirling", short_code="DT", phone="+3226400000")
staff = get_user_model().objects.create_user("desk", password="pw-for-tests-1")
Membership.objects.create(user=staff, organization=org, role="staff")
person = Participant.objects.create(
    organization=org, display_name="Hilde", phone="+32471223344", preferred_language="nl", sms_consent=True
)
policy = LoanPolicy.objects.create(organization=org, name="Laptop", period_days=28)
device = Device.objects.create(organization=org, kind="laptop", status="available", asset_tag="DT-0001")
client = Client()
client.force_login(staff)
started = time.monotonic()
response = client.post(
    "/api/v1/loans/", {"participant": person.pk, "policy": policy.pk, "devices": [device.pk], "agreement_signed": True},
    content_type="application/json",
)
seconds = time.monotonic() - started
bad = client.post("/api/v1/loans/", {"participant": person.pk, "policy": policy.pk, "devices": []},
                  content_type="application/json")
queued = list(OutboundMessage.objects.values_list("status", flat=True))
health = client.get("/healthz")
sent = messages_send_due()
print(json.dumps({
    "status": response.status_code, "seconds": round(seconds, 2), "loans": Loan.objects.count(),
    "bad": [bad.status_code, sorted(bad.json()["fields"])],
    "queued": queued, "health": [health.status_code, health.json()["broker"]],
    "sent": sent, "outbox": len(locmem.outbox),
    "sent_after": list(OutboundMessage.objects.values_list("status", flat=True)),
}))
"""


def test_a_checkout_with_a_broker_that_refuses_connections_still_lends_and_the_scan_sends_later(
    tmp_path, migrated_sqlite
):
    """A real broker URL on a closed port, in a separate process (the Celery app connects for real)."""
    (tmp_path / "db.sqlite3").write_bytes(migrated_sqlite.read_bytes())
    env = subprocess_env(
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:9/0",  # port 9: nothing listens, the connection is refused
        SMS_BACKEND="locmem",
        SMS_SENDING_HOURS="00:00,23:59:59",
    )
    result = subprocess.run(
        [sys.executable, "-c", REFUSED_BROKER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 201 and outcome["loans"] == 1, outcome
    assert outcome["bad"] == [400, ["devices"]], "bad input is still refused, naming the field"
    assert outcome["queued"] == ["queued"], "the SMS waits in the database"
    assert outcome["health"] == [503, "OperationalError"]
    assert outcome["sent"] == {"sent": 1} and outcome["outbox"] == 1 and outcome["sent_after"] == ["sent"]
    assert "broker unavailable; SMS" in result.stderr


def test_a_request_gives_up_on_a_broker_that_is_down_without_backing_off(tmp_path):
    """Kombu would otherwise wait 2 s and more per enqueue (its default back-off) in every request."""
    code = "from backend import settings as s; o = s.CELERY_BROKER_TRANSPORT_OPTIONS; print(o['max_retries'])"
    env = subprocess_env(tmp_path, CELERY_BROKER_URL="redis://redis.internal:6379/0")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1"]
