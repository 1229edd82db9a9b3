"""Sending claims each message before calling the provider: never twice, never blindly resent."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from messaging import services, tasks
from messaging.backends import SmsError, SmsOutcomeUnknown
from messaging.backends.locmem import LocMemBackend
from messaging.choices import BlockedReason, MessageStatus
from messaging.models import OutboundMessage, SendingHours
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from tests.factories import OrganizationFactory, ParticipantFactory

from .factories import LoanFactory

pytestmark = pytest.mark.django_db
# Date-dependent: the sending-hours tests pass their own "now" (2 and 3 December 2026) and a queued
# message is only due from the moment it was created, so every test here runs on a fixed clock:
# 2 December 2026, 14:00 in Brussels (inside the sending hours), before all of those moments.
FIXED_NOW = datetime.datetime(2026, 12, 2, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture
def message():
    participant = ParticipantFactory(organization=OrganizationFactory())
    return services.sms_queue(
        organization=participant.organization,
        participant=participant,
        template="loan_confirmation",
        context={"date": datetime.date(2026, 12, 3), "link": "https://x.test/l/t"},
        idempotency_key="confirm:1",
    )


def _reload(message):
    message.refresh_from_db()
    return message


def test_it_sends_a_queued_message_once(message, outbox):
    assert services.message_send(message_id=message.pk) == "sent"
    assert services.message_send(message_id=message.pk) == "skipped"
    message = _reload(message)
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.provider_id == outbox[0]["id"]
    assert message.backend == "locmem"
    assert len(outbox) == 1
    history = list(message.history.order_by("history_date").values_list("status", "history_change_reason"))
    assert history == [("queued", None), ("sending", "claimed"), ("sent", "sent")]


def test_a_second_sender_finds_nothing_to_claim_while_the_first_is_sending(message, outbox):
    """Two workers at once: the second one runs while the first is inside the provider call."""
    inner = []

    def send_and_race(self, msg):
        inner.append(services.message_send(message_id=msg.pk))
        return "racing-id"

    with mock.patch.object(LocMemBackend, "send", send_and_race):
        assert services.message_send(message_id=message.pk) == "sent"
    assert inner == ["skipped"]
    assert _reload(message).attempts == 1


def test_a_worker_killed_between_claim_and_send_never_produces_a_second_sms(message, outbox):
    """Simulated crash: the claim was committed, then the process died before the provider answered."""
    claimed_at = timezone.now()
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=claimed_at)

    tasks.sms_reminders_task()  # the next beat run: nothing to send, claim not yet stale
    assert outbox == []
    assert _reload(message).status == MessageStatus.SENDING

    with time_machine.travel(claimed_at + datetime.timedelta(minutes=11), tick=False):
        result = tasks.sms_reminders_task()
        tasks.sms_reminders_task()
    assert result["stale"] == 1
    message = _reload(message)
    assert message.status == MessageStatus.UNKNOWN
    assert "may or may not" in message.last_error
    task = StaffTask.objects.get(kind=StaffTaskKind.MESSAGE_REVIEW)
    assert task.related == message
    assert task.participant == message.participant
    assert outbox == []


def test_a_temporary_error_is_retried_later(message, outbox):
    with mock.patch.object(LocMemBackend, "send", side_effect=SmsError("timeout", permanent=False)):
        assert services.message_send(message_id=message.pk) == "retry"
    message = _reload(message)
    assert message.status == MessageStatus.QUEUED
    assert message.scheduled_for > timezone.now()
    assert message.last_error == "timeout"
    assert services.message_send(message_id=message.pk) == "skipped"  # not before its time
    with time_machine.travel(message.scheduled_for + datetime.timedelta(seconds=1), tick=False):
        assert services.messages_send_due() == {"sent": 1}
    assert _reload(message).attempts == 2


def test_it_gives_up_after_the_last_attempt(message):
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    with mock.patch.object(LocMemBackend, "send", side_effect=SmsError("timeout", permanent=False)):
        assert services.message_send(message_id=message.pk) == "failed"
    assert _reload(message).status == MessageStatus.FAILED


def test_a_permanent_error_fails_at_once_with_its_reason(message):
    with mock.patch.object(LocMemBackend, "send", side_effect=SmsError("invalid number", permanent=True)):
        assert services.message_send(message_id=message.pk) == "failed"
    message = _reload(message)
    assert (message.status, message.last_error, message.attempts) == (MessageStatus.FAILED, "invalid number", 1)


def test_an_unknowable_outcome_goes_to_staff_and_is_not_resent(message, outbox):
    with mock.patch.object(LocMemBackend, "send", side_effect=SmsOutcomeUnknown("no answer in time")):
        assert services.message_send(message_id=message.pk) == "unknown"
    assert _reload(message).status == MessageStatus.UNKNOWN
    assert StaffTask.objects.filter(kind=StaffTaskKind.MESSAGE_REVIEW).count() == 1
    assert services.messages_send_due() == {}
    assert outbox == []


def test_it_waits_for_the_sending_hours(message, outbox, settings):
    settings.SMS_SENDING_HOURS = ("09:00", "20:00")
    late_evening = datetime.datetime(2026, 12, 2, 21, 30, tzinfo=datetime.UTC)  # 22:30 in Brussels
    assert services.message_send(message_id=message.pk, now=late_evening) == "outside_hours"
    assert services.messages_send_due(now=late_evening) == {}
    assert _reload(message).status == MessageStatus.QUEUED
    next_morning = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)  # 09:00 in Brussels
    assert services.messages_send_due(now=next_morning) == {"sent": 1}


def test_an_organisation_can_have_its_own_sending_hours(message, settings):
    SendingHours.objects.create(
        organization=message.organization, starts_at=datetime.time(10), ends_at=datetime.time(12)
    )
    nine_thirty = datetime.datetime(2026, 12, 3, 8, 30, tzinfo=datetime.UTC)
    assert services.messages_send_due(now=nine_thirty) == {}
    assert services.messages_send_due(now=nine_thirty + datetime.timedelta(hours=1)) == {"sent": 1}


def test_it_does_not_send_after_the_participant_withdrew_consent(message, outbox):
    message.participant.sms_consent = False
    message.participant.save()
    assert services.message_send(message_id=message.pk) == "blocked"
    message = _reload(message)
    assert (message.status, message.blocked_reason) == (MessageStatus.CANCELLED, BlockedReason.NO_CONSENT)
    assert outbox == []


def test_a_reminder_for_a_returned_loan_is_not_sent(outbox):
    loan = LoanFactory(due_on=datetime.date(2026, 12, 3))
    services.sms_queue(
        organization=loan.organization,
        participant=loan.participant,
        template="loan_reminder",
        context={"date": loan.due_on, "offset": 0, "link": "x"},
        idempotency_key=services.reminder_key(loan.pk, loan.due_on, 0),
        related=loan,
    )
    loan.status = "returned"
    loan.closed_at = timezone.now()
    loan.save()
    assert services.messages_send_due() == {"blocked": 1}
    assert OutboundMessage.objects.get().blocked_reason == BlockedReason.OBSOLETE
    assert outbox == []


def test_a_misconfigured_provider_leaves_the_message_queued(message, settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_AUTH_TOKEN = ""
    assert services.message_send(message_id=message.pk) == "backend_unavailable"
    message = _reload(message)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    assert "TWILIO" in message.last_error
