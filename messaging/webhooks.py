"""Provider webhooks: delivery reports and inbound replies (STOP). Each checks the provider's signature."""

import hashlib
import hmac
import json

from django.conf import settings

from .choices import MessageStatus

TWILIO_STATUS = {
    "queued": None,
    "accepted": None,
    "sending": None,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}
HTTP_STATUS = {"sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED, "failed": MessageStatus.FAILED}


def twilio_signature_valid(request) -> bool:
    """Twilio signs the full URL it called plus the POST parameters (X-Twilio-Signature)."""
    from twilio.request_validator import RequestValidator

    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)


def http_signature(body: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.SMS_HTTP_WEBHOOK_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def http_signature_valid(request) -> bool:
    """The generic HTTP provider signs the raw body with HMAC-SHA256 (hex, header X-Signature)."""
    signature = request.headers.get("X-Signature", "")
    if not signature or not settings.SMS_HTTP_WEBHOOK_SECRET:
        return False
    return hmac.compare_digest(http_signature(request.body), signature.strip().lower())


def parse_status(provider: str, request) -> tuple[str, str | None, str]:
    """(provider message id, our status or None for "nothing to record", error text)."""
    if provider == "twilio":
        data = request.POST
        error = data.get("ErrorCode", "")
        return (
            data.get("MessageSid", ""),
            TWILIO_STATUS.get(data.get("MessageStatus", "")),
            f"Twilio error {error}" if error else "",
        )
    data = json.loads(request.body or b"{}")
    return str(data.get("id", "")), HTTP_STATUS.get(data.get("status", "")), str(data.get("error", ""))


# The sender and text fields of an inbound SMS, as each provider names them (error messages name them so).
INBOUND_FIELDS = {"twilio": ("From", "Body"), "http": ("from", "body")}
MAX_INBOUND_TEXT = 1600  # ten concatenated segments: longer is not an SMS


def parse_inbound(provider: str, request) -> tuple[object, object]:
    """(sender's number, text) as sent: None for a missing field. Raises ValueError for a body that is not
    a JSON object (http)."""
    sender_key, text_key = INBOUND_FIELDS[provider]
    if provider == "twilio":
        data = request.POST
    else:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    return data.get(sender_key), data.get(text_key)


SIGNATURE_CHECKS = {"twilio": twilio_signature_valid, "http": http_signature_valid}
