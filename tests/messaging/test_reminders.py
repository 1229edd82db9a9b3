"""The reminder scan: right local day (also in DST weeks), once per loan+due date+offset, catch-up."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from messaging import services, tasks
from messaging.choices import MessageStatus
from messaging.models import OutboundMessage
from tests.factories import OrganizationFactory, ParticipantFactory

from .factories import LoanFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def _keys():
    return sorted(OutboundMessage.objects.values_list("idempotency_key", flat=True))


@pytest.fixture
def org():
    return OrganizationFactory(name="Den Teirling", phone="+3226400000")


def test_it_reminds_on_the_local_day_before_the_spring_dst_switch(org, outbox):
    """Sunday 29 March 2026, 02:00 -> 03:00. At 00:30 on Saturday in Brussels it is still Friday in UTC."""
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 3, 29), reminder_offsets=[-1, 0, 1])
    with time_machine.travel(brussels(2026, 3, 27, 23, 30), tick=False):
        tasks.sms_reminders_task()
    assert _keys() == []
    with time_machine.travel(brussels(2026, 3, 28, 0, 30), tick=False):  # 2026-03-27 23:30 UTC
        assert timezone.now().date() == datetime.date(2026, 3, 27)
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-03-29:-1"]
    with time_machine.travel(brussels(2026, 3, 29, 0, 30), tick=False):  # before the switch, UTC+1
        tasks.sms_reminders_task()
    with time_machine.travel(brussels(2026, 3, 29, 23, 30), tick=False):  # after the switch, UTC+2
        tasks.sms_reminders_task()
    with time_machine.travel(brussels(2026, 3, 30, 0, 30), tick=False):  # 2026-03-29 22:30 UTC
        assert timezone.now().date() == datetime.date(2026, 3, 29)
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-03-29:{offset}" for offset in (-1, 0, 1)]
    assert len(outbox) == 3
    assert "zo 29/3" in outbox[0]["body"] or "dim. 29/3" in outbox[0]["body"]


def test_it_reminds_on_the_local_day_around_the_autumn_dst_switch(org, outbox):
    """Sunday 25 October 2026, 03:00 -> 02:00: the day has 25 hours."""
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 10, 26), reminder_offsets=[-1, 0])
    with time_machine.travel(brussels(2026, 10, 25, 0, 30), tick=False):  # 2026-10-24 22:30 UTC (UTC+2)
        assert timezone.now().date() == datetime.date(2026, 10, 24)
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-10-26:-1"]
    with time_machine.travel(brussels(2026, 10, 25, 23, 59), tick=False):  # 22:59 UTC (UTC+1)
        tasks.sms_reminders_task()
    assert len(_keys()) == 1
    with time_machine.travel(brussels(2026, 10, 26, 0, 1), tick=False):  # 2026-10-25 23:01 UTC
        assert timezone.now().date() == datetime.date(2026, 10, 25)
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-10-26:{offset}" for offset in (-1, 0)]
    assert len(outbox) == 2


@pytest.mark.parametrize(
    ("utc_time", "sent"),
    [
        (datetime.datetime(2026, 3, 27, 7, 59, tzinfo=datetime.UTC), False),  # 08:59 winter time
        (datetime.datetime(2026, 3, 27, 8, 0, tzinfo=datetime.UTC), True),  # 09:00 winter time
        (datetime.datetime(2026, 3, 30, 6, 59, tzinfo=datetime.UTC), False),  # 08:59 summer time
        (datetime.datetime(2026, 3, 30, 7, 0, tzinfo=datetime.UTC), True),  # 09:00 summer time
        (datetime.datetime(2026, 3, 30, 17, 59, tzinfo=datetime.UTC), True),  # 19:59 summer time
        (datetime.datetime(2026, 3, 30, 18, 0, tzinfo=datetime.UTC), False),  # 20:00 summer time
    ],
)
def test_it_sends_only_within_local_sending_hours_in_both_seasons(org, outbox, settings, utc_time, sent):
    settings.SMS_SENDING_HOURS = ("09:00", "20:00")
    LoanFactory(organization=org, due_on=utc_time.date(), reminder_offsets=[0])
    with time_machine.travel(utc_time, tick=False):
        tasks.sms_reminders_task()
    assert len(outbox) == (1 if sent else 0)


def test_a_double_beat_run_sends_nothing_twice(org, outbox):
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 12, 4), reminder_offsets=[-1])
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        first = tasks.sms_reminders_task()
        second = tasks.sms_reminders_task()
    assert (first["created"], first.get("sent")) == (1, 1)
    assert (second["created"], second.get("sent")) == (0, None)
    assert [sms["key"] for sms in outbox] == [f"loan-reminder:{loan.pk}:2026-12-04:-1"]


def test_a_missed_run_catches_up_with_only_the_latest_reminder(org, outbox):
    """Nothing ran for two days: the next run sends the most recent reminder, not a burst of old ones."""
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 12, 4), reminder_offsets=[-3, -1, 0])
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        tasks.sms_reminders_task()
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-12-04:-1"]
    assert len(outbox) == 1


def test_a_missed_day_is_caught_up_the_next_day(org, outbox):
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 12, 10), reminder_offsets=[-3])
    with time_machine.travel(brussels(2026, 12, 8, 10, 0), tick=False):  # the 7th was missed
        tasks.sms_reminders_task()
    assert _keys() == [f"loan-reminder:{loan.pk}:2026-12-10:-3"]


def test_a_renewed_loan_gets_fresh_reminders_and_old_ones_are_not_resent(org, outbox):
    loan = LoanFactory(organization=org, due_on=datetime.date(2026, 12, 4), reminder_offsets=[-1, 0])
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        tasks.sms_reminders_task()
    loan.due_on = datetime.date(2026, 12, 18)  # renewed by two weeks
    loan.save()
    with time_machine.travel(brussels(2026, 12, 4, 10, 0), tick=False):
        tasks.sms_reminders_task()  # the old due date's day-0 reminder must not go out
    with time_machine.travel(brussels(2026, 12, 17, 10, 0), tick=False):
        tasks.sms_reminders_task()
        tasks.sms_reminders_task()
    assert _keys() == [
        f"loan-reminder:{loan.pk}:2026-12-04:-1",
        f"loan-reminder:{loan.pk}:2026-12-18:-1",
    ]
    assert len(outbox) == 2


def test_a_reminder_carries_the_due_date_link_and_phone_in_the_participants_language(org, outbox, settings):
    participant = ParticipantFactory(organization=org, preferred_language="nl")
    loan = LoanFactory(
        organization=org, participant=participant, due_on=datetime.date(2026, 12, 4), reminder_offsets=[-1]
    )
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        tasks.sms_reminders_task()
    assert outbox[0]["body"] == (
        f"Den Teirling: breng het toestel terug op vr 4/12. https://lendwise.brussels/l/{loan.public_token} "
        "Vragen: 02 640 00 00"
    )
    message = OutboundMessage.objects.get()
    assert (message.encoding, message.segments, message.related) == ("gsm7", 1, loan)


def test_closed_loans_and_participants_without_consent_get_no_sms(org, outbox):
    LoanFactory(
        organization=org,
        due_on=datetime.date(2026, 12, 4),
        reminder_offsets=[-1],
        status="returned",
        closed_at=timezone.now(),
    )
    no_consent = LoanFactory(
        organization=org,
        participant=ParticipantFactory(organization=org, sms_consent=False),
        due_on=datetime.date(2026, 12, 4),
        reminder_offsets=[-1],
    )
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        tasks.sms_reminders_task()
    message = OutboundMessage.objects.get()
    assert message.object_id == no_consent.pk
    assert (message.status, message.blocked_reason) == (MessageStatus.CANCELLED, "no_consent")
    assert outbox == []


def test_the_scan_uses_a_fixed_number_of_queries_for_many_loans(org, django_assert_max_num_queries):
    for _ in range(30):
        LoanFactory(organization=org, due_on=datetime.date(2026, 12, 4), reminder_offsets=[-1])
    with time_machine.travel(brussels(2026, 12, 3, 10, 0), tick=False):
        with django_assert_max_num_queries(8):
            assert services.reminders_create_due() == 30
