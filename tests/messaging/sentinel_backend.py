"""An SMS backend for the worker-kill tests (SMS_BACKEND=tests.messaging.sentinel_backend.SentinelBackend).

It stops while a sentinel file exists, so a test can kill the worker at a known point:
`hold-before-claim` holds the backend's construction (message_send builds the backend before it
claims the message); `hold-in-send` holds inside send(), after the claim, as if the provider were
slow to answer. Every call to send() is logged in `attempts.log`; each completed send in `sent.log`.
"""

import os
import time
from pathlib import Path

from messaging.backends.base import BaseSmsBackend


def _hold(folder: Path, stage: str) -> None:
    if not (folder / f"hold-{stage}").exists():
        return
    (folder / f"held-{stage}").write_text(str(os.getpid()))
    while (folder / f"hold-{stage}").exists():
        time.sleep(0.05)


class SentinelBackend(BaseSmsBackend):
    name = "sentinel"

    def __init__(self):
        self.folder = Path(os.environ["SENTINEL_SMS_DIR"])
        _hold(self.folder, "before-claim")

    def send(self, message) -> str:
        with open(self.folder / "attempts.log", "a") as log:
            log.write(f"{message.idempotency_key}\n")
        _hold(self.folder, "in-send")
        with open(self.folder / "sent.log", "a") as log:
            log.write(f"{message.idempotency_key}\n")
        return f"sentinel-{message.pk}"
