"""What the Schemathesis run found, pinned one by one so a fix cannot quietly come undone."""

import datetime

import pytest

from tests.inventory.factories import DeviceFactory
from tests.loans.factories import CohortFactory

pytestmark = pytest.mark.django_db


def test_a_course_moved_later_as_a_whole_is_saved_not_a_500(api, staff_of_org_a, org_a):
    course = CohortFactory(organization=org_a, starts_on=datetime.date(2026, 1, 5), ends_on=datetime.date(2026, 3, 1))
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/cohorts/{course.pk}/", {"starts_on": "2026-09-01", "ends_on": "2026-11-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    course.refresh_from_db()
    assert (course.starts_on, course.ends_on) == (datetime.date(2026, 9, 1), datetime.date(2026, 11, 1))


def test_a_course_moved_earlier_as_a_whole_is_saved(api, staff_of_org_a, org_a):
    course = CohortFactory(organization=org_a, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 11, 1))
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/cohorts/{course.pk}/", {"starts_on": "2026-01-05", "ends_on": "2026-03-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    course.refresh_from_db()
    assert (course.starts_on, course.ends_on) == (datetime.date(2026, 1, 5), datetime.date(2026, 3, 1))


def test_a_course_ending_before_it_starts_is_a_400_naming_the_field(api, staff_of_org_a, org_a):
    course = CohortFactory(organization=org_a)
    before = (course.starts_on, course.ends_on)
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/cohorts/{course.pk}/", {"starts_on": "2026-09-01", "ends_on": "2026-08-01"}, format="json"
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()["fields"]
    course.refresh_from_db()
    assert (course.starts_on, course.ends_on) == before


def test_a_label_sheet_for_a_number_past_64_bits_is_a_400_not_a_500(api, staff_of_org_a, org_a):
    device = DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/devices/labels/", {"devices": [device.pk, 2**80]}, format="json"
    )
    assert response.status_code == 400
    assert "devices.1" in response.json()["fields"]


def test_a_value_across_an_empty_relation_is_null_also_after_a_patch(api, staff_of_org_a, org_a):
    device = DeviceFactory(organization=org_a, grant=None, donor=None)
    response = api.as_user(staff_of_org_a).patch(f"/api/v1/devices/{device.pk}/", {"make": "Dell"}, format="json")
    assert response.status_code == 200
    assert response.json()["grant_name"] is None and response.json()["donor_name"] is None


def test_the_schema_documents_the_error_answers_in_their_shape(api, staff_of_org_a):
    schema = api.as_user(staff_of_org_a).get("/api/schema/?format=json").json()
    loans = schema["paths"]["/api/v1/loans/{id}/return/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(loans)
    assert loans["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    public = schema["paths"]["/api/v1/public/loans/{token}/"]["get"]["responses"]
    assert {"200", "404", "429"} <= set(public) and "401" not in public
    assert "post" not in schema["paths"]["/api/v1/staff-tasks/"]  # tasks come from the scans only
    sender = schema["components"]["schemas"]["Organization"]["properties"]["sms_sender_name"]
    assert "oneOf" not in sender and sender["pattern"]
