import datetime

import pytest

from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import DeviceEvent
from loans.models import Loan, LoanItem
from loans.services import today
from tests.factories import ParticipantFactory

from .factories import CohortFactory, DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


def _payload(participant, policy, devices, **extra):
    return {"participant": participant.pk, "policy": policy.pk, "devices": [d.pk for d in devices], **extra}


def test_it_lends_an_available_device_and_copies_the_policy_terms(
    api, staff_of_org_a, participant_a, policy_a, device_a
):
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [device_a], accessories="charger"), format="json"
    )
    assert response.status_code == 201, response.data
    loan = Loan.objects.get(pk=response.data["id"])
    assert loan.due_on == today() + datetime.timedelta(days=28)
    assert (loan.max_renewals, loan.renewal_days, loan.reminder_offsets) == (2, 14, [-3, -1, 0, 3, 7])
    assert loan.fee_amount == 5 and loan.deposit_amount == 20
    assert loan.checked_out_by == staff_of_org_a
    assert response.data["items"][0]["asset_tag"] == "OA-0001"
    assert response.data["items"][0]["accessories"] == "charger"
    assert response.data["public_url"].endswith(f"/l/{loan.public_token}")
    device_a.refresh_from_db()
    assert device_a.status == DeviceStatus.ON_LOAN
    event = DeviceEvent.objects.get(device=device_a)
    assert (event.from_status, event.to_status, event.by) == ("available", "on_loan", staff_of_org_a)


def test_a_later_policy_change_does_not_alter_an_open_loan(lend, policy_a):
    loan = lend()
    policy_a.max_renewals = 0
    policy_a.save()
    loan.refresh_from_db()
    assert loan.max_renewals == 2


def test_it_lends_a_kit_of_several_devices(api, staff_of_org_a, participant_a, policy_a, org_a):
    kit = [
        DeviceFactory(organization=org_a),
        DeviceFactory(organization=org_a, kind=DeviceKind.ACCESSORY),
        DeviceFactory(organization=org_a, kind=DeviceKind.EID_READER),
        DeviceFactory(organization=org_a, kind=DeviceKind.MODEM_4G),
    ]
    response = api.as_user(staff_of_org_a).post("/api/v1/loans/", _payload(participant_a, policy_a, kit), format="json")
    assert response.status_code == 201, response.data
    assert len(response.data["items"]) == 4


def test_it_refuses_a_device_that_is_in_repair_and_writes_nothing(
    api, staff_of_org_a, participant_a, policy_a, org_a, device_a
):
    broken = DeviceFactory(organization=org_a, asset_tag="OA-0666", status=DeviceStatus.IN_REPAIR)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [device_a, broken]), format="json"
    )
    assert response.status_code == 409
    assert response.data["code"] == "device_not_available"
    assert "OA-0666" in response.data["detail"] and "repair" in response.data["detail"]
    assert "devices" in response.data["fields"]
    assert not Loan.objects.exists() and not LoanItem.objects.exists()
    device_a.refresh_from_db()
    assert device_a.status == DeviceStatus.AVAILABLE
    assert not DeviceEvent.objects.exists()


def test_it_refuses_a_device_already_on_loan(lend, device_a):
    lend(devices=[device_a])
    with pytest.raises(DomainError) as error:
        lend(devices=[device_a], participant=ParticipantFactory(organization=device_a.organization))
    assert error.value.code == "device_not_available"
    assert Loan.objects.count() == 1


def test_it_refuses_a_due_date_in_the_past(api, staff_of_org_a, participant_a, policy_a, device_a):
    yesterday = today() - datetime.timedelta(days=1)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [device_a], due_on=yesterday.isoformat()), format="json"
    )
    assert response.status_code == 400
    assert "due_on" in response.data["fields"]
    assert not Loan.objects.exists()


@pytest.mark.parametrize("field", ["participant", "devices", "policy"])
def test_it_refuses_another_organisations_rows(api, staff_of_org_a, participant_a, policy_a, device_a, org_b, field):
    theirs = {
        "participant": ParticipantFactory(organization=org_b),
        "devices": [DeviceFactory(organization=org_b)],
        "policy": LoanPolicyFactory(organization=org_b),
    }
    args = {"participant": participant_a, "policy": policy_a, "devices": [device_a], field: theirs[field]}
    response = api.as_user(staff_of_org_a).post("/api/v1/loans/", _payload(**args), format="json")
    assert response.status_code == 400
    assert field in response.data["fields"]
    assert not Loan.objects.exists()


def test_it_refuses_an_inactive_participant(api, staff_of_org_a, participant_a, policy_a, device_a):
    participant_a.is_active = False
    participant_a.save()
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [device_a]), format="json"
    )
    assert response.status_code == 409
    assert response.data["code"] == "participant_inactive"


def test_it_refuses_a_policy_for_another_device_kind(lend, org_a):
    tablets_only = LoanPolicyFactory(organization=org_a, device_kind=DeviceKind.TABLET)
    with pytest.raises(DomainError) as error:
        lend(policy=tablets_only)
    assert error.value.code == "policy_kind_mismatch"


def test_a_course_loan_is_due_when_the_course_ends(lend, org_a):
    course = CohortFactory(organization=org_a)
    policy = LoanPolicyFactory(organization=org_a, period_kind="cohort", period_days=None, max_renewals=0)
    loan = lend(policy=policy, cohort=course)
    assert loan.due_on == course.ends_on


def test_a_course_policy_needs_a_course(api, staff_of_org_a, participant_a, org_a, device_a):
    policy = LoanPolicyFactory(organization=org_a, period_kind="cohort", period_days=None)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy, [device_a]), format="json"
    )
    assert response.status_code == 400
    assert "cohort" in response.data["fields"]


def test_a_volunteer_can_lend(api, volunteer_of_org_a, participant_a, policy_a, device_a):
    response = api.as_user(volunteer_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [device_a]), format="json"
    )
    assert response.status_code == 201


def test_an_empty_device_list_is_refused(api, staff_of_org_a, participant_a, policy_a):
    response = api.as_user(staff_of_org_a).post("/api/v1/loans/", _payload(participant_a, policy_a, []), format="json")
    assert response.status_code == 400
    assert "devices" in response.data["fields"]
