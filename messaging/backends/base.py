import requests


class SmsError(Exception):
    """A provider refused or failed to take a message. `permanent`: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class SmsOutcomeUnknown(SmsError):
    """The request reached the provider but no answer came back: it may or may not have been sent.

    Never retried automatically (that could send a second SMS); staff check instead.
    """

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


def error_from_requests(exc: requests.RequestException, provider: str) -> SmsError:
    """Connection never made: safe to retry. Read timeout after sending: outcome unknown."""
    if isinstance(exc, requests.ConnectTimeout | requests.ConnectionError) and not isinstance(
        exc, requests.ReadTimeout
    ):
        return SmsError(f"{provider} unreachable: {exc.__class__.__name__}", permanent=False)
    if isinstance(exc, requests.Timeout):
        return SmsOutcomeUnknown(f"{provider} did not answer in time: {exc.__class__.__name__}")
    return SmsError(f"{provider} request failed: {exc.__class__.__name__}", permanent=False)


def recipient(message) -> str:
    """The E.164 number (the phone field's str() is formatted for people, with spaces)."""
    to = message.to
    return to.as_e164 if hasattr(to, "as_e164") else str(to)


class BaseSmsBackend:
    name = "base"

    def send(self, message) -> str:
        """Hand the message to the provider; return the provider's id for it."""
        raise NotImplementedError
