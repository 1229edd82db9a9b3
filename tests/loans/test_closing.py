"""Return (whole loan or kit item by item), renew, lost or stolen, loan-to-own."""

import datetime

import pytest

from inventory.choices import DeviceKind, DeviceStatus
from loans.models import Loan
from loans.services import today
from tests.factories import ParticipantFactory

from .conftest import backdate
from .factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


def _status(device):
    device.refresh_from_db()
    return device.status


def test_it_takes_a_loan_back_and_makes_the_device_available(api, staff_of_org_a, lend, device_a):
    loan = lend(devices=[device_a])
    response = api.as_user(staff_of_org_a).post(
        f"/api/v1/loans/{loan.pk}/return/", {"condition": "good", "accessories_returned": "charger"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "returned" and response.data["closed_at"]
    assert response.data["items"][0]["accessories_returned"] == "charger"
    assert _status(device_a) == DeviceStatus.AVAILABLE


def test_a_damaged_device_goes_to_repair(api, staff_of_org_a, lend, device_a):
    loan = lend(devices=[device_a])
    api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/return/", {"condition": "damaged"}, format="json")
    assert _status(device_a) == DeviceStatus.IN_REPAIR


def test_a_returned_laptop_is_wiped_when_the_policy_says_so(api, staff_of_org_a, lend, device_a, org_a):
    loan = lend(devices=[device_a], policy=LoanPolicyFactory(organization=org_a, wipe_on_return=True))
    api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/return/", {}, format="json")
    assert _status(device_a) == DeviceStatus.WIPING


def test_a_kit_comes_back_item_by_item(api, staff_of_org_a, lend, org_a):
    laptop, charger = DeviceFactory(organization=org_a), DeviceFactory(organization=org_a, kind=DeviceKind.ACCESSORY)
    loan = lend(devices=[laptop, charger])
    client = api.as_user(staff_of_org_a)
    first = client.post(f"/api/v1/loans/{loan.pk}/return/", {"devices": [charger.pk]}, format="json")
    assert first.status_code == 200
    assert first.data["status"] == "active"
    assert _status(charger) == DeviceStatus.AVAILABLE and _status(laptop) == DeviceStatus.ON_LOAN
    again = client.post(f"/api/v1/loans/{loan.pk}/return/", {"devices": [charger.pk]}, format="json")
    assert again.status_code == 400 and "devices" in again.data["fields"]
    last = client.post(f"/api/v1/loans/{loan.pk}/return/", {"devices": [laptop.pk]}, format="json")
    assert last.data["status"] == "returned"


def test_it_refuses_to_return_a_returned_loan(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(staff_of_org_a)
    client.post(f"/api/v1/loans/{loan.pk}/return/", {}, format="json")
    before = Loan.history.filter(id=loan.pk).count()
    response = client.post(f"/api/v1/loans/{loan.pk}/return/", {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "loan_closed"
    assert Loan.history.filter(id=loan.pk).count() == before


def test_a_bad_condition_is_refused(api, staff_of_org_a, lend, device_a):
    loan = lend(devices=[device_a])
    response = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/return/", {"condition": "meh"}, format="json")
    assert response.status_code == 400 and "condition" in response.data["fields"]
    assert _status(device_a) == DeviceStatus.ON_LOAN


def test_it_renews_within_the_policy_limit_then_refuses(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(staff_of_org_a)
    due = loan.due_on
    for count in (1, 2):
        response = client.post(f"/api/v1/loans/{loan.pk}/renew/")
        assert response.status_code == 200
        assert response.data["renewals_count"] == count
        assert response.data["due_on"] == (due + datetime.timedelta(days=14 * count)).isoformat()
    response = client.post(f"/api/v1/loans/{loan.pk}/renew/")
    assert response.status_code == 409
    assert response.data["code"] == "renewal_limit"
    loan.refresh_from_db()
    assert loan.renewals_count == 2


def test_an_overdue_loan_is_renewed_from_today(lend):
    from loans import services

    loan = lend()
    backdate(loan, due_days_ago=5)
    loan = services.loan_renew(loan=loan, by=None)
    assert loan.due_on == today() + datetime.timedelta(days=14)


def test_renewal_is_refused_while_someone_waits_when_the_policy_says_so(api, staff_of_org_a, lend, org_a):
    from loans import services

    loan = lend(policy=LoanPolicyFactory(organization=org_a, refuse_renewal_when_waitlist=True))
    services.waitlist_add(
        organization=org_a, participant=ParticipantFactory(organization=org_a), device_kind="laptop", by=None
    )
    response = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/renew/")
    assert response.status_code == 409
    assert response.data["code"] == "waitlist_waiting"


def test_a_course_loan_cannot_be_renewed(api, staff_of_org_a, lend, org_a):
    from .factories import CohortFactory

    policy = LoanPolicyFactory(organization=org_a, period_kind="cohort", period_days=None, renewal_days=None)
    loan = lend(policy=policy, cohort=CohortFactory(organization=org_a))
    response = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/renew/")
    assert response.status_code == 409 and response.data["code"] == "not_renewable"


@pytest.mark.parametrize(("stolen", "device_status"), [(False, "lost"), (True, "stolen")])
def test_it_marks_a_loan_lost_or_stolen(api, staff_of_org_a, lend, device_a, stolen, device_status):
    loan = lend(devices=[device_a])
    response = api.as_user(staff_of_org_a).post(
        f"/api/v1/loans/{loan.pk}/lost/", {"stolen": stolen, "note": "bag stolen on the tram"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["status"] == "lost"
    assert _status(device_a) == device_status


def test_loan_to_own_gives_the_device_and_makes_a_handover_document(api, staff_of_org_a, lend, device_a):
    loan = lend(devices=[device_a])
    client = api.as_user(staff_of_org_a)
    assert client.get(f"/api/v1/loans/{loan.pk}/handover-pdf/").status_code == 404
    response = client.post(f"/api/v1/loans/{loan.pk}/give/", {"note": "keeps it after the course"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "given"
    assert _status(device_a) == DeviceStatus.GIVEN_AWAY
    pdf = client.get(f"/api/v1/loans/{loan.pk}/handover-pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.post(f"/api/v1/loans/{loan.pk}/give/").status_code == 409


def test_the_agreement_signature_is_recorded_once(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(staff_of_org_a)
    assert client.post(f"/api/v1/loans/{loan.pk}/agreement-signed/").data["agreement_signed_at"]
    assert client.post(f"/api/v1/loans/{loan.pk}/agreement-signed/").status_code == 409


def test_it_filters_overdue_loans(api, staff_of_org_a, lend):
    late, on_time = lend(), lend()
    backdate(late, due_days_ago=1)
    client = api.as_user(staff_of_org_a)
    overdue = client.get("/api/v1/loans/?overdue=true").data["results"]
    assert [row["id"] for row in overdue] == [late.pk]
    assert overdue[0]["is_overdue"] is True
    assert [row["id"] for row in client.get("/api/v1/loans/?overdue=false").data["results"]] == [on_time.pk]


def test_a_loan_due_today_is_not_overdue(lend):
    loan = lend(due_on=today())
    assert not Loan.objects.overdue(on=today()).filter(pk=loan.pk).exists()
