import uuid

from .base import BaseSmsBackend, recipient

# Like django.core.mail.outbox: tests read what was "sent" here.
outbox: list = []


class LocMemBackend(BaseSmsBackend):
    """Tests: keeps each sent message in `messaging.backends.locmem.outbox`."""

    name = "locmem"

    def send(self, message) -> str:
        provider_id = f"locmem-{uuid.uuid4().hex[:12]}"
        outbox.append(
            {"id": provider_id, "to": recipient(message), "body": message.body, "key": message.idempotency_key}
        )
        return provider_id
