"""Broker down during a checkout at the desk: the loan is made, and the SMS still goes out later."""

from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from loans.models import Loan
from messaging.models import OutboundMessage
from messaging.services import messages_send_due
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

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
