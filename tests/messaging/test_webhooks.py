"""Provider webhooks: signatures (403), unknown ids (404), delivery status, STOP replies."""

import json

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from messaging.choices import MessageStatus, OptOutChannel
from messaging.models import OutboundMessage, SmsOptOut
from messaging.webhooks import http_signature
from tests.factories import OrganizationFactory, ParticipantFactory

from .factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db
SITE = "https://lendwise.brussels"


def _twilio_post(api, path, data, *, token="twilio-test-token"):
    signature = RequestValidator(token).compute_signature(f"{SITE}{path}", data)
    return api.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def _http_post(api, path, payload, *, secret="http-webhook-secret"):
    body = json.dumps(payload).encode()
    return api.generic(
        "POST", path, body, content_type="application/json", HTTP_X_SIGNATURE=http_signature(body, secret)
    )


def test_a_signed_twilio_delivery_report_marks_the_message_delivered(api):
    message = OutboundMessageFactory(backend="twilio", provider_id="SM1")
    response = _twilio_post(api, "/api/v1/sms/status/twilio/", {"MessageSid": "SM1", "MessageStatus": "delivered"})
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None


def test_a_twilio_failure_report_keeps_the_error(api):
    message = OutboundMessageFactory(backend="twilio", provider_id="SM2")
    data = {"MessageSid": "SM2", "MessageStatus": "undelivered", "ErrorCode": "30005"}
    assert _twilio_post(api, "/api/v1/sms/status/twilio/", data).status_code == 204
    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "Twilio error 30005")


def test_a_late_sent_report_does_not_undo_delivered(api):
    message = OutboundMessageFactory(backend="twilio", provider_id="SM3", status=MessageStatus.DELIVERED)
    _twilio_post(api, "/api/v1/sms/status/twilio/", {"MessageSid": "SM3", "MessageStatus": "sent"})
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_TWILIO_SIGNATURE": "forged"}])
def test_it_refuses_a_twilio_report_without_a_valid_signature(api, headers):
    message = OutboundMessageFactory(backend="twilio", provider_id="SM4")
    response = api.post("/api/v1/sms/status/twilio/", {"MessageSid": "SM4", "MessageStatus": "delivered"}, **headers)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_it_refuses_a_report_signed_with_another_token(api):
    OutboundMessageFactory(backend="twilio", provider_id="SM5")
    data = {"MessageSid": "SM5", "MessageStatus": "delivered"}
    assert _twilio_post(api, "/api/v1/sms/status/twilio/", data, token="wrong").status_code == 403


def test_an_unknown_message_id_is_404(api):
    data = {"MessageSid": "SM-nope", "MessageStatus": "delivered"}
    assert _twilio_post(api, "/api/v1/sms/status/twilio/", data).status_code == 404
    assert _http_post(api, "/api/v1/sms/status/http/", {"id": "nope", "status": "delivered"}).status_code == 404


def test_an_unknown_provider_is_404(api):
    assert api.post("/api/v1/sms/status/carrier-pigeon/", {}).status_code == 404


def test_the_http_provider_report_is_checked_with_hmac(api):
    message = OutboundMessageFactory(backend="http", provider_id="h-1")
    forged = _http_post(api, "/api/v1/sms/status/http/", {"id": "h-1", "status": "delivered"}, secret="guess")
    assert forged.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    ok = _http_post(api, "/api/v1/sms/status/http/", {"id": "h-1", "status": "delivered"})
    assert ok.status_code == 204
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_report_for_another_providers_id_is_not_applied(api):
    OutboundMessageFactory(backend="twilio", provider_id="same-id")
    assert _http_post(api, "/api/v1/sms/status/http/", {"id": "same-id", "status": "failed"}).status_code == 404


def test_a_report_without_id_is_400_naming_the_field(api):
    response = _http_post(api, "/api/v1/sms/status/http/", {"status": "delivered"})
    assert response.status_code == 400
    assert "id" in response.json()["fields"]


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        ("Arrêt", "ARRET"),
        ("ARRET", "ARRET"),
        ("arret svp", "ARRET"),
        ("Stoppen", "STOPPEN"),
        ("STOPPEN.", "STOPPEN"),
        (" stop! ", "STOP"),
    ],
)
def test_a_stop_reply_records_the_opt_out(api, text, keyword):
    """In the organisation that messaged the number lately (tests/messaging/test_stop_attribution.py has the rest)."""
    participant = ParticipantFactory(organization=OrganizationFactory(), phone="+32470112233")
    OutboundMessageFactory(organization=participant.organization, participant=participant, claimed_at=timezone.now())
    queued = OutboundMessageFactory(
        organization=participant.organization, participant=participant, status=MessageStatus.QUEUED
    )
    response = _twilio_post(api, "/api/v1/sms/inbound/twilio/", {"From": "+32470112233", "Body": text})
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.sms_consent is False
    opt_out = SmsOptOut.objects.get()
    assert (opt_out.participant, opt_out.channel, opt_out.keyword) == (participant, OptOutChannel.SMS_KEYWORD, keyword)
    queued.refresh_from_db()
    assert (queued.status, queued.blocked_reason) == (MessageStatus.CANCELLED, "no_consent")


@pytest.mark.parametrize("text", ["Merci!", "Ik stop morgen met de cursus", "OK", ""])
def test_other_replies_change_nothing(api, text):
    participant = ParticipantFactory(organization=OrganizationFactory(), phone="+32470112233")
    assert _twilio_post(api, "/api/v1/sms/inbound/twilio/", {"From": "+32470112233", "Body": text}).status_code == 200
    participant.refresh_from_db()
    assert participant.sms_consent is True
    assert not SmsOptOut.objects.exists()


def test_a_stop_reply_through_the_http_provider_needs_its_signature(api):
    participant = ParticipantFactory(organization=OrganizationFactory(), phone="+32470112233")
    OutboundMessageFactory(organization=participant.organization, participant=participant, claimed_at=timezone.now())
    payload = {"from": "+32470112233", "body": "STOP"}
    assert _http_post(api, "/api/v1/sms/inbound/http/", payload, secret="guess").status_code == 403
    participant.refresh_from_db()
    assert participant.sms_consent is True
    assert _http_post(api, "/api/v1/sms/inbound/http/", payload).status_code == 204
    participant.refresh_from_db()
    assert participant.sms_consent is False
    assert OutboundMessage.objects.count() == 1  # the SMS it answered; nothing sent back
