"""Reminders and a loan's grace days: before and on the due date they count from the due date; after it
(offset > 0) from the end of the grace days, when the loan becomes overdue. The clock is fixed in every
test (time_machine, tick=False), so none depends on the day the suite runs.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from messaging import services, tasks
from messaging.models import OutboundMessage
from tests.factories import OrganizationFactory

from .factories import LoanFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
DUE = datetime.date(2027, 2, 10)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=BRUSSELS)


def _keys():
    return sorted(OutboundMessage.objects.values_list("idempotency_key", flat=True))


@pytest.fixture
def org():
    return OrganizationFactory(name="Den Teirling", phone="+3226400000")


@pytest.mark.parametrize(
    ("days_after_due", "grace", "expected"),
    [
        (-3, 3, -3),  # before the due date: as without grace
        (0, 3, 0),
        (3, 3, None),  # +3 counts from the end of the grace days: not yet
        (6, 3, 3),  # due date + 3 grace days + 3
        (10, 3, 7),
        (3, 0, 3),  # no grace: from the due date
    ],
)
def test_the_reminder_day_after_the_due_date_counts_from_the_end_of_the_grace_days(days_after_due, grace, expected):
    today = DUE + datetime.timedelta(days=days_after_due)
    assert services.reminder_offset_due([-3, 0, 3, 7], DUE, today, grace) == expected


def test_the_scan_sends_the_late_reminders_after_the_grace_days(org, outbox):
    loan = LoanFactory(organization=org, due_on=DUE, grace_days=3, reminder_offsets=[0, 3])
    plain = LoanFactory(organization=org, due_on=DUE, grace_days=0, reminder_offsets=[0, 3])
    for days in (0, 3):
        with time_machine.travel(_at(DUE + datetime.timedelta(days=days)), tick=False):
            tasks.sms_reminders_task()
    assert _keys() == sorted(
        [
            f"loan-reminder:{loan.pk}:{DUE}:0",
            f"loan-reminder:{plain.pk}:{DUE}:0",
            f"loan-reminder:{plain.pk}:{DUE}:3",
        ]
    )
    with time_machine.travel(_at(DUE + datetime.timedelta(days=6)), tick=False):
        tasks.sms_reminders_task()
    assert f"loan-reminder:{loan.pk}:{DUE}:3" in _keys() and len(_keys()) == 4
    assert len(outbox) == 4


def test_a_policy_with_grace_days_and_bad_reminder_days_is_refused_naming_the_field(api, admin_of_org_a, org_a):
    """Bad input: a policy's reminder days must be whole numbers (400 naming the field, nothing written)."""
    from loans.models import LoanPolicy

    response = api.as_user(admin_of_org_a).post(
        "/api/v1/loan-policies/",
        {"organization": org_a.pk, "name": "Odd", "period_days": 14, "grace_days": 2, "reminder_offsets": ["x"]},
        format="json",
    )
    assert response.status_code == 400 and "reminder_offsets" in response.data["fields"]
    assert not LoanPolicy.objects.filter(name="Odd").exists()
