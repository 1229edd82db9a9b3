"""Report periods: a month, a quarter, a year, a grant's whole period or custom dates, the same in the API and
on /funder/. Without a year, the last period that is over. Bad input is a 400 naming the field. The clock is
fixed where "the last one over" matters, so no test depends on the day it runs."""

import datetime

import pytest
import time_machine
from django.test import Client

from core.errors import DomainError
from organizations.models import Grant
from reports.periods import resolve_period

TODAY = datetime.date(2026, 2, 10)


def test_each_period_has_its_first_and_last_day():
    assert resolve_period(today=TODAY, period="month", year=2024, number=2) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )
    assert resolve_period(today=TODAY, period="month", year=2025, number=12) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )
    assert resolve_period(today=TODAY, period="quarter", year=2025, number=3) == (
        datetime.date(2025, 7, 1),
        datetime.date(2025, 9, 30),
    )
    assert resolve_period(today=TODAY, period="year", year=2025) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    custom = (datetime.date(2025, 3, 4), datetime.date(2025, 5, 6))
    assert resolve_period(today=TODAY, start=custom[0], end=custom[1]) == custom
    five_years = (datetime.date(2020, 1, 1), datetime.date(2024, 12, 31))  # the longest: one day more is refused
    assert resolve_period(today=TODAY, start=five_years[0], end=five_years[1]) == five_years


def test_without_a_year_it_is_the_last_one_that_is_over():
    assert resolve_period(today=TODAY) == (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    # in the first quarter, the last quarter over is last year's fourth
    assert resolve_period(today=TODAY, period="quarter") == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    assert resolve_period(today=datetime.date(2026, 8, 1), period="quarter") == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert resolve_period(today=TODAY, period="year") == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.mark.parametrize(
    "asked,field",
    [
        ({"period": "quarter", "year": 2025, "number": 5}, "number"),
        ({"period": "month", "year": 2025}, "number"),
        ({"period": "month", "number": 3}, "year"),
        ({"period": "year", "start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 2, 1)}, "period"),
        ({"period": "custom", "start": datetime.date(2025, 1, 1)}, "period_end"),
        ({"start": datetime.date(2025, 2, 1), "end": datetime.date(2025, 1, 1)}, "period_end"),
        ({"start": datetime.date(2020, 1, 1), "end": datetime.date(2025, 1, 2)}, "period_end"),
        ({"period": "grant"}, "period"),  # no grant: a funder's or an organisation's report
    ],
)
def test_a_period_that_cannot_be_is_refused_naming_the_field(asked, field):
    with pytest.raises(DomainError) as refused:
        resolve_period(today=TODAY, **asked)
    assert refused.value.status_code == 400 and field in refused.value.fields


@pytest.fixture
def grant(funder_user, org_a) -> Grant:
    grant = Grant.objects.get(organization=org_a, funder__users=funder_user)
    Grant.objects.filter(pk=grant.pk).update(starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31))
    grant.refresh_from_db()
    return grant


@pytest.mark.django_db
def test_the_api_reports_a_year_a_quarter_and_the_grants_whole_period(api, funder_user, grant):
    client = api.as_user(funder_user)
    url = f"/api/v1/reports/grants/{grant.pk}/"
    year = client.get(url, {"period": "year", "year": 2025}).json()["period"]
    assert year == {"start": "2025-01-01", "end": "2025-12-31"}
    quarter = client.get(url, {"period": "quarter", "year": 2026, "number": 2}).json()["period"]
    assert quarter == {"start": "2026-04-01", "end": "2026-06-30"}
    whole = client.get(url, {"period": "grant"}).json()["period"]
    assert whole == {"start": "2025-09-01", "end": "2026-08-31"}

    funder_report = client.get(f"/api/v1/reports/funders/{grant.funder_id}/", {"period": "grant"})
    assert funder_report.status_code == 400 and "period" in funder_report.json()["fields"]
    bad = client.get(url, {"period": "fortnight"})
    assert bad.status_code == 400 and "period" in bad.json()["fields"]
    bad_number = client.get(url, {"period": "quarter", "year": 2026, "number": 13})
    assert bad_number.status_code == 400 and "number" in bad_number.json()["fields"]


@pytest.mark.django_db
def test_the_funder_page_shows_the_period_asked_and_links_it(funder_user, grant):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(funder_user)
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC), tick=False):
        quarter = client.get("/funder/", {"period": "quarter"})
    assert quarter.status_code == 200
    body = quarter.content.decode()
    assert "Figures from 2026-01-01 to 2026-03-31" in body
    assert "period_start=2026-01-01&amp;period_end=2026-03-31" in body

    whole = client.get("/funder/", {"period": "grant"}).content.decode()
    assert f"/api/v1/reports/grants/{grant.pk}/?format=pdf&amp;period=grant" in whole
    assert "Figures from 2025-09-01 to 2026-08-31" in whole

    bad = client.get("/funder/", {"period": "quarter", "year": 2026, "number": 7})
    assert bad.status_code == 400 and "<code>number</code>" in bad.content.decode()
