"""The desk keeps the loan policy's rules the API keeps (both through loans.services.loan_checkout):
the signed agreement a policy requires (a tick box at step 3, refused next to it when missing), what a kit
may hold (extras only, a stray device refused naming it), and overdue only after the grace days.

Dates are relative to today; nothing depends on the day the suite runs.
"""

import re

import pytest
from django.test import Client

from frontend import selectors
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import DeviceEvent
from loans.models import Loan, LoanItem
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .conftest import set_due

pytestmark = pytest.mark.django_db


def login(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _step3(participant, *devices) -> str:
    return f"/desk/checkout/policy/?devices={','.join(str(d.pk) for d in devices)}&participant={participant.pk}"


def _nothing_written(*devices):
    assert Loan.objects.count() == 0 and LoanItem.objects.count() == 0
    assert not DeviceEvent.objects.filter(device__in=devices).exists()
    for device in devices:
        device.refresh_from_db()
        assert device.status == DeviceStatus.AVAILABLE


@pytest.fixture
def signed_policy(org_a):
    return LoanPolicyFactory(organization=org_a, name="Signed laptop loan", agreement_required=True)


def _field_group(html: str, field: str) -> str:
    """The markup of one field's group at step 3: from its errors or label to the next field."""
    match = re.search(rf'<div class="field">((?:(?!<div class="field">).)*id_{field}.*?)</div>', html, re.S)
    assert match, html
    return match.group(1)


# --- the signed agreement ----------------------------------------------------------------------------


def test_the_tick_box_and_the_policies_requiring_it_are_shown(staff_of_org_a, participant_a, signed_policy, org_a):
    device = DeviceFactory(organization=org_a)
    html = login(staff_of_org_a).get(_step3(participant_a, device)).content.decode()
    assert 'type="checkbox" name="agreement_signed"' in html
    assert "Signed laptop loan (signed agreement required)" in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This policy requires the signed agreement"),
        ("nl", "Deze regeling vraagt de ondertekende overeenkomst"),
        ("fr", "Cette règle de prêt exige la convention signée"),
    ],
)
def test_an_unsigned_checkout_under_such_a_policy_is_refused_next_to_the_box_and_writes_nothing(
    staff_of_org_a, participant_a, signed_policy, org_a, language, message
):
    device = DeviceFactory(organization=org_a)
    response = login(staff_of_org_a, language).post(_step3(participant_a, device), {"policy": signed_policy.pk})
    assert response.status_code == 400
    assert message in _field_group(response.content.decode(), "agreement_signed")
    _nothing_written(device)


def test_with_the_box_ticked_the_device_leaves_signed(staff_of_org_a, participant_a, signed_policy, org_a):
    device = DeviceFactory(organization=org_a)
    response = login(staff_of_org_a).post(
        _step3(participant_a, device), {"policy": signed_policy.pk, "agreement_signed": "on"}
    )
    loan = Loan.objects.get(participant=participant_a)
    assert response.status_code == 302 and response["Location"] == f"/desk/loans/{loan.pk}/?new=1"
    assert loan.agreement_signed_at is not None
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN


def test_a_loan_opened_unsigned_is_marked_signed_from_its_page(staff_of_org_a, staff_of_org_b, lend):
    loan = lend()
    Loan.objects.filter(pk=loan.pk).update(agreement_required=True)  # as a loan made before the rule
    client = login(staff_of_org_a)
    page = client.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert "not signed yet (required)" in page and f"/desk/loans/{loan.pk}/agreement-signed" in page
    assert client.get(f"/desk/loans/{loan.pk}/agreement-signed").status_code == 405
    assert login(staff_of_org_b).post(f"/desk/loans/{loan.pk}/agreement-signed").status_code == 404
    assert Loan.objects.get(pk=loan.pk).agreement_signed_at is None

    response = client.post(f"/desk/loans/{loan.pk}/agreement-signed")
    assert response.status_code == 302
    assert Loan.objects.get(pk=loan.pk).agreement_signed_at is not None
    page = client.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert "signed on" in page and f"/desk/loans/{loan.pk}/agreement-signed" not in page
    again = client.post(f"/desk/loans/{loan.pk}/agreement-signed", follow=True).content.decode()
    assert "The agreement is already signed." in again


# --- what a kit may hold -----------------------------------------------------------------------------


@pytest.fixture
def laptop_policy(org_a):
    return LoanPolicyFactory(organization=org_a, name="Laptop only", device_kind=DeviceKind.LAPTOP)


def test_a_laptop_policy_lends_a_laptop_with_an_e_id_reader(staff_of_org_a, participant_a, laptop_policy, org_a):
    kit = [DeviceFactory(organization=org_a), DeviceFactory(organization=org_a, kind=DeviceKind.EID_READER)]
    response = login(staff_of_org_a).post(_step3(participant_a, *kit), {"policy": laptop_policy.pk})
    assert response.status_code == 302
    assert Loan.objects.get(participant=participant_a).items.count() == 2


def test_a_stray_device_in_the_kit_is_refused_naming_it_and_nothing_is_written(
    staff_of_org_a, participant_a, laptop_policy, org_a
):
    laptop = DeviceFactory(organization=org_a)
    tablet = DeviceFactory(organization=org_a, kind=DeviceKind.TABLET, asset_tag="OA-TAB-7")
    response = login(staff_of_org_a).post(_step3(participant_a, laptop, tablet), {"policy": laptop_policy.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "OA-TAB-7 (tablet) cannot go in this kit" in html
    _nothing_written(laptop, tablet)


def test_an_unknown_policy_is_a_400_naming_the_field(staff_of_org_a, participant_a, org_a, org_b):
    device = DeviceFactory(organization=org_a)
    theirs = LoanPolicyFactory(organization=org_b)
    response = login(staff_of_org_a).post(_step3(participant_a, device), {"policy": theirs.pk})
    assert response.status_code == 400
    assert "errorlist" in _field_group(response.content.decode(), "policy")
    _nothing_written(device)


# --- grace days --------------------------------------------------------------------------------------


def test_the_overdue_list_and_marks_wait_for_the_grace_days(staff_of_org_a, participant_a, org_a, lend):
    graced = LoanPolicyFactory(organization=org_a, name="Laptop with grace", grace_days=3)
    in_grace = set_due(lend(policy=graced), days_from_today=-3)  # its last day of grace is today
    past_grace = set_due(lend(policy=graced), days_from_today=-4)
    no_grace = set_due(lend(), days_from_today=-1)

    overdue = selectors.desk_today(staff_of_org_a)["overdue"]
    assert [loan.pk for loan in overdue] == [past_grace.pk, no_grace.pk]  # by the day their grace ended
    client = login(staff_of_org_a)
    today_page = client.get("/desk/").content.decode()
    assert "Overdue (2)" in today_page

    page = client.get(f"/desk/participants/{participant_a.pk}/").content.decode()
    rows = {
        loan.pk: row for loan in (in_grace, past_grace, no_grace) for row in page.split("<tr>") if f"#{loan.pk}<" in row
    }
    assert "overdue" not in rows[in_grace.pk] and 'class="late"' not in rows[in_grace.pk]
    assert "overdue" in rows[past_grace.pk] and "overdue" in rows[no_grace.pk]
