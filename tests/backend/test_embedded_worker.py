"""The embedded mode's broker needs no server: a real Celery worker runs a task sent through it."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_worker_runs_a_task_sent_through_the_filesystem_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(
        VAR_DIR=str(tmp_path), CACHE_URL=f"filecache://{tmp_path / 'cache'}", DJANGO_SETTINGS_MODULE="backend.settings"
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from backend.tasks import heartbeat; heartbeat.delay()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        cache = FileBasedCache(str(tmp_path / "cache"), {})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get("celery:heartbeat") is None:
            time.sleep(0.5)
        assert cache.get("celery:heartbeat") is not None, "the worker did not run the task"
        assert not any((tmp_path / "broker" / "queue").iterdir()), "the message was not consumed"
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "celery worker started" in output
