"""The staff desk: login, today, three-step checkout ending on the agreement, check-in, renew, search."""

import datetime

import pytest
from django.test import Client

from inventory.choices import DeviceStatus
from loans.choices import WaitlistStatus
from loans.models import Loan, WaitlistEntry
from loans.services import today
from organizations.models import Participant
from organizations.services import staff_task_ensure
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .conftest import set_due

pytestmark = pytest.mark.django_db


def login(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_a_member_logs_in_with_the_form_and_lands_on_today(staff_of_org_a):
    client = Client()
    response = client.post("/desk/login/", {"username": "staff_a", "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response["Location"] == "/desk/"


def test_a_funder_user_is_sent_to_the_funder_pages(funder_user):
    response = login(funder_user).get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/funder/"


def test_today_lists_due_overdue_tasks_and_offers_of_my_organisations_only(
    staff_of_org_a, org_a, org_b, lend, participant_a
):
    due = set_due(lend(), days_from_today=0)
    late = set_due(lend(), days_from_today=-4)
    staff_task_ensure(organization=org_a, kind="other", key="k1", title="Call Marc back", due_on=today())
    staff_task_ensure(organization=org_b, kind="other", key="k2", title="Secret task of B", due_on=today())
    device = DeviceFactory(organization=org_a, kind="tablet", asset_tag="OA-TAB")
    WaitlistEntry.objects.create(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a, display_name="Fatima"),
        device_kind="tablet",
        status=WaitlistStatus.OFFERED,
        offered_device=device,
        offer_expires_on=today() + datetime.timedelta(days=2),
    )
    other = ParticipantFactory(organization=org_b, display_name="Someone Of B")
    from loans import services

    services.loan_checkout(
        organization=org_b,
        participant=other,
        policy=LoanPolicyFactory(organization=org_b),
        devices=[DeviceFactory(organization=org_b)],
        by=None,
    )
    html = login(staff_of_org_a).get("/desk/").content.decode()
    assert f"/desk/loans/{due.pk}/" in html and f"/desk/loans/{late.pk}/" in html
    assert "Call Marc back" in html and "Secret task of B" not in html
    assert "Fatima" in html and "OA-TAB" in html
    assert "Someone Of B" not in html


def test_today_takes_the_same_number_of_queries_for_1_and_20_loans(staff_of_org_a, lend, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(staff_of_org_a)
    set_due(lend(), days_from_today=-1)
    with CaptureQueriesContext(connection) as one:
        client.get("/desk/")
    for _i in range(19):
        set_due(lend(), days_from_today=-1)
    with CaptureQueriesContext(connection) as many:
        client.get("/desk/")
    assert len(many) == len(one)


def test_checkout_in_three_steps_ends_on_the_agreement(staff_of_org_a, org_a, policy_a):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0042")
    client = login(staff_of_org_a)
    step1 = client.post("/desk/checkout/", {"tags": "oa-0042"})
    assert step1.status_code == 302 and f"devices={device.pk}" in step1["Location"]
    step2 = client.post(
        step1["Location"],
        {"display_name": "Amina El Idrissi", "phone": "0470 12 34 56", "preferred_language": "ar", "sms_consent": "on"},
    )
    assert step2.status_code == 302
    participant = Participant.objects.get(display_name="Amina El Idrissi")
    assert participant.organization == org_a and str(participant.phone) == "+32 470 12 34 56"
    form = client.get(step2["Location"])
    assert "Take-home laptop rental" in form.content.decode()
    step3 = client.post(step2["Location"], {"policy": policy_a.pk, "agreement_signed": "on"})
    loan = Loan.objects.get(participant=participant)
    assert step3.status_code == 302 and step3["Location"] == f"/desk/loans/{loan.pk}/?new=1"
    page = client.get(step3["Location"]).content.decode()
    assert f"/desk/loans/{loan.pk}/agreement.pdf" in page and f"/l/{loan.public_token}" in page
    pdf = client.get(f"/desk/loans/{loan.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN


def test_a_scanned_label_url_finds_the_device(staff_of_org_a, org_a):
    device = DeviceFactory(organization=org_a)
    response = login(staff_of_org_a).post("/desk/checkout/", {"tags": f"http://127.0.0.1:8000/s/{device.label_code}"})
    assert response.status_code == 302 and f"devices={device.pk}" in response["Location"]


@pytest.mark.parametrize(
    ("language", "message"), [("en", "No device “NOPE” in your organisation."), ("nl", "Geen toestel “NOPE”")]
)
def test_an_unknown_tag_is_an_error_next_to_the_field_in_my_language(staff_of_org_a, language, message):
    response = login(staff_of_org_a, language).post("/desk/checkout/", {"tags": "NOPE"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="id_tags_error"' in html and 'aria-invalid="true"' in html


def test_another_organisations_device_reads_as_not_found(staff_of_org_a, org_b):
    device = DeviceFactory(organization=org_b, asset_tag="OB-0001")
    html = login(staff_of_org_a).post("/desk/checkout/", {"tags": "OB-0001"}).content.decode()
    assert "No device “OB-0001” in your organisation." in html
    response = login(staff_of_org_a).get(f"/desk/checkout/participant/?devices={device.pk}")
    assert response.status_code == 302 and response["Location"] == "/desk/checkout/"


def test_a_device_on_loan_cannot_be_checked_out_again(staff_of_org_a, lend, device_a):
    lend(devices=[device_a])
    html = login(staff_of_org_a).post("/desk/checkout/", {"tags": "OA-0001"}).content.decode()
    assert "OA-0001 cannot be lent: it is on loan." in html


def test_a_bad_new_participant_writes_nothing(staff_of_org_a, org_a):
    device = DeviceFactory(organization=org_a)
    before = Participant.objects.count()
    response = login(staff_of_org_a).post(
        f"/desk/checkout/participant/?devices={device.pk}", {"display_name": "", "phone": "not a phone"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_display_name_error"' in html and 'id="id_phone_error"' in html
    assert Participant.objects.count() == before


def test_another_organisations_participant_or_policy_is_refused(staff_of_org_a, org_a, org_b, participant_a):
    device = DeviceFactory(organization=org_a)
    stranger = ParticipantFactory(organization=org_b)
    client = login(staff_of_org_a)
    assert client.get(f"/desk/checkout/policy/?devices={device.pk}&participant={stranger.pk}").status_code == 404
    foreign_policy = LoanPolicyFactory(organization=org_b)
    response = client.post(
        f"/desk/checkout/policy/?devices={device.pk}&participant={participant_a.pk}", {"policy": foreign_policy.pk}
    )
    assert response.status_code == 400 and 'id="id_policy_error"' in response.content.decode()
    assert not Loan.objects.exists()


def test_a_refusal_of_the_loans_service_shows_on_the_form_and_writes_nothing(staff_of_org_a, org_a, participant_a):
    from loans.choices import PeriodKind

    course_policy = LoanPolicyFactory(organization=org_a, period_kind=PeriodKind.COHORT, period_days=None)
    device = DeviceFactory(organization=org_a)
    response = login(staff_of_org_a).post(
        f"/desk/checkout/policy/?devices={device.pk}&participant={participant_a.pk}", {"policy": course_policy.pk}
    )
    html = response.content.decode()
    assert 'id="id_cohort_error"' in html and "choose the course" in html
    assert not Loan.objects.exists()
    device.refresh_from_db()
    assert device.status == DeviceStatus.AVAILABLE


def test_check_in_by_scanned_label(staff_of_org_a, lend, device_a):
    loan = lend(devices=[device_a])
    client = login(staff_of_org_a)
    response = client.post("/desk/checkin/", {"tag": f"/s/{device_a.label_code}", "condition": "good"})
    assert response.status_code == 302
    loan.refresh_from_db()
    device_a.refresh_from_db()
    assert loan.status == "returned" and device_a.status == DeviceStatus.AVAILABLE
    assert "OA-0001 taken back from Marc Dubois." in client.get(response["Location"]).content.decode()


def test_check_in_of_a_device_not_on_loan_is_an_error_next_to_the_field(staff_of_org_a, device_a):
    html = login(staff_of_org_a).post("/desk/checkin/", {"tag": "OA-0001", "condition": "good"}).content.decode()
    assert 'id="id_tag_error"' in html and "OA-0001 is not out on loan." in html


def test_check_in_of_another_organisations_device_is_not_found(staff_of_org_b, lend, device_a):
    loan = lend(devices=[device_a])
    html = login(staff_of_org_b).post("/desk/checkin/", {"tag": "OA-0001", "condition": "good"}).content.decode()
    assert "No device “OA-0001” in your organisation." in html
    loan.refresh_from_db()
    assert loan.status == "active"


def test_renew_at_the_desk(staff_of_org_a, lend):
    loan = lend()
    before = loan.due_on
    client = login(staff_of_org_a)
    from django.utils.formats import date_format

    from loans.services import renewal_due_on

    asked = client.get(f"/desk/loans/{loan.pk}/renew")  # a confirmation first, with the new date
    assert asked.status_code == 200
    new_date = date_format(renewal_due_on(loan), "DATE_FORMAT")
    assert f"Renew until {new_date}" in asked.content.decode()
    loan.refresh_from_db()
    assert loan.renewals_count == 0 and loan.due_on == before  # asking writes nothing
    response = client.post(f"/desk/loans/{loan.pk}/renew")
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.renewals_count == 1 and loan.due_on > before
    page = client.get(response["Location"]).content.decode()
    assert f"loan is now due on {new_date}" in page


def test_another_organisations_loan_is_404(staff_of_org_b, lend):
    loan = lend()
    client = login(staff_of_org_b)
    assert client.get(f"/desk/loans/{loan.pk}/").status_code == 404
    assert client.get(f"/desk/loans/{loan.pk}/agreement.pdf").status_code == 404
    assert client.post(f"/desk/loans/{loan.pk}/renew").status_code == 404
    loan.refresh_from_db()
    assert loan.renewals_count == 0


def test_participant_search_finds_mine_only_with_their_open_loans(staff_of_org_a, lend, org_b):
    loan = lend()
    ParticipantFactory(organization=org_b, display_name="Marc Other")
    html = login(staff_of_org_a).get("/desk/participants/?q=marc").content.decode()
    assert "Marc Dubois" in html and f"/desk/loans/{loan.pk}/" in html and "Marc Other" not in html


def test_participant_search_takes_the_same_number_of_queries_for_1_and_20_people(staff_of_org_a, org_a, lend):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(staff_of_org_a)
    lend(participant=ParticipantFactory(organization=org_a, display_name="Anna 0"))
    with CaptureQueriesContext(connection) as one:
        client.get("/desk/participants/?q=anna")
    for n in range(1, 20):
        lend(participant=ParticipantFactory(organization=org_a, display_name=f"Anna {n}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/desk/participants/?q=anna")
    assert len(many) == len(one)


def test_labels_for_typed_tags(staff_of_org_a, device_a):
    client = login(staff_of_org_a)
    response = client.post("/desk/labels/", {"tags": "OA-0001"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    bad = client.post("/desk/labels/", {"tags": "OA-0001 ZZ-9"})
    assert "Not found in your organisation: ZZ-9" in bad.content.decode()


def test_a_volunteer_can_check_out_and_in(volunteer_of_org_a, org_a, policy_a, participant_a):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0100")
    client = login(volunteer_of_org_a)
    step1 = client.post("/desk/checkout/", {"tags": "OA-0100"})
    step3 = client.post(
        f"/desk/checkout/policy/?devices={device.pk}&participant={participant_a.pk}", {"policy": policy_a.pk}
    )
    assert step1.status_code == 302 and step3.status_code == 302
    assert client.post("/desk/checkin/", {"tag": "OA-0100", "condition": "damaged"}).status_code == 302
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_REPAIR


def test_the_desk_speaks_the_language_chosen_in_the_header(staff_of_org_a):
    client = login(staff_of_org_a)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/desk/"})
    assert response.status_code == 302
    html = client.get("/desk/").content.decode()
    assert '<html lang="fr">' in html and "Prêter un appareil" in html


def test_a_user_without_organisation_or_funder_gets_403(db):
    from tests.factories import UserFactory

    assert login(UserFactory(username="nobody")).get("/desk/").status_code == 403
