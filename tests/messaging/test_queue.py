"""sms_queue: once per key, in the participant's language, refused without consent or a mobile number."""

import datetime
from unittest import mock

import pytest
import time_machine
from kombu.exceptions import OperationalError

from core.errors import DomainError
from messaging import services
from messaging.choices import BlockedReason, MessageStatus
from messaging.models import OutboundMessage
from tests.factories import OrganizationFactory, ParticipantFactory

from .factories import LoanFactory

# The clock fixed for every test here (#18): the due date in CONTEXT stays three days ahead of this fixed today.
FIXED_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


pytestmark = pytest.mark.django_db

# A fixed date on purpose, not the clock (#18): the due date the text shows ("Thu 3 Dec" in each language);
# the queue never compares it with today.
CONTEXT = {"date": datetime.date(2026, 12, 3), "link": "https://lendwise.brussels/l/abc"}


def _queue(participant, key="k1", template="loan_confirmation", **kwargs):
    return services.sms_queue(
        organization=participant.organization,
        participant=participant,
        template=template,
        context=kwargs.pop("context", CONTEXT),
        idempotency_key=key,
        **kwargs,
    )


@pytest.fixture
def org():
    return OrganizationFactory(name="De Schakel", phone="+3222150000")


def test_it_creates_a_message_once_per_idempotency_key(org):
    participant = ParticipantFactory(organization=org)
    first = _queue(participant)
    second = _queue(participant, context={**CONTEXT, "date": datetime.date(2027, 1, 1)})
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1
    assert "3/12" in second.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "De Schakel: u leent een toestel tot do 3/12."),
        ("fr", "De Schakel: appareil à rendre le jeu. 3/12."),
        ("en", "De Schakel: device on loan until Thu 3 Dec."),
        ("ar", "De Schakel: استعرت جهازًا حتى الخميس 3/12."),
    ],
)
def test_it_writes_in_the_participants_language(org, language, expected):
    participant = ParticipantFactory(organization=org, preferred_language=language)
    message = _queue(participant)
    assert message.body.startswith(expected)
    assert message.body.endswith("02 215 00 00")
    assert message.language == language
    assert message.encoding == ("ucs2" if language == "ar" else "gsm7")
    assert message.segments >= 1
    assert message.status == MessageStatus.QUEUED
    assert message.to == participant.phone.as_e164


def test_it_links_the_related_object(org):
    loan = LoanFactory(organization=org)
    message = _queue(loan.participant, related=loan)
    assert message.related == loan


@pytest.mark.parametrize(
    ("participant_kwargs", "reason"),
    [
        ({"sms_consent": False}, BlockedReason.NO_CONSENT),
        ({"phone": ""}, BlockedReason.NO_PHONE),
        ({"phone": "+3222150000"}, BlockedReason.NOT_MOBILE),  # a Brussels landline
        ({"phone": "+32471"}, BlockedReason.INVALID_NUMBER),
        ({"is_active": False}, BlockedReason.INACTIVE),
    ],
)
def test_it_stores_a_message_it_may_not_send_with_the_reason(org, participant_kwargs, reason, outbox):
    participant = ParticipantFactory(organization=org, **participant_kwargs)
    message = _queue(participant)
    assert message.status == MessageStatus.CANCELLED
    assert message.blocked_reason == reason
    assert message.get_blocked_reason_display()
    assert services.messages_send_due() == {}
    assert outbox == []


def test_it_refuses_a_participant_of_another_organisation(org):
    stranger = ParticipantFactory(organization=OrganizationFactory())
    with pytest.raises(DomainError) as error:
        services.sms_queue(
            organization=org,
            participant=stranger,
            template="loan_confirmation",
            context=CONTEXT,
            idempotency_key="k-other",
        )
    assert "participant" in error.value.fields
    assert not OutboundMessage.objects.exists()


def test_it_refuses_an_unknown_template(org):
    participant = ParticipantFactory(organization=org)
    with pytest.raises(ValueError, match="unknown SMS template"):
        _queue(participant, template="nope")
    assert not OutboundMessage.objects.exists()


def test_it_sends_after_commit(org, outbox, django_capture_on_commit_callbacks):
    participant = ParticipantFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(participant)
        assert outbox == []
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [sms["key"] for sms in outbox] == ["k1"]


def test_a_broker_outage_does_not_fail_the_request_and_the_scan_sends_it_later(
    org, outbox, django_capture_on_commit_callbacks
):
    """Checkout while the broker is down: the SMS waits in the database and the beat scan sends it."""
    participant = ParticipantFactory(organization=org)
    with mock.patch(
        "messaging.tasks.sms_send_task.apply_async", side_effect=OperationalError("broker down")
    ) as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            loan = LoanFactory(organization=org, participant=participant)
            message = _queue(participant, related=loan)
    assert enqueue.called
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert outbox == []

    assert services.messages_send_due() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(outbox) == 1
