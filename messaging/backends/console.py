import sys
import uuid

from .base import BaseSmsBackend, recipient


class ConsoleBackend(BaseSmsBackend):
    """Development: prints the SMS on standard output (the message itself is stored by the caller)."""

    name = "console"

    def send(self, message) -> str:
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        sys.stdout.write(
            f"----- SMS {provider_id} to {recipient(message)} ({message.language}, {message.encoding}, "
            f"{message.segments} segment(s)) -----\n{message.body}\n-----\n"
        )
        sys.stdout.flush()
        return provider_id
