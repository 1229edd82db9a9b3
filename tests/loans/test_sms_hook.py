"""Loan confirmations and waiting-list offers are queued as SMS after commit,
through the sms_queue port that messaging provides."""

import pytest
from django.conf import settings

from core import ports
from inventory.choices import DeviceKind
from loans import services
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(ports.sms_queue, "_provider", lambda **kwargs: calls.append(kwargs))
    return calls


def test_a_checkout_queues_one_confirmation_after_commit(lend, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        loan = lend()
    assert [(c["template"], c["idempotency_key"], c["related"]) for c in queued] == [
        ("loan_confirmation", f"loan-confirmation:{loan.pk}", loan)
    ]
    assert queued[0]["context"] == {"date": loan.due_on, "link": f"{settings.SITE_URL}/l/{loan.public_token}"}


def test_a_failed_checkout_queues_nothing(lend, queued, device_a, django_capture_on_commit_callbacks):
    lend(devices=[device_a])
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DomainError):
        lend(devices=[device_a])
    assert queued == []


def test_an_offer_queues_a_waitlist_sms(org_a, device_a, queued, django_capture_on_commit_callbacks):
    person = ParticipantFactory(organization=org_a, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.waitlist_add(organization=org_a, participant=person, device_kind=DeviceKind.LAPTOP, by=None)
    assert entry.offered_device == device_a
    assert [c["template"] for c in queued] == ["waitlist_offer"]
    assert queued[0]["participant"] == person
    assert queued[0]["context"] == {"date": entry.offer_expires_on, "device": "laptop"}


def test_a_checkout_stores_one_confirmation_message(lend, django_capture_on_commit_callbacks):
    from messaging.models import OutboundMessage

    with django_capture_on_commit_callbacks(execute=True):
        loan = lend()
    message = OutboundMessage.objects.get()
    assert message.template == "loan_confirmation"
    assert message.idempotency_key == f"loan-confirmation:{loan.pk}"
    assert loan.public_token in message.body
