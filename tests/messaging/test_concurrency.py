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

# The due date the confirmations name: relative to today, so no run date changes what is sent.
_IN_A_WEEK = datetime.date.today() + datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def _no_immediate_send():
    """Leave messages queued after commit, so the racing workers below are the only senders."""
    with mock.patch.object(services.outbound, "_enqueue_send", lambda message_id: None):
        yield


def test_racing_senders_send_each_message_exactly_once():
    organization = OrganizationFactory()
    for n in range(20):
        participant = ParticipantFactory(organization=organization)
        services.sms_queue(
            organization=organization,
            participant=participant,
            template="loan_confirmation",
            context={"date": _IN_A_WEEK, "link": "https://x.test/l/t"},
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
        mock.patch.object(services.outbound, "_enqueue_send", lambda message_id: None),
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
                context={"date": _IN_A_WEEK, "link": "https://x.test/l/t"},
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


REMINDER_ROUNDS = 5
LOANS_PER_ROUND = 12


def test_two_reminder_workers_and_the_send_task_in_parallel_send_each_reminder_once():
    """Two beat scans (create due reminders, then send) and the send task race, round after round.

    Each round the main thread adds loans due tomorrow, then a barrier starts the three workers
    together; each keeps its database connection across rounds.
    """
    from loans.models import Loan
    from messaging.backends import locmem
    from messaging.tasks import sms_reminders_task, sms_send_task
    from tests.loans.factories import LoanPolicyFactory

    organization = OrganizationFactory()
    policy = LoanPolicyFactory(organization=organization)
    tomorrow = services.local_today(organization) + datetime.timedelta(days=1)
    barrier = threading.Barrier(4, timeout=60)
    errors: list[BaseException] = []

    def scanner():
        try:
            for _round in range(REMINDER_ROUNDS):
                barrier.wait()
                sms_reminders_task()
                barrier.wait()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    def sender():
        """What the on-commit send tasks do: send the queued message ids they are given."""
        try:
            for _round in range(REMINDER_ROUNDS):
                barrier.wait()
                for _pass in range(3):
                    reminders = OutboundMessage.objects.filter(template="loan_reminder")
                    for message_id in reminders.values_list("id", flat=True):
                        sms_send_task(message_id)
                barrier.wait()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    original_send = LocMemBackend.send

    def slow_send(self, message):
        time.sleep(0.005)  # widen the window between the claim and the provider's answer
        return original_send(self, message)

    with mock.patch.object(LocMemBackend, "send", slow_send):
        threads = [threading.Thread(target=scanner), threading.Thread(target=scanner), threading.Thread(target=sender)]
        for thread in threads:
            thread.start()
        try:
            for round_ in range(REMINDER_ROUNDS):
                for n in range(LOANS_PER_ROUND):
                    Loan.objects.create(
                        organization=organization,
                        participant=ParticipantFactory(organization=organization),
                        policy=policy,
                        started_on=tomorrow - datetime.timedelta(days=28),
                        due_on=tomorrow,
                        reminder_offsets=[-1],
                        public_token=f"race-{round_}-{n}",
                    )
                barrier.wait()  # start
                barrier.wait()  # all three finished the round
        finally:
            for thread in threads:
                thread.join()

    assert errors == []
    keys = [sent["key"] for sent in locmem.outbox]
    assert len(keys) == REMINDER_ROUNDS * LOANS_PER_ROUND
    assert len(set(keys)) == len(keys), "an SMS went out twice"
    reminders = OutboundMessage.objects.filter(template="loan_reminder")
    assert reminders.count() == REMINDER_ROUNDS * LOANS_PER_ROUND
    assert set(reminders.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(reminders.values_list("attempts", flat=True)) == {1}
