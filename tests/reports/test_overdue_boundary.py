"""A loan counts as overdue in the report when it was closed after its last day of grace, that day read in
Brussels time: the report's shortcut (the next day's midnight UTC is surely late, the day's own midnight
UTC surely is not, the exact test in between) gives the exact count in winter (UTC+1) and in summer (UTC+2),
a minute either side of midnight. Bad input: a period ending before it starts is refused naming the field."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import DomainError
from loans.choices import LoanStatus
from loans.models import Loan
from reports import selectors
from reports.periods import resolve_period
from tests.factories import ParticipantFactory
from tests.loans.factories import LoanPolicyFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


def closed(org, policy, person, *, last_day: datetime.date, closed_local: datetime.datetime) -> Loan:
    """A loan due on `last_day` (no grace days) closed at `closed_local` Brussels time."""
    return Loan.objects.create(
        organization=org,
        participant=person,
        policy=policy,
        started_on=last_day - datetime.timedelta(days=28),
        due_on=last_day,
        grace_days=0,
        status=LoanStatus.RETURNED,
        closed_at=closed_local.astimezone(datetime.UTC),
    )


@pytest.mark.parametrize("last_day", [datetime.date(2026, 1, 15), datetime.date(2026, 7, 15)])
def test_late_is_judged_by_the_day_in_brussels(org_a, last_day):
    policy, person = LoanPolicyFactory(organization=org_a), ParticipantFactory(organization=org_a)
    day = datetime.datetime.combine(last_day, datetime.time(), tzinfo=BRUSSELS)
    on_time = [day.replace(hour=10), day.replace(hour=23, minute=59), day - datetime.timedelta(days=3)]
    late = [
        day + datetime.timedelta(days=1, minutes=1),  # 00:01 the next day: 23:01 or 22:01 UTC on the last day
        day + datetime.timedelta(days=1, hours=1, minutes=30),
        day + datetime.timedelta(days=4),
    ]
    for moment in on_time + late:
        closed(org_a, policy, person, last_day=last_day, closed_local=moment)
    month_end = (last_day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    report = selectors.organization_report(
        organization=org_a, period_start=last_day.replace(day=1), period_end=month_end, suppress=False
    )
    assert report["loans"]["overdue"] == len(late)


def test_a_period_ending_before_it_starts_is_refused_naming_the_field():
    with pytest.raises(DomainError) as refused:
        resolve_period(
            today=datetime.date(2026, 11, 15), start=datetime.date(2026, 3, 1), end=datetime.date(2026, 2, 1)
        )
    assert refused.value.status_code == 400 and "period_end" in refused.value.fields
