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
