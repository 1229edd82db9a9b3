"""Use in the centre in the report: sessions, hours and people counted from the session records (participants
once each, visitors without a file per visit), a grant's sessions those on the devices it paid for, people
reached counting session participants; small numbers suppressed with the hours and the visitors' breakdown
that would give them back; page 1 of the PDF shows at home against in the centre. Bad input: a session
count asked for a period the API refuses is a 400 naming the field."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from loans.models import CentreSession
from organizations.models import Grant
from reports import selectors
from reports.rendering import report_pdf
from tests.factories import GrantFactory, ParticipantFactory
from tests.loans.factories import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


BRUSSELS = ZoneInfo("Europe/Brussels")
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def session(device, participant=None, *, day=10, hour=10, minutes=40, **visitor):
    started = datetime.datetime(2026, 10, day, hour, tzinfo=BRUSSELS)
    return CentreSession.objects.create(
        organization=device.organization,
        device=device,
        participant=participant,
        started_at=started,
        day=started.date(),
        ends_at=started + datetime.timedelta(minutes=40),
        ended_at=started + datetime.timedelta(minutes=minutes),
        **visitor,
    )


@pytest.fixture
def room(org_a):
    """Two computers of one grant and one of none; six participants and seven visits without a file in October,
    one session the day before and one the day after it."""
    grant = GrantFactory(organization=org_a)
    paid = [DeviceFactory(organization=org_a, grant=grant, centre_use=True) for _ in range(2)]
    unpaid = DeviceFactory(organization=org_a, centre_use=True)
    people = [ParticipantFactory(organization=org_a) for _ in range(6)]
    for index, person in enumerate(people):
        session(paid[index % 2], person, day=5 + index)
        session(paid[index % 2], person, day=5 + index, hour=14, minutes=20)  # the same person twice
    for index in range(7):
        session(unpaid, day=3 + index, visitor_age_band="65+" if index < 5 else "30-44", visitor_gender="woman")
    session(paid[0], people[0], day=1, hour=0)  # 30 September 22:00 UTC: in October in Brussels
    CentreSession.objects.create(
        organization=org_a,
        device=unpaid,
        started_at=datetime.datetime(2026, 9, 30, 23, 30, tzinfo=BRUSSELS),
        day=datetime.date(2026, 9, 30),
        ends_at=datetime.datetime(2026, 10, 1, 0, 10, tzinfo=BRUSSELS),
    )
    return {"grant": grant, "people": people}


def test_the_organisation_counts_sessions_hours_and_people(org_a, room):
    report = selectors.organization_report(
        organization=org_a, period_start=OCTOBER[0], period_end=OCTOBER[1], suppress=False
    )
    centre = report["centre_use"]
    assert centre["sessions"] == 6 * 2 + 7 + 1
    assert centre["participants"] == 6 and centre["visitors"] == 7 and centre["people"] == 13
    # 7 sessions of 40 minutes and 6 of 20 (by participants), 7 of 40 (visitors): 20 + 2 + 4.67 h
    assert centre["hours"] == round((7 * 40 + 6 * 20 + 7 * 40) / 60, 1)
    assert centre["devices_used"] == 3
    assert centre["visitors_by_age_band"]["65+"] == 5 and centre["visitors_by_age_band"]["30-44"] == 2
    assert centre["visitors_by_gender"]["woman"] == 7
    assert report["people"]["reached"] == 6  # the session participants are people reached; visitors have no file


def test_a_grant_counts_the_sessions_on_its_devices(room):
    grant = Grant.objects.filter(pk=room["grant"].pk)
    report = selectors.grant_report(grants=grant, period_start=OCTOBER[0], period_end=OCTOBER[1], suppress=False)
    centre = report["centre_use"]
    assert (centre["sessions"], centre["participants"], centre["visitors"], centre["devices_used"]) == (13, 6, 0, 2)


def test_small_numbers_are_suppressed_with_what_gives_them_back(org_a, room):
    one_day = datetime.date(2026, 10, 9)
    report = selectors.organization_report(organization=org_a, period_start=one_day, period_end=one_day, suppress=True)
    centre = report["centre_use"]
    # on the 9th: none of the participants' days (5th to 10th: the 9th is person 4's), one visit
    assert centre["sessions"] == "<5" and centre["hours"] is None
    assert centre["visitors"] != 1 and centre["participants"] != 1
    assert all(cell is None for cell in centre["visitors_by_age_band"].values())
    exact = selectors.organization_report(organization=org_a, period_start=one_day, period_end=one_day, suppress=False)
    assert exact["centre_use"]["sessions"] == 3 and exact["centre_use"]["visitors"] == 1


def test_page_one_of_the_pdf_shows_home_against_the_centre(org_a, room):
    report = selectors.organization_report(
        organization=org_a, period_start=OCTOBER[0], period_end=OCTOBER[1], suppress=False
    )
    pages = PdfReader(io.BytesIO(report_pdf(report))).pages
    first = " ".join(pages[0].extract_text().split())
    assert "people at home / in the centre" in first and "0 / 13" in first
    assert "sessions in the centre (hours of use)" in first and "20 (" in first
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Use by place: people" in text and "Sessions in the centre 20" in text


def test_a_bad_period_is_refused_naming_the_field(api, admin_of_org_a, org_a, room):
    client = api.as_user(admin_of_org_a)
    response = client.get(f"/api/v1/reports/organizations/{org_a.pk}/", {"period": "decade"})
    assert response.status_code == 400 and "period" in response.json()["fields"]
