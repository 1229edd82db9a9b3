import datetime
from decimal import Decimal

import pytest

from core.errors import DomainError
from inventory.choices import DeviceKind
from loans import services
from loans.choices import WaitlistStatus
from loans.models import Payment, WaitlistEntry
from tests.factories import ParticipantFactory

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(org_a):
    """Two people in line for a laptop, in order."""
    first = ParticipantFactory(organization=org_a, display_name="First")
    second = ParticipantFactory(organization=org_a, display_name="Second")
    return [
        services.waitlist_add(organization=org_a, participant=person, device_kind=DeviceKind.LAPTOP, by=None)
        for person in (first, second)
    ]


def _reload(entry):
    entry.refresh_from_db()
    return entry


def test_a_returned_device_is_offered_to_the_first_in_line(lend, waiting, device_a):
    loan = lend(devices=[device_a])
    assert _reload(waiting[0]).status == WaitlistStatus.WAITING
    services.loan_return(loan=loan, by=None)
    first, second = (_reload(e) for e in waiting)
    assert first.status == WaitlistStatus.OFFERED and first.offered_device == device_a
    assert first.offer_expires_on == services.today() + datetime.timedelta(days=3)
    assert second.status == WaitlistStatus.WAITING


def test_an_offered_device_is_kept_for_that_person(lend, waiting, device_a, org_a):
    services.waitlist_offer_scan()  # device_a is available: offered to the first in line
    assert _reload(waiting[0]).offered_device == device_a
    with pytest.raises(DomainError) as error:
        lend(devices=[device_a], participant=ParticipantFactory(organization=org_a))
    assert error.value.code == "device_offered"
    loan = lend(devices=[device_a], participant=waiting[0].participant)
    first = _reload(waiting[0])
    assert first.status == WaitlistStatus.FULFILLED and first.loan == loan


def test_an_expired_offer_goes_to_the_next_person(waiting, device_a):
    services.waitlist_offer_scan()
    later = services.today() + datetime.timedelta(days=4)
    assert services.waitlist_offers_expire(on=later) == 1
    assert _reload(waiting[0]).status == WaitlistStatus.EXPIRED
    second = _reload(waiting[1])
    assert second.status == WaitlistStatus.OFFERED and second.offered_device == device_a


def test_the_api_adds_to_and_cancels_from_the_waiting_list(api, staff_of_org_a, participant_a):
    client = api.as_user(staff_of_org_a)
    response = client.post(
        "/api/v1/waitlist/", {"participant": participant_a.pk, "device_kind": "tablet"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "waiting"
    twice = client.post("/api/v1/waitlist/", {"participant": participant_a.pk, "device_kind": "tablet"}, format="json")
    assert twice.status_code == 409 and twice.data["code"] == "already_waiting"
    cancelled = client.post(f"/api/v1/waitlist/{response.data['id']}/cancel/")
    assert cancelled.data["status"] == "cancelled"
    assert client.post(f"/api/v1/waitlist/{response.data['id']}/cancel/").status_code == 409


def test_the_waiting_list_refuses_a_bad_kind(api, staff_of_org_a, participant_a):
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/waitlist/", {"participant": participant_a.pk, "device_kind": "spaceship"}, format="json"
    )
    assert response.status_code == 400 and "device_kind" in response.data["fields"]
    assert not WaitlistEntry.objects.exists()


def test_it_records_and_refunds_a_deposit(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(staff_of_org_a)
    response = client.post(
        "/api/v1/loan-payments/",
        {"loan": loan.pk, "kind": "deposit", "amount": "20.00", "method": "cash"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["received_by"] == "staff_a" and response.data["organization"] == loan.organization_id
    refund = client.post(f"/api/v1/loan-payments/{response.data['id']}/refund/")
    assert refund.status_code == 200 and refund.data["refunded_by"] == "staff_a"
    assert client.post(f"/api/v1/loan-payments/{response.data['id']}/refund/").status_code == 409
    assert client.get("/api/v1/loan-payments/?refunded=true").data["count"] == 1


@pytest.mark.parametrize(
    ("field", "value"), [("amount", "0"), ("amount", "-5"), ("kind", "fine"), ("method", "bitcoin")]
)
def test_a_bad_payment_is_refused(api, staff_of_org_a, lend, field, value):
    loan = lend()
    data = {"loan": loan.pk, "kind": "fee", "amount": "5.00", "method": "transfer", field: value}
    response = api.as_user(staff_of_org_a).post("/api/v1/loan-payments/", data, format="json")
    assert response.status_code == 400 and field in response.data["fields"]
    assert not Payment.objects.exists()


def test_a_payment_for_another_organisations_loan_is_refused(api, staff_of_org_b, lend):
    loan = lend()
    response = api.as_user(staff_of_org_b).post(
        "/api/v1/loan-payments/", {"loan": loan.pk, "kind": "fee", "amount": "5"}, format="json"
    )
    assert response.status_code == 400 and "loan" in response.data["fields"]


def test_payment_amounts_are_kept_exactly(lend):
    payment = services.payment_record(loan=lend(), kind="fee", amount=Decimal("5.10"), by=None)
    payment.refresh_from_db()
    assert payment.amount == Decimal("5.10")


def test_a_new_device_of_a_waited_kind_is_offered_by_the_daily_scan(waiting, org_a):
    from loans.tasks import loans_daily_task

    device = DeviceFactory(organization=org_a)
    assert loans_daily_task.delay().get()["offers_made"] == 1
    assert _reload(waiting[0]).offered_device == device


@pytest.mark.parametrize(("language", "word"), [("ar", "كروم"), ("nl", "chromebook"), ("fr", "chromebook")])
def test_the_offer_sms_names_the_device_in_the_participants_language(org_a, language, word):
    """Not "chromebook جاهز لك": the device kind comes from the participant's words (inventory.texts)."""
    from loans.services import _device_word
    from tests.factories import ParticipantFactory
    from tests.loans.factories import DeviceFactory

    person = ParticipantFactory(organization=org_a, preferred_language=language)
    said = _device_word(DeviceFactory(organization=org_a, kind="chromebook"), person)
    if language == "ar":
        assert any("\u0600" <= char <= "\u06ff" for char in said), said
    else:
        assert said == word
    unknown = ParticipantFactory.build(organization=org_a, preferred_language="")  # bad input: falls back to French
    assert _device_word(DeviceFactory(organization=org_a, kind="tablet"), unknown) == "tablette"
