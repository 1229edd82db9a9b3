"""On-site use: sessions on devices for use in the centre (loans/services/centre.py and /desk/centre/).

The daily limit is counted per participant and per day in Brussels, so a session at 23:50 belongs to that day
and one at 00:10 to the next; at the limit a start is refused (409) unless staff give a reason, which the
session keeps. A session ends by hand or at its set length (the beat task, idempotent). Bad input: a device on
loan or not for use in the centre, an unknown age band, a participant of another organisation (400 naming the
field, nothing written). Another organisation's device and session are 404 at the desk."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from core.errors import DomainError
from inventory.choices import DeviceStatus
from loans.models import CentreSession
from loans.services import centre_session_end, centre_session_start, centre_sessions_close_due, loan_checkout
from loans.tasks import centre_sessions_close_task
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def pc(org_a):
    return DeviceFactory(organization=org_a, asset_tag="DT-PC1", centre_use=True)


@pytest.fixture
def pc2(org_a):
    return DeviceFactory(organization=org_a, asset_tag="DT-PC2", centre_use=True)


@pytest.fixture
def person(org_a):
    return ParticipantFactory(organization=org_a, display_name="Fatima")


def start(org, device, who=None, *, now, by=None, **extra):
    return centre_session_start(organization=org, device=device, participant=who, by=by, now=now, **extra)


def test_a_session_lasts_the_organisations_length_and_ends_by_itself(org_a, pc, person, staff_of_org_a):
    org_a.session_minutes = 40
    org_a.save()
    session = start(org_a, pc, person, now=at(10, 14), by=staff_of_org_a)
    assert session.ends_at == at(10, 14, 40) and session.day == datetime.date(2026, 11, 10)
    assert session.started_by == staff_of_org_a
    assert centre_sessions_close_due(now=at(10, 14, 39)) == 0
    assert centre_sessions_close_due(now=at(10, 14, 41)) == 1
    session.refresh_from_db()
    assert session.ended_at == at(10, 14, 40) and not session.ended_by_hand
    assert centre_sessions_close_due(now=at(10, 15)) == 0  # a second run changes nothing


def test_the_beat_task_closes_what_is_due(org_a, pc, person):
    with time_machine.travel(at(10, 9), tick=False):
        start(org_a, pc, person, now=at(10, 9))
    with time_machine.travel(at(10, 11), tick=False):
        assert centre_sessions_close_task() == 1
        assert centre_sessions_close_task() == 0


def test_ended_by_hand_keeps_its_own_end_and_frees_the_device(org_a, pc, person):
    session = start(org_a, pc, person, now=at(10, 14))
    assert centre_session_end(session=session, now=at(10, 14, 20))
    assert session.ended_at == at(10, 14, 20) and session.ended_by_hand
    assert not centre_session_end(session=session, now=at(10, 14, 25))  # already ended
    again = start(org_a, pc, None, now=at(10, 14, 21), visitor_age_band="65+", visitor_gender="woman")
    assert again.participant is None and again.visitor_age_band == "65+"


def test_one_session_at_a_time_on_a_device(org_a, pc, person):
    start(org_a, pc, person, now=at(10, 14))
    with pytest.raises(DomainError) as refused:
        start(org_a, pc, None, now=at(10, 14, 5))
    assert refused.value.code == "device_in_use" and "device" in refused.value.fields
    # once its set length has passed, the device is free again without anyone ending it
    start(org_a, pc, None, now=at(10, 14, 41))
    assert CentreSession.objects.filter(device=pc).count() == 2


def test_the_daily_limit_at_its_boundary(org_a, pc, person, staff_of_org_a):
    org_a.sessions_per_day = 2
    org_a.save()
    start(org_a, pc, person, now=at(10, 9))
    second = start(org_a, pc, person, now=at(10, 10))  # the second of two: allowed
    assert not second.limit_overridden
    with pytest.raises(DomainError) as refused:
        start(org_a, pc, person, now=at(10, 11))
    assert refused.value.code == "session_limit_reached" and refused.value.status_code == 409
    assert "override_reason" in refused.value.fields and "2 sessions today" in refused.value.message
    assert CentreSession.objects.filter(participant=person).count() == 2  # nothing written
    # a visitor without a file is not limited
    for hour in (11, 12, 13):
        start(org_a, pc, None, now=at(10, hour))


def test_past_the_limit_staff_override_with_a_reason_that_is_kept(org_a, pc, person, staff_of_org_a):
    org_a.sessions_per_day = 1
    org_a.save()
    start(org_a, pc, person, now=at(10, 9))
    session = start(org_a, pc, person, now=at(10, 10), by=staff_of_org_a, override_reason="  Job application due  ")
    assert session.limit_overridden and session.override_reason == "Job application due"


def test_no_limit_when_set_to_zero(org_a, pc, person):
    org_a.sessions_per_day = 0
    org_a.save()
    for hour in range(9, 14):
        assert not start(org_a, pc, person, now=at(10, hour)).limit_overridden


def test_the_limit_counts_days_in_brussels_across_midnight(org_a, pc, pc2, person):
    """23:50 on the 10th (22:50 UTC) is the 10th; 00:10 on the 11th (23:10 UTC on the 10th) is the 11th."""
    org_a.sessions_per_day = 1
    org_a.save()
    late = start(org_a, pc, person, now=at(10, 23, 50))
    assert late.day == datetime.date(2026, 11, 10)
    after_midnight = start(org_a, pc2, person, now=at(11, 0, 10))  # a new day: allowed, while the first runs
    assert after_midnight.day == datetime.date(2026, 11, 11)
    assert after_midnight.started_at.astimezone(datetime.UTC).date() == datetime.date(2026, 11, 10)
    with pytest.raises(DomainError):
        start(org_a, pc, person, now=at(11, 1))


def test_the_limit_counts_days_across_the_daylight_saving_change(org_a, pc, person):
    """25 October 2026 has 25 hours in Brussels: 00:30 and 23:30 are the same day."""
    org_a.sessions_per_day = 1
    org_a.save()
    start(org_a, pc, person, now=datetime.datetime(2026, 10, 25, 0, 30, tzinfo=BRUSSELS))
    with pytest.raises(DomainError):
        start(org_a, pc, person, now=datetime.datetime(2026, 10, 25, 23, 30, tzinfo=BRUSSELS))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": DeviceStatus.ON_LOAN}, "device"),
        ({"status": DeviceStatus.IN_REPAIR}, "device"),
        ({"centre_use": False}, "device"),
    ],
)
def test_a_device_on_loan_or_not_for_the_centre_is_refused(org_a, person, change, field):
    device = DeviceFactory(organization=org_a, **{"centre_use": True, **change})
    with pytest.raises(DomainError) as refused:
        start(org_a, device, person, now=at(10, 9))
    assert refused.value.status_code == 400 and field in refused.value.fields
    assert not CentreSession.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"visitor_age_band": "12-15"}, "visitor_age_band"),
        ({"visitor_gender": "robot"}, "visitor_gender"),
        ({"override_reason": "x" * 256}, "override_reason"),
    ],
)
def test_bad_visitor_input_names_the_field(org_a, pc, extra, field):
    with pytest.raises(DomainError) as refused:
        start(org_a, pc, None, now=at(10, 9), **extra)
    assert refused.value.status_code == 400 and field in refused.value.fields
    assert not CentreSession.objects.exists()


def test_another_organisations_participant_or_device_is_not_found(org_a, org_b, pc):
    stranger = ParticipantFactory(organization=org_b)
    with pytest.raises(DomainError) as refused:
        start(org_a, pc, stranger, now=at(10, 9))
    assert "participant" in refused.value.fields
    with pytest.raises(DomainError) as refused:
        start(org_b, pc, None, now=at(10, 9))
    assert "device" in refused.value.fields
    assert not CentreSession.objects.exists()


def test_a_device_for_the_centre_is_not_lent_home(org_a, pc, person, staff_of_org_a):
    policy = LoanPolicyFactory(organization=org_a)
    with pytest.raises(DomainError) as refused:
        loan_checkout(organization=org_a, participant=person, policy=policy, devices=[pc], by=staff_of_org_a)
    assert refused.value.code == "device_centre_use" and "devices" in refused.value.fields
    pc.refresh_from_db()
    assert pc.status == DeviceStatus.AVAILABLE


# --- the desk -----------------------------------------------------------------------------------------


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


@time_machine.travel(at(10, 14), tick=False)
def test_the_desk_shows_what_is_free_and_starts_and_ends_sessions(desk, org_a, pc, pc2, person):
    page = desk.get("/desk/centre/").content.decode()
    assert "2 free now" in page and "Start a session on DT-PC1" in page
    found = desk.get(f"/desk/centre/devices/{pc.pk}/start/", {"q": "Fatima"}).content.decode()
    assert "Start for Fatima" in found and "0 sessions today" in found
    response = desk.post(f"/desk/centre/devices/{pc.pk}/start/", {"participant": person.pk})
    assert response.status_code == 302
    page = desk.get("/desk/centre/").content.decode()
    assert "In use by Fatima until 14:40" in page and "1 free now" in page
    session = CentreSession.objects.get()
    assert desk.post(f"/desk/centre/sessions/{session.pk}/end").status_code == 302
    session.refresh_from_db()
    assert session.ended_by_hand
    response = desk.post(
        f"/desk/centre/devices/{pc2.pk}/start/", {"visitor_age_band": "30-44", "visitor_gender": "man"}
    )
    assert response.status_code == 302
    assert CentreSession.objects.filter(participant__isnull=True, visitor_gender="man").count() == 1


@time_machine.travel(at(10, 14), tick=False)
def test_the_desk_warns_past_the_limit_and_records_the_override(desk, org_a, pc, pc2, person):
    org_a.sessions_per_day = 1
    org_a.save()
    start(org_a, pc, person, now=at(10, 9))
    refused = desk.post(f"/desk/centre/devices/{pc2.pk}/start/", {"participant": person.pk})
    assert refused.status_code == 409
    assert "Fatima has had 1 session today; the limit is 1 a day." in refused.content.decode()
    assert CentreSession.objects.count() == 1
    response = desk.post(
        f"/desk/centre/devices/{pc2.pk}/start/", {"participant": person.pk, "override_reason": "Exam tomorrow"}
    )
    assert response.status_code == 302
    assert CentreSession.objects.get(device=pc2).override_reason == "Exam tomorrow"


def test_bad_input_at_the_desk_is_400_naming_the_field(desk, org_a, pc, person):
    on_loan = DeviceFactory(organization=org_a, centre_use=True, status=DeviceStatus.ON_LOAN, asset_tag="DT-LENT")
    response = desk.post(f"/desk/centre/devices/{on_loan.pk}/start/", {"participant": person.pk})
    assert response.status_code == 400 and "DT-LENT cannot be used now: it is on loan." in response.content.decode()
    response = desk.post(f"/desk/centre/devices/{pc.pk}/start/", {"visitor_age_band": "7-9"})
    assert response.status_code == 400 and "visitor_age_band" in response.context["visitor_form"].errors
    assert not CentreSession.objects.exists()


def test_rules_are_for_the_organisations_administrators(org_a, admin_of_org_a, desk):
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(admin_of_org_a)
    bad = admin.post("/desk/centre/rules/", {"organization": org_a.pk, "session_minutes": 2, "sessions_per_day": 2})
    assert bad.status_code == 400 and "session_minutes" in bad.context["rules_form"].errors
    ok = admin.post("/desk/centre/rules/", {"organization": org_a.pk, "session_minutes": 60, "sessions_per_day": 3})
    assert ok.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.session_minutes, org_a.sessions_per_day) == (60, 3)
    staff = desk.post("/desk/centre/rules/", {"organization": org_a.pk, "session_minutes": 5, "sessions_per_day": 9})
    assert staff.status_code == 404
    org_a.refresh_from_db()
    assert org_a.session_minutes == 60


def test_marking_a_device_for_the_centre_from_its_page(desk, org_a):
    device = DeviceFactory(organization=org_a)
    assert desk.post(f"/desk/devices/{device.pk}/centre-use", {"centre_use": "1"}).status_code == 302
    device.refresh_from_db()
    assert device.centre_use and device.events.filter(action="centre_use_on").exists()
    assert desk.post(f"/desk/devices/{device.pk}/centre-use", {"centre_use": "maybe"}).status_code == 302
    device.refresh_from_db()
    assert device.centre_use


def test_another_organisations_device_and_session_are_404(desk, org_b, staff_of_org_b):
    theirs = DeviceFactory(organization=org_b, centre_use=True)
    session = centre_session_start(organization=org_b, device=theirs, by=staff_of_org_b)
    assert desk.get(f"/desk/centre/devices/{theirs.pk}/start/").status_code == 404
    assert desk.post(f"/desk/centre/devices/{theirs.pk}/start/", {"visitor_gender": "man"}).status_code == 404
    assert desk.post(f"/desk/centre/sessions/{session.pk}/end").status_code == 404
    assert desk.post(f"/desk/devices/{theirs.pk}/centre-use", {"centre_use": "0"}).status_code == 404
    assert desk.get(f"/desk/centre/?organization={org_b.pk}").status_code == 404
    assert theirs.pk not in [d.pk for d in desk.get("/desk/centre/").context["devices"]]
    session.refresh_from_db()
    assert session.ended_at is None
