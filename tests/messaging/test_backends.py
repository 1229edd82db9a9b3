"""Real providers, mocked at the HTTP layer: success, permanent and temporary errors, unknown outcome."""

import json

import pytest
import requests
import responses

from messaging.backends import SmsError, SmsOutcomeUnknown, get_backend
from messaging.backends.http import HttpBackend
from messaging.backends.twilio import TwilioBackend
from messaging.models import OutboundMessage
from tests.factories import OrganizationFactory

TWILIO_URL = "https://api.twilio.com/2010-04-01/Accounts/AC" + "0" * 32 + "/Messages.json"
HTTP_URL = "https://sms.example.test/send"


@pytest.fixture
def message(db):
    organization = OrganizationFactory(sms_sender_name="DeSchakel")
    return OutboundMessage(
        organization=organization, to="+32470112233", body="De Schakel: test", idempotency_key="k-1", language="nl"
    )


def test_it_picks_the_backend_from_the_setting(settings):
    settings.SMS_BACKEND = "console"
    assert get_backend().name == "console"
    settings.SMS_BACKEND = "messaging.backends.locmem.LocMemBackend"
    assert get_backend().name == "locmem"


def test_the_console_backend_prints_the_message(message, capsys):
    provider_id = get_backend("console").send(message)
    out = capsys.readouterr().out
    assert provider_id in out and "De Schakel: test" in out and "+32470112233" in out


@responses.activate
def test_twilio_sends_through_the_sdk(message):
    responses.post(TWILIO_URL, json={"sid": "SM123", "status": "queued"}, status=201)
    assert TwilioBackend().send(message) == "SM123"
    sent = dict(pair.split("=") for pair in responses.calls[0].request.body.split("&"))
    assert sent["To"] == "%2B32470112233"
    assert sent["From"] == "%2B32460000000"
    assert "StatusCallback" in sent


@responses.activate
@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [(400, 21211, True), (400, 21610, True), (429, 20429, False), (503, 20500, False)],
)
def test_twilio_errors_say_whether_a_retry_makes_sense(message, status, code, permanent):
    responses.post(TWILIO_URL, json={"code": code, "message": "nope", "status": status}, status=status)
    with pytest.raises(SmsError) as error:
        TwilioBackend().send(message)
    assert error.value.permanent is permanent
    assert not isinstance(error.value, SmsOutcomeUnknown)


@responses.activate
def test_twilio_unreachable_is_temporary_and_a_read_timeout_is_unknown(message):
    responses.post(TWILIO_URL, body=requests.ConnectionError("refused"))
    with pytest.raises(SmsError) as error:
        TwilioBackend().send(message)
    assert error.value.permanent is False
    responses.replace(responses.POST, TWILIO_URL, body=requests.ReadTimeout("slow"))
    with pytest.raises(SmsOutcomeUnknown):
        TwilioBackend().send(message)


@responses.activate
def test_the_http_provider_posts_json_with_the_token(message):
    responses.post(HTTP_URL, json={"id": "abc-1"}, status=200)
    assert HttpBackend().send(message) == "abc-1"
    request = responses.calls[0].request
    assert request.headers["Authorization"] == "Bearer http-token"
    payload = json.loads(request.body)
    assert payload == {
        "to": "+32470112233",
        "from": "DeSchakel",
        "body": "De Schakel: test",
        "reference": "k-1",
        "status_url": "https://lendwise.brussels/api/v1/sms/status/http/",
    }


@responses.activate
@pytest.mark.parametrize(
    ("kwargs", "error_type", "permanent"),
    [
        ({"status": 422, "json": {"error": "invalid number"}}, SmsError, True),
        ({"status": 503}, SmsError, False),
        ({"status": 429}, SmsError, False),
        ({"body": requests.ConnectTimeout("no route")}, SmsError, False),
        ({"body": requests.ReadTimeout("slow")}, SmsOutcomeUnknown, True),
        ({"status": 200, "body": "not json"}, SmsOutcomeUnknown, True),
    ],
)
def test_http_provider_errors_say_whether_a_retry_makes_sense(message, kwargs, error_type, permanent):
    responses.post(HTTP_URL, **kwargs)
    with pytest.raises(error_type) as error:
        HttpBackend().send(message)
    assert error.value.permanent is permanent
