"""A real Celery worker killed with SIGKILL while it sends an SMS: nothing lost, nothing sent twice.

Each test runs real worker processes (SQLite in a temporary folder; the filesystem broker, and Redis
too when the suite runs with CELERY_BROKER_URL=redis://..., on a queue of its own) and an SMS backend
that stops on a sentinel file (tests/messaging/sentinel_backend.py), so the kill lands at a known
point. The database is the queue: the broker message may be lost with the worker (filesystem) or
sit unacknowledged until its visibility timeout (Redis); the beat scan finds the work either way.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import REDIS

from .conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
KEY = "loan-confirmation:kill-test"

QUEUE_ONE = """
import sys, django
django.setup()
from backend.celery import app
app.conf.task_default_queue = sys.argv[1]
from django.db import transaction
from organizations.models import Organization, Participant
from messaging.services import sms_queue
org = Organization.objects.create(name="Den Teirling", short_code="DT", phone="+3226400000")
person = Participant.objects.create(
    organization=org, display_name="Hilde", phone="+32471223344", preferred_language="nl", sms_consent=True
)
with transaction.atomic():  # sms_queue hands the send task to the broker after this commit
    sms_queue(organization=org, participant=person, template="loan_confirmation",
              context={"date": "2026-12-24", "link": "https://x.test/l/t"}, idempotency_key=sys.argv[2])
"""

SCAN = """
import sys, django
django.setup()
from backend.celery import app
from messaging.tasks import sms_reminders_task
sms_reminders_task.apply_async(queue=sys.argv[1])
"""

BROKERS = ["filesystem"] + (["redis"] if REDIS else [])


@pytest.fixture
def migrated_database(migrated_sqlite):
    return migrated_sqlite


def _env(folder: Path, *, broker: str) -> dict:
    env = subprocess_env(folder)
    env.update(
        SMS_BACKEND="tests.messaging.sentinel_backend.SentinelBackend",
        SMS_SENDING_HOURS="00:00,23:59:59",
        SENTINEL_SMS_DIR=str(folder / "sms"),
    )
    if broker == "redis":
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]
    return env


class Worker:
    """A `celery worker` subprocess whose log is read in the background."""

    def __init__(self, env: dict, queue: str, *, pool: str = "solo", include: str = ""):
        command = [sys.executable, "-m", "celery", "-A", "backend", "worker", "--pool", pool, "-Q", queue]
        command += ["--include", include] if include else []
        command += ["--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, *, count: int = 1, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.log().count(text) < count:
            assert self.process.poll() is None, f"the worker stopped:\n{self.log()[-3000:]}"
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{self.log()[-3000:]}"
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.process.kill()


def _wait_for_file(path: Path, *, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _message(folder: Path) -> dict:
    with sqlite3.connect(folder / "db.sqlite3") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM messaging_outboundmessage WHERE idempotency_key = ?", (KEY,)).fetchone()
        reviews = db.execute("SELECT COUNT(*) FROM organizations_stafftask WHERE kind = 'message_review'").fetchone()
    return {**dict(row), "review_tasks": reviews[0]}


def _prepare(tmp_path: Path, migrated_database: Path, broker: str, hold: str) -> tuple[dict, str]:
    (tmp_path / "db.sqlite3").write_bytes(migrated_database.read_bytes())
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / f"hold-{hold}").touch()
    env = _env(tmp_path, broker=broker)
    queue = f"kill-{uuid.uuid4().hex[:10]}"
    subprocess.run([sys.executable, "-c", QUEUE_ONE, queue, KEY], cwd=ROOT, env=env, check=True, timeout=120)
    return env, queue


def _scan(env: dict, queue: str) -> None:
    """What beat does every two minutes: the reminder task scans the database and sends what is queued."""
    subprocess.run([sys.executable, "-c", SCAN, queue], cwd=ROOT, env=env, check=True, timeout=120)


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_killed_before_its_claim_leaves_the_sms_queued_and_the_next_worker_sends_it_once(
    tmp_path, migrated_database, broker
):
    env, queue = _prepare(tmp_path, migrated_database, broker, hold="before-claim")
    sms = tmp_path / "sms"
    first = Worker(env, queue)
    try:
        _wait_for_file(sms / "held-before-claim")  # the send task is running, the message not yet claimed
        first.kill()
    finally:
        first.stop()
    assert _message(tmp_path)["status"] == "queued", "nothing was lost with the worker"
    (sms / "hold-before-claim").unlink()

    second = Worker(env, queue)
    try:
        _scan(env, queue)
        second.wait_for("sms_reminders_task", count=1)
        second.wait_for("succeeded", count=1)
        _scan(env, queue)  # a later scan, or the broker redelivering the first task, sends nothing more
        second.wait_for("succeeded", count=2)
    finally:
        second.stop()
    message = _message(tmp_path)
    assert message["status"] == "sent" and message["attempts"] == 1
    assert _lines(sms / "sent.log") == [KEY] and _lines(sms / "attempts.log") == [KEY]


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_killed_mid_send_never_sends_twice_and_staff_are_asked_to_check(tmp_path, migrated_database, broker):
    env, queue = _prepare(tmp_path, migrated_database, broker, hold="in-send")
    sms = tmp_path / "sms"
    first = Worker(env, queue)
    try:
        _wait_for_file(sms / "held-in-send")  # claimed, the provider has the request, no answer yet
        first.kill()
    finally:
        first.stop()
    assert _message(tmp_path)["status"] == "sending"
    (sms / "hold-in-send").unlink()

    second = Worker(env, queue)
    try:
        _scan(env, queue)
        second.wait_for("succeeded", count=1)
        assert _message(tmp_path)["status"] == "sending", "a recent claim is left alone: the first may still answer"
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:  # ten minutes later
            db.execute("UPDATE messaging_outboundmessage SET claimed_at = datetime('now', '-11 minutes')")
        _scan(env, queue)
        second.wait_for("succeeded", count=2)
    finally:
        second.stop()
    message = _message(tmp_path)
    assert message["status"] == "unknown" and message["attempts"] == 1
    assert message["review_tasks"] == 1, "staff are asked to check whether it arrived"
    assert _lines(sms / "attempts.log") == [KEY], "the provider was asked once, never twice"
    assert _lines(sms / "sent.log") == []


def test_a_pool_process_killed_before_its_claim_is_redelivered_and_sent_once(tmp_path, migrated_database):
    """The prefork pool: the child running the task dies (the OOM killer, a crash). With acks_late and
    reject_on_worker_lost the broker message is requeued and the worker's next child sends it, once."""
    env, queue = _prepare(tmp_path, migrated_database, "redis" if REDIS else "filesystem", hold="before-claim")
    sms = tmp_path / "sms"
    worker = Worker(env, queue, pool="prefork")
    try:
        _wait_for_file(sms / "held-before-claim")
        child = int((sms / "held-before-claim").read_text())
        assert child != worker.process.pid
        os.kill(child, signal.SIGKILL)
        worker.wait_for("WorkerLostError")
        (sms / "hold-before-claim").unlink()
        worker.wait_for("succeeded", count=1)
    finally:
        worker.stop()
    message = _message(tmp_path)
    assert message["status"] == "sent" and message["attempts"] == 1
    assert _lines(sms / "sent.log") == [KEY]


POISON = """
import sys, django
django.setup()
from tests.messaging.poison_tasks import harmless, poison
task = poison if sys.argv[2] == "poison" else harmless
task.apply_async(args=[sys.argv[3]], queue=sys.argv[1])
"""


@pytest.mark.parametrize("broker", BROKERS)
def test_a_task_that_kills_its_process_every_time_is_dropped_after_three_deliveries(
    tmp_path, migrated_database, broker
):
    """reject_on_worker_lost gives a lost task back to the broker; one that kills its pool process every time
    it runs (out of memory on its input) must not come back for ever. The deliveries are counted in the
    cache (the database table of the embedded default), the fourth is dropped with an error in the log, and
    the worker goes on with other work."""
    (tmp_path / "db.sqlite3").write_bytes(migrated_database.read_bytes())
    env = _env(tmp_path, broker=broker)
    env["CACHE_URL"] = "dbcache://cache_table"
    create_cache = (
        "import django; django.setup(); from django.core import management; management.call_command('createcachetable')"
    )
    subprocess.run([sys.executable, "-c", create_cache], cwd=ROOT, env=env, check=True, timeout=120)
    queue = f"poison-{uuid.uuid4().hex[:10]}"
    subprocess.run([sys.executable, "-c", POISON, queue, "poison", str(tmp_path)], cwd=ROOT, env=env, check=True)
    worker = Worker(env, queue, pool="prefork", include="tests.messaging.poison_tasks")
    try:
        worker.wait_for("dropped: its worker process was lost during each of 3 deliveries")
        subprocess.run([sys.executable, "-c", POISON, queue, "harmless", str(tmp_path)], cwd=ROOT, env=env, check=True)
        _wait_for_file(tmp_path / "harmless-ran")
        time.sleep(2)  # nothing more comes back
    finally:
        worker.stop()
    assert len(_lines(tmp_path / "poison-runs.log")) == 3, "ran three times, each in a new pool process"
    assert worker.log().count("WorkerLostError") >= 3


def test_the_settings_ask_the_broker_to_redeliver_tasks_of_a_lost_worker(settings):
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_MAX_DELIVERIES == 3


def test_the_sentinel_backend_refuses_to_run_without_its_folder(monkeypatch):
    from tests.messaging.sentinel_backend import SentinelBackend

    monkeypatch.delenv("SENTINEL_SMS_DIR", raising=False)
    with pytest.raises(KeyError, match="SENTINEL_SMS_DIR"):
        SentinelBackend()


def test_a_task_that_finishes_leaves_no_delivery_count(tmp_path):
    """Counted before it runs, forgotten when it ends: only a message whose process died stays counted, and
    the cache does not fill with one entry per task run."""
    from django.core.cache import cache

    from backend.celery import app
    from tests.messaging.poison_tasks import harmless

    task, key = app.tasks[harmless.name], "celery-deliveries:abc:0"
    task.push_request(id="abc", retries=0, is_eager=False, called_directly=False)  # as a worker runs it
    try:
        with mock.patch("backend.celery._forget") as forget:
            task(str(tmp_path))
        assert cache.get(key) == 1, "counted before it ran"
        forget.assert_called_once_with(key)
        task(str(tmp_path))  # the same message delivered again: counted, run, forgotten
    finally:
        task.pop_request()
    assert cache.get(key) is None
    assert (tmp_path / "harmless-ran").exists()
