"""Tasks only the worker tests load (`celery worker --include tests.messaging.poison_tasks`)."""

import os
import signal
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.poison")
def poison(folder: str) -> None:
    """Kills the pool process running it, every time, as a task that runs out of memory on its input."""
    with (Path(folder) / "poison-runs.log").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGKILL)


@shared_task(name="tests.harmless")
def harmless(folder: str) -> None:
    (Path(folder) / "harmless-ran").touch()
