"""The desk page for opening hours and closed days: members read, administrators change; bad input is shown
next to its field and changes nothing; another organisation's is 404."""

import datetime

import pytest
from django.test import Client

from organizations import calendar
from organizations.choices import ClosureKind
from organizations.models import Closure, OpeningHours
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _week(**values) -> dict:
    data = {f"d{d}_{i}_{end}": "" for d in range(7) for i in range(2) for end in ("opens", "closes")}
    data.update(values)
    return data


def test_an_administrator_sets_two_periods_a_day_and_the_week_reads_in_words(org_a, admin_of_org_a):
    client = _client(admin_of_org_a)
    data = _week(d0_0_opens="09:00", d0_0_closes="12:00", d0_1_opens="13:00", d0_1_closes="16:00", hours_note="Koffie")
    response = client.post(f"/desk/hours/?organization={org_a.pk}", data)
    assert response.status_code == 302
    assert list(OpeningHours.objects.filter(organization=org_a).values_list("weekday", "opens", "closes")) == [
        (0, datetime.time(9), datetime.time(12)),
        (0, datetime.time(13), datetime.time(16)),
    ]
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mon 09:00–12:00, 13:00–16:00; Koffie" in page
    assert 'value="13:00"' in page  # the form shows what is saved


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"d1_0_opens": "12:00", "d1_0_closes": "09:00"}, "d1_0_closes", "after the opening time"),
        ({"d2_0_opens": "09:00"}, "d2_0_closes", "Give both times"),
        (
            {"d3_0_opens": "09:00", "d3_0_closes": "13:00", "d3_1_opens": "12:00", "d3_1_closes": "16:00"},
            "d3_1_opens",
            "overlap",
        ),
        ({"d4_0_opens": "nine", "d4_0_closes": "16:00"}, "d4_0_opens", "valid time"),
    ],
)
def test_bad_hours_are_shown_next_to_their_field_and_change_nothing(org_a, admin_of_org_a, values, field, message):
    calendar.opening_hours_set(
        organization=org_a, periods=[{"weekday": 0, "opens": datetime.time(8), "closes": datetime.time(10)}]
    )
    response = _client(admin_of_org_a).post(f"/desk/hours/?organization={org_a.pk}", _week(hours_note="x", **values))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    org_a.refresh_from_db()
    assert org_a.hours_note == ""
    assert list(OpeningHours.objects.filter(organization=org_a).values_list("weekday", flat=True)) == [0]


def test_closed_days_are_added_listed_and_removed_and_a_reversed_period_is_refused(org_a, admin_of_org_a):
    client = _client(admin_of_org_a)
    soon = datetime.date.today() + datetime.timedelta(days=20)
    response = client.post(
        "/desk/hours/closures/",
        {"organization": org_a.pk, "starts_on": soon.isoformat(), "ends_on": (soon - datetime.timedelta(days=2))},
    )
    assert response.status_code == 400 and 'id="id_ends_on_error"' in response.content.decode()
    assert not Closure.objects.exists()
    response = client.post(
        "/desk/hours/closures/", {"organization": org_a.pk, "starts_on": soon.isoformat(), "reason": "Team day"}
    )
    assert response.status_code == 302
    closure = Closure.objects.get(organization=org_a)
    assert (closure.starts_on, closure.ends_on, closure.kind) == (soon, soon, ClosureKind.OWN)
    assert "Team day" in client.get(response.url).content.decode()
    assert client.post(f"/desk/hours/closures/{closure.pk}/remove").status_code == 302
    assert not Closure.objects.exists()


def test_the_public_holidays_of_a_year_are_added_from_the_page(org_a, admin_of_org_a):
    year = datetime.date.today().year + 1
    response = _client(admin_of_org_a).post("/desk/hours/public-holidays/", {"organization": org_a.pk, "year": year})
    assert response.status_code == 302
    assert Closure.objects.filter(organization=org_a, kind=ClosureKind.HOLIDAY, starts_on__year=year).count() == 12
    response = _client(admin_of_org_a).post("/desk/hours/public-holidays/", {"organization": org_a.pk, "year": "x"})
    assert response.status_code == 302
    assert Closure.objects.filter(organization=org_a).count() == 12


def test_staff_read_the_hours_but_cannot_change_them(org_a, staff_of_org_a):
    client = _client(staff_of_org_a)
    page = client.get("/desk/hours/")
    assert page.status_code == 200 and "hours-form" not in page.content.decode()
    assert client.post("/desk/hours/", _week(d0_0_opens="09:00", d0_0_closes="12:00")).status_code == 403
    assert client.post("/desk/hours/closures/", {"starts_on": "2030-01-02"}).status_code == 403
    assert not OpeningHours.objects.exists() and not Closure.objects.exists()


def test_another_organisations_hours_and_closures_are_not_found(org_a, org_b, admin_of_org_a):
    client = _client(admin_of_org_a)
    other = Closure.objects.create(
        organization=org_b, starts_on=datetime.date(2030, 1, 2), ends_on=datetime.date(2030, 1, 2)
    )
    assert client.get(f"/desk/hours/?organization={org_b.pk}").status_code == 404
    assert client.get("/desk/hours/?organization=abc").status_code == 404
    assert client.post(f"/desk/hours/?organization={org_b.pk}", _week()).status_code == 404
    assert (
        client.post("/desk/hours/closures/", {"organization": org_b.pk, "starts_on": "2030-01-03"}).status_code == 404
    )
    assert client.post(f"/desk/hours/closures/{other.pk}/remove").status_code == 404
    assert client.post("/desk/hours/public-holidays/", {"organization": org_b.pk, "year": 2030}).status_code == 404
    assert Closure.objects.filter(organization=org_b).count() == 1


def test_a_member_of_two_organisations_chooses_which(org_a, org_b, admin_of_org_a):
    MembershipFactory(user=admin_of_org_a, organization=org_b, role="staff")
    client = _client(admin_of_org_a)
    page = client.get(f"/desk/hours/?organization={org_b.pk}").content.decode()
    assert "Org B" in page and 'id="id_organization"' in page and "hours-form" not in page  # staff there


def test_the_page_takes_the_same_queries_for_many_closures(org_a, admin_of_org_a, django_assert_max_num_queries):
    client = _client(admin_of_org_a)
    client.get("/desk/hours/")
    counts = []
    for extra in (1, 40):
        start = datetime.date(2031, 1, 1)
        Closure.objects.bulk_create(
            Closure(
                organization=org_a,
                starts_on=start + datetime.timedelta(days=3 * n),
                ends_on=start + datetime.timedelta(days=3 * n),
            )
            for n in range(len(counts) * 100, len(counts) * 100 + extra)
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/desk/hours/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
