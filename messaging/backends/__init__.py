"""SMS backends, shaped like Django's e-mail backends and chosen by settings.SMS_BACKEND.

A backend's `send(message)` returns the provider's id for the message or raises `SmsError`
saying whether a retry makes sense (`permanent=False`) or not (`permanent=True`).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSmsBackend, SmsError, SmsOutcomeUnknown

ALIASES = {
    "console": "messaging.backends.console.ConsoleBackend",
    "locmem": "messaging.backends.locmem.LocMemBackend",
    "twilio": "messaging.backends.twilio.TwilioBackend",
    "http": "messaging.backends.http.HttpBackend",
}


def get_backend(path: str | None = None) -> BaseSmsBackend:
    path = path or settings.SMS_BACKEND
    return import_string(ALIASES.get(path, path))()


__all__ = ["BaseSmsBackend", "SmsError", "SmsOutcomeUnknown", "get_backend"]
