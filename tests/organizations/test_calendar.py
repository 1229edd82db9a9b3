"""Opening hours and closed days as data: due dates move to the next opening day (weekend, public
holiday, closure period, across the DST switch), the week in words, the holidays pre-filled, the API."""

import datetime
import importlib
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from loans import services as loan_services
from loans.models import Loan
from organizations import calendar
from organizations.choices import ClosureKind
from organizations.models import Closure, OpeningHours
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _weekdays(organization, *, days=range(5), opens=datetime.time(9), closes=datetime.time(16)):
    calendar.opening_hours_set(
        organization=organization, periods=[{"weekday": d, "opens": opens, "closes": closes} for d in days]
    )


def _closed(organization, starts_on, ends_on=None, *, kind=ClosureKind.OWN, reason="Closed"):
    return Closure.objects.create(
        organization=organization, starts_on=starts_on, ends_on=ends_on or starts_on, kind=kind, reason=reason
    )


def _lend(organization, user, *, days: int):
    policy = LoanPolicyFactory(organization=organization, period_days=days, agreement_required=False)
    return loan_services.loan_checkout(
        organization=organization,
        participant=ParticipantFactory(organization=organization),
        policy=policy,
        devices=[DeviceFactory(organization=organization)],
        by=user,
    )


# --- the due-date rule ------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2027, 1, 13, 10, tzinfo=BRUSSELS), tick=False)  # a Wednesday
def test_a_due_date_on_a_weekend_moves_to_monday(org_a, staff_of_org_a):
    _weekdays(org_a)
    loan = _lend(org_a, staff_of_org_a, days=3)  # Saturday 16 January
    assert loan.due_on == datetime.date(2027, 1, 18)
    assert loan.due_on.weekday() == 0


@time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=BRUSSELS), tick=False)
def test_the_new_years_day_loan_of_the_field_test_is_due_on_the_next_opening_day(org_a, staff_of_org_a):
    # The reported case: lent on 4 December for 28 days was due on 1 January, New Year's Day.
    _weekdays(org_a)
    calendar.public_holidays_fill(organization=org_a, years=[2026, 2027])
    loan = _lend(org_a, staff_of_org_a, days=28)
    assert loan.due_on == datetime.date(2027, 1, 4)  # Friday 1 Jan is a holiday, then the weekend


@time_machine.travel(datetime.datetime(2027, 12, 10, 10, tzinfo=BRUSSELS), tick=False)
def test_a_closure_period_pushes_the_date_past_its_last_day_and_the_weekend_after(org_a, staff_of_org_a):
    _weekdays(org_a)
    _closed(org_a, datetime.date(2027, 12, 20), datetime.date(2027, 12, 31), reason="Christmas closure")
    calendar.public_holidays_fill(organization=org_a, years=[2027, 2028])
    loan = _lend(org_a, staff_of_org_a, days=14)  # Friday 24 December
    # Closed to 31 December, 1 January 2028 is a Saturday (and New Year's Day), then Sunday.
    assert loan.due_on == datetime.date(2028, 1, 3)


@time_machine.travel(datetime.datetime(2027, 3, 27, 23, 30, tzinfo=BRUSSELS), tick=False)
def test_across_the_dst_switch_the_day_is_the_brussels_day(org_a, staff_of_org_a):
    # 23:30 on Saturday 27 March, the night clocks go forward: in UTC it is still 22:30 on the 27th and
    # at 00:30 local it is 23:30 UTC of the 27th. The loan counts from the Brussels date.
    _weekdays(org_a)
    calendar.public_holidays_fill(organization=org_a, years=[2027])
    loan = _lend(org_a, staff_of_org_a, days=1)  # Sunday 28 March, then Easter Monday 29 March
    assert loan.started_on == datetime.date(2027, 3, 27)
    assert loan.due_on == datetime.date(2027, 3, 30)
    with time_machine.travel(datetime.datetime(2027, 3, 28, 3, 30, tzinfo=BRUSSELS), tick=False):  # after the jump
        later = _lend(org_a, staff_of_org_a, days=1)
        assert later.started_on == datetime.date(2027, 3, 28)
        assert later.due_on == datetime.date(2027, 3, 30)


def test_without_any_hours_nothing_moves(org_a, staff_of_org_a):
    loan = _lend(org_a, staff_of_org_a, days=5)
    assert loan.due_on == loan_services.today() + datetime.timedelta(days=5)


def test_a_date_typed_at_the_desk_is_kept(org_a, staff_of_org_a):
    _weekdays(org_a, days=[0])  # open on Mondays only
    policy = LoanPolicyFactory(organization=org_a, period_days=7, agreement_required=False)
    typed = loan_services.today() + datetime.timedelta(days=10)
    loan = loan_services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a),
        policy=policy,
        devices=[DeviceFactory(organization=org_a)],
        due_on=typed,
        by=staff_of_org_a,
    )
    assert loan.due_on == typed


def test_a_renewal_and_a_course_end_move_too_and_reminders_follow_the_moved_date(org_a, staff_of_org_a):
    _weekdays(org_a, days=[2])  # Wednesdays only: every computed date is a Wednesday
    loan = _lend(org_a, staff_of_org_a, days=3)
    assert loan.due_on.weekday() == 2
    Loan.objects.filter(pk=loan.pk).update(max_renewals=1, renewal_days=2)
    loan.refresh_from_db()
    preview = loan_services.renewal_due_on(loan)
    renewed = loan_services.loan_renew(loan=loan, by=staff_of_org_a)
    assert renewed.due_on == preview and preview.weekday() == 2 and preview > loan.due_on

    from messaging.services import reminder_key

    assert str(renewed.due_on) in reminder_key(renewed.pk, renewed.due_on, -3)


def test_a_waiting_list_offer_expires_on_an_opening_day(org_a, staff_of_org_a):
    _weekdays(org_a, days=[3])  # Thursdays only
    DeviceFactory(organization=org_a, kind="laptop")
    entry = loan_services.waitlist_add(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a),
        device_kind="laptop",
        offer_days=2,
        by=staff_of_org_a,
    )
    entry.refresh_from_db()
    assert entry.offer_expires_on is not None and entry.offer_expires_on.weekday() == 3


# --- the week in words ------------------------------------------------------------------------------


def test_the_week_in_words_groups_days_and_follows_the_language(org_a):
    _weekdays(org_a, days=range(4))
    OpeningHours.objects.create(organization=org_a, weekday=4, opens=datetime.time(9, 30), closes=datetime.time(12))
    org_a.hours_note = "Koffie op woensdag"
    with translation.override("nl"):
        assert calendar.opening_hours_text(org_a) == "ma–do 09:00–16:00; vr 09:30–12:00; Koffie op woensdag"
    with translation.override("fr"):
        assert calendar.opening_hours_text(org_a).startswith("lun–jeu 09:00–16:00; ven 09:30–12:00")
    with translation.override("en"):
        assert calendar.opening_hours_text(org_a).startswith("Mon–Thu 09:00–16:00; Fri 09:30–12:00")


def test_is_open_at_reads_the_hours_and_the_closures(org_a):
    _weekdays(org_a)
    monday_ten = datetime.datetime(2027, 1, 11, 10, tzinfo=BRUSSELS)
    assert calendar.is_open_at(org_a, monday_ten)
    assert not calendar.is_open_at(org_a, monday_ten.replace(hour=17))
    assert not calendar.is_open_at(org_a, monday_ten + datetime.timedelta(days=5))  # Saturday
    _closed(org_a, datetime.date(2027, 1, 11))
    assert not calendar.is_open_at(org_a, monday_ten)


# --- public holidays --------------------------------------------------------------------------------


def test_public_holidays_are_filled_once_and_a_deleted_one_stays_deleted(org_a):
    added = calendar.public_holidays_fill(organization=org_a, years=[2027])
    # Belgium: 1 Jan, Easter and Easter Monday, 1 May, Ascension, Whit Sunday and Monday, 21 Jul, 15 Aug,
    # 1 and 11 Nov, 25 Dec.
    assert added == 12
    days = set(Closure.objects.filter(organization=org_a).values_list("starts_on", flat=True))
    assert {datetime.date(2027, 1, 1), datetime.date(2027, 7, 21), datetime.date(2027, 11, 11)} <= days
    Closure.objects.filter(organization=org_a, starts_on=datetime.date(2027, 11, 11)).delete()  # open that day
    assert calendar.public_holidays_fill(organization=org_a, years=[2027]) == 0
    assert not Closure.objects.filter(organization=org_a, starts_on=datetime.date(2027, 11, 11)).exists()
    assert calendar.public_holidays_fill(organization=org_a, years=[2027], only_new=False) == 1


def test_the_yearly_run_fills_this_year_and_next_for_every_organisation(org_a, org_b):
    calendar.public_holidays_fill_all(today=datetime.date(2027, 6, 1))
    for organization in (org_a, org_b):
        organization.refresh_from_db()
        assert organization.public_holidays_until == 2028
        assert Closure.objects.filter(organization=organization, starts_on=datetime.date(2028, 1, 1)).exists()


# --- the migration of the free-text hours ------------------------------------------------------------


def test_the_free_text_hours_become_rows_and_the_rest_stays_as_a_note():
    migration = importlib.import_module("organizations.migrations.0005_hours_closures")
    rows, rest = migration.parse_hours("Mon, Tue, Thu 9:00-17:00; coffee group Wed 10:00")
    assert [day for day, _o, _c in rows] == [0, 1, 3]
    assert rows[0][1:] == (datetime.time(9), datetime.time(17))
    assert rest == ["coffee group Wed 10:00"]
    rows, rest = migration.parse_hours("ma-vr 9:30-16:00")
    assert [day for day, _o, _c in rows] == [0, 1, 2, 3, 4] and rest == []
    assert migration.parse_hours("Mon-Fri 16:00-9:00") == ([], ["Mon-Fri 16:00-9:00"])


# --- the API ----------------------------------------------------------------------------------------


def test_an_admin_sets_the_week_through_the_api_and_bad_hours_change_nothing(api, org_a, admin_of_org_a):
    _weekdays(org_a, days=[0])
    client = api.as_user(admin_of_org_a)
    url = f"/api/v1/organizations/{org_a.pk}/"
    bad = {"hours": [{"weekday": 1, "opens": "12:00", "closes": "09:00"}], "hours_note": "changed"}
    response = client.patch(url, bad, format="json")
    assert response.status_code == 400 and "hours" in response.json()["fields"]
    org_a.refresh_from_db()
    assert org_a.hours_note == "" and list(org_a.hours.values_list("weekday", flat=True)) == [0]
    overlap = {
        "hours": [
            {"weekday": 1, "opens": "09:00", "closes": "12:00"},
            {"weekday": 1, "opens": "11:00", "closes": "15:00"},
        ]
    }
    assert client.patch(url, overlap, format="json").status_code == 400
    good = {
        "hours": [
            {"weekday": 1, "opens": "09:00", "closes": "12:00"},
            {"weekday": 1, "opens": "13:00", "closes": "16:00"},
        ]
    }
    response = client.patch(url, good, format="json")
    assert response.status_code == 200, response.json()
    assert [(h["weekday"], h["opens"]) for h in response.json()["hours"]] == [(1, "09:00:00"), (1, "13:00:00")]
    assert response.json()["opening_hours"]


def test_closures_through_the_api_are_scoped_and_checked(api, org_a, org_b, admin_of_org_a, staff_of_org_a):
    admin = api.as_user(admin_of_org_a)
    response = admin.post("/api/v1/closures/", {"starts_on": "2030-07-20", "ends_on": "2030-07-10"}, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()["fields"]
    assert not Closure.objects.exists()
    response = admin.post(
        "/api/v1/closures/", {"starts_on": "2030-07-10", "ends_on": "2030-07-20", "reason": "Summer"}, format="json"
    )
    assert response.status_code == 201 and response.json()["kind"] == "own"
    other = _closed(org_b, datetime.date(2030, 1, 2))
    assert admin.get(f"/api/v1/closures/{other.pk}/").status_code == 404
    assert admin.delete(f"/api/v1/closures/{other.pk}/").status_code == 404
    staff = api.as_user(staff_of_org_a)
    assert staff.get("/api/v1/closures/").json()["count"] == 1
    mine = Closure.objects.get(organization=org_a)
    assert staff.delete(f"/api/v1/closures/{mine.pk}/").status_code == 403
    assert staff.post("/api/v1/closures/public-holidays/", {"year": 2031}, format="json").status_code == 403
    assert staff.post("/api/v1/closures/", {"starts_on": "2030-08-01", "ends_on": "2030-08-01"}).status_code == 403
    admin = api.as_user(admin_of_org_a)
    response = admin.post("/api/v1/closures/public-holidays/", {"year": 2031}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["added"] == 12
    response = admin.post("/api/v1/closures/public-holidays/", {"year": "soon"}, format="json")
    assert response.status_code == 400 and "year" in response.json()["fields"]
    response = admin.post("/api/v1/closures/public-holidays/", {"year": 2031, "organization": org_b.pk}, format="json")
    assert response.status_code == 400 and "organization" in response.json()["fields"]
