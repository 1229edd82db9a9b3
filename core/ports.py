"""Ports: a service on a lower floor calls work that an app on a higher floor provides.

The floors (docs/architecture.md) let an app import only the floors below it. A few services must still
reach up, always for a side effect of their own transaction: a checkout queues its confirmation SMS
(messaging), a STOP reply withdraws consent (privacy), a participant's consent edit is logged (privacy).
The lower app calls a named `Port`; the higher app plugs its service in from its `AppConfig.ready()`.
This is a plain function call in the same transaction, not a signal: exactly one provider, its return
value comes back, and a port nobody provides fails loudly instead of silently doing nothing.
"""

from collections.abc import Callable
from typing import Any


class PortNotProvided(RuntimeError):
    pass


class Port:
    def __init__(self, name: str, provided_by: str):
        self.name, self.provided_by = name, provided_by
        self._provider: Callable[..., Any] | None = None

    def provide(self, provider: Callable[..., Any]) -> None:
        self._provider = provider

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, **kwargs) -> Any:
        if self._provider is None:
            raise PortNotProvided(f"{self.name}: {self.provided_by} is not installed or not ready")
        return self._provider(**kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name} provided by {self.provided_by}>"


# messaging.services.outbound.sms_queue: store an SMS once per idempotency key, sent after commit.
sms_queue = Port("sms_queue", provided_by="messaging")
# privacy.services.sms_reply_consent: a STOP or START reply withdraws or gives SMS consent again.
sms_reply_consent = Port("sms_reply_consent", provided_by="privacy")
# privacy.services.consent_note_change: log a consent change staff made while editing a participant.
consent_note_change = Port("consent_note_change", provided_by="privacy")
