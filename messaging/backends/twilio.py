"""Twilio through its official SDK (twilio.rest.Client)."""

import requests
from django.conf import settings

from .base import BaseSmsBackend, SmsError, error_from_requests, recipient

# Twilio error codes that no retry will fix: invalid/unreachable/opted-out number, landline, bad sender.
PERMANENT_CODES = {21211, 21214, 21408, 21610, 21612, 21614, 21606, 21659, 21660, 30003, 30005, 30006, 30007}


def status_callback_url() -> str:
    return f"{settings.SITE_URL}/api/v1/sms/status/twilio/"


class TwilioBackend(BaseSmsBackend):
    name = "twilio"

    def __init__(self):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise SmsError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set", permanent=False)
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=settings.SMS_TIMEOUT_SECONDS),
        )

    def send(self, message) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": recipient(message), "body": message.body, "status_callback": status_callback_url()}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM
        try:
            created = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            permanent = exc.code in PERMANENT_CODES or (400 <= exc.status < 500 and exc.status != 429)
            raise SmsError(f"Twilio {exc.status} ({exc.code}): {exc.msg}", permanent=permanent) from exc
        except requests.RequestException as exc:
            raise error_from_requests(exc, "Twilio") from exc
        except TwilioException as exc:
            raise SmsError(f"Twilio: {exc}", permanent=False) from exc
        return created.sid
