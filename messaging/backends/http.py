"""A configurable HTTP provider (JSON over HTTPS, bearer token), for gateways without an SDK.

Request:  POST settings.SMS_HTTP_URL  {"to", "from", "body", "reference", "status_url"}
          with `Authorization: Bearer <SMS_HTTP_TOKEN>`; the answer is JSON with an "id".
Webhooks: the provider signs each POST body with HMAC-SHA256 (key SMS_HTTP_WEBHOOK_SECRET),
          hex digest in the `X-Signature` header; see messaging/webhooks.py.
"""

import requests
from django.conf import settings

from .base import BaseSmsBackend, SmsError, SmsOutcomeUnknown, error_from_requests, recipient


class HttpBackend(BaseSmsBackend):
    name = "http"

    def send(self, message) -> str:
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set", permanent=False)
        payload = {
            "to": recipient(message),
            "from": message.organization.sms_sender_name or settings.SMS_HTTP_FROM,
            "body": message.body,
            "reference": message.idempotency_key,
            "status_url": f"{settings.SITE_URL}/api/v1/sms/status/http/",
        }
        try:
            response = requests.post(
                settings.SMS_HTTP_URL,
                json=payload,
                headers={"Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
                timeout=settings.SMS_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise error_from_requests(exc, "SMS provider") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsError(f"provider busy or down: HTTP {response.status_code}", permanent=False)
        if response.status_code >= 400:
            raise SmsError(f"provider refused: HTTP {response.status_code} {response.text[:200]}", permanent=True)
        try:
            provider_id = str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            # It took the message but we cannot tell which id: do not resend blindly.
            raise SmsOutcomeUnknown("provider answer had no message id") from exc
        return provider_id
