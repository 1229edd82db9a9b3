"""Real concurrency on PostgreSQL: several workers race for the same messages; each SMS goes out once.

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_messaging.
"""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.db import connection

from messaging import services
from messaging.backends.locmem import LocMemBackend
from messaging.choices import MessageStatus
from messaging.models import OutboundMessage
from tests.conftest import requires_postgres
from tests.factories import OrganizationFactory, ParticipantFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_immediate_send():
    """Leave messages queued after commit, so the racing workers below are the only senders."""
    with mock.patch.object(services, "_enqueue_send", lambda message_id: None):
        yield


def test_racing_senders_send_each_message_exactly_once():
    organization = OrganizationFactory()
    for n in range(20):
        participant = ParticipantFactory(organization=organization)
        services.sms_queue(
            organization=organization,
            participant=participant,
            template="loan_confirmation",
            context={"date": datetime.date(2026, 12, 3), "link": "https://x.test/l/t"},
            idempotency_key=f"race:{n}",
        )
    sent: list[str] = []
    lock = threading.Lock()

    def slow_send(self, message):
        time.sleep(0.01)  # widen the window between claim and answer
        with lock:
            sent.append(message.idempotency_key)
        return f"id-{message.pk}"

    errors = []

    def worker():
        try:
            services.messages_send_due()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with (
        mock.patch.object(LocMemBackend, "send", slow_send),
        mock.patch.object(services, "_enqueue_send", lambda message_id: None),
    ):
        OutboundMessage.objects.update(status=MessageStatus.QUEUED)
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(sent) == sorted(f"race:{n}" for n in range(20))
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}


def test_concurrent_queueing_with_one_key_stores_one_message():
    organization = OrganizationFactory()
    participant = ParticipantFactory(organization=organization)
    barrier = threading.Barrier(4)
    ids, errors = [], []

    def queue():
        try:
            barrier.wait()
            message = services.sms_queue(
                organization=organization,
                participant=participant,
                template="loan_confirmation",
                context={"date": datetime.date(2026, 12, 3), "link": "https://x.test/l/t"},
                idempotency_key="same-key",
            )
            ids.append(message.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=queue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert OutboundMessage.objects.count() == 1
