"""One participant at the desk: what they have, their place in the waiting lists, and lending from their page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from connectivity.choices import CodeStatus, DigichequeStatus
from inventory.choices import DeviceStatus
from loans import services
from loans.choices import WaitlistStatus
from loans.models import Loan, WaitlistEntry
from loans.services import today
from messaging.choices import MessageStatus
from organizations.services import staff_task_ensure
from tests.connectivity.factories import DigichequeFactory, EligibilityCodeFactory
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory
from tests.messaging.factories import OutboundMessageFactory

from .conftest import set_due

pytestmark = pytest.mark.django_db


def login(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def page(participant) -> str:
    return f"/desk/participants/{participant.pk}/"


def test_the_page_shows_what_the_person_has_and_nothing_of_anyone_else(staff_of_org_a, org_a, lend, participant_a):
    late = set_due(lend(devices=[DeviceFactory(organization=org_a, asset_tag="OA-LATE")]), days_from_today=-3)
    earlier = lend(devices=[DeviceFactory(organization=org_a, asset_tag="OA-BACK")])
    services.loan_return(loan=earlier, by=staff_of_org_a)
    someone_else = ParticipantFactory(organization=org_a, display_name="Someone Else")
    lend(participant=someone_else, devices=[DeviceFactory(organization=org_a, asset_tag="OA-OTHER")])
    EligibilityCodeFactory(
        batch__organization=org_a,
        participant=participant_a,
        status=CodeStatus.ASSIGNED,
        code="TEI-ABCDEF123456",
        eligibility_basis="cpas_client",
    )
    DigichequeFactory(
        batch__organization=org_a,
        participant=participant_a,
        status=DigichequeStatus.ISSUED,
        use="participant",
        serial="DC-2026-00777",
    )
    OutboundMessageFactory(
        organization=org_a, participant=participant_a, template="loan_reminder", status=MessageStatus.SENT
    )
    staff_task_ensure(
        organization=org_a,
        kind="other",
        key="call-marc",
        title="Call Marc about the charger",
        due_on=today(),
        participant=participant_a,
    )
    staff_task_ensure(
        organization=org_a,
        kind="other",
        key="call-other",
        title="Task of someone else",
        due_on=today(),
        participant=someone_else,
    )

    response = login(staff_of_org_a).get(page(participant_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Marc Dubois" in html
    assert f"/desk/loans/{late.pk}/" in html and "OA-LATE" in html and "overdue" in html
    assert f"/desk/loans/{earlier.pk}/" in html and "OA-BACK" in html and "Returned" in html
    assert "OA-OTHER" not in html and "Task of someone else" not in html
    assert "Call Marc about the charger" in html
    assert "TEI-ABCDEF" not in html and "3456" not in html and "•456" in html  # the code stays masked
    assert "DC-2026-00777" not in html and "•0777" in html  # the cheque serial masked too (#25)
    assert "Reminder of the due date" in html and "Sent" in html


def test_another_organisations_participant_is_404_and_nothing_is_written(staff_of_org_a, org_b):
    stranger = ParticipantFactory(organization=org_b)
    entry = WaitlistEntry.objects.create(organization=org_b, participant=stranger, device_kind="laptop")
    client = login(staff_of_org_a)
    assert client.get(page(stranger)).status_code == 404
    assert client.post(f"{page(stranger)}waitlist", {"device_kind": "tablet", "offer_days": 3}).status_code == 404
    assert client.post(f"{page(stranger)}waitlist/{entry.pk}/cancel").status_code == 404
    assert WaitlistEntry.objects.get().status == WaitlistStatus.WAITING
    assert WaitlistEntry.objects.count() == 1


def test_an_entry_of_another_person_cannot_be_cancelled_through_my_page(staff_of_org_a, org_a, participant_a):
    other = ParticipantFactory(organization=org_a)
    entry = WaitlistEntry.objects.create(organization=org_a, participant=other, device_kind="laptop")
    response = login(staff_of_org_a).post(f"{page(participant_a)}waitlist/{entry.pk}/cancel")
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_anonymous_users_go_to_the_login_page_and_funder_users_to_theirs(client, participant_a, funder_user):
    response = client.get(page(participant_a))
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")
    response = login(funder_user).get(page(participant_a))
    assert response.status_code == 302 and response["Location"] == "/funder/"


def test_a_volunteer_puts_someone_on_the_waiting_list_and_sees_their_place(volunteer_of_org_a, org_a, participant_a):
    first = ParticipantFactory(organization=org_a)
    WaitlistEntry.objects.create(organization=org_a, participant=first, device_kind="tablet")
    WaitlistEntry.objects.create(organization=org_a, participant=first, device_kind="laptop")  # another line
    client = login(volunteer_of_org_a)

    response = client.post(f"{page(participant_a)}waitlist", {"device_kind": "tablet", "offer_days": 5, "note": "ok"})

    assert response.status_code == 302 and response["Location"] == page(participant_a)
    entry = WaitlistEntry.objects.get(participant=participant_a)
    assert (entry.device_kind, entry.offer_days, entry.note, entry.created_by) == (
        "tablet",
        5,
        "ok",
        volunteer_of_org_a,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Added to the waiting list." in html
    assert "Waiting: number 2 in line" in html


def test_a_device_on_the_shelf_is_offered_at_once(staff_of_org_a, org_a, participant_a):
    DeviceFactory(organization=org_a, kind="tablet", asset_tag="OA-TAB9", status=DeviceStatus.AVAILABLE)
    client = login(staff_of_org_a)
    response = client.post(f"{page(participant_a)}waitlist", {"device_kind": "tablet", "offer_days": 3})
    entry = WaitlistEntry.objects.get(participant=participant_a)
    assert entry.status == WaitlistStatus.OFFERED and entry.offered_device.asset_tag == "OA-TAB9"
    html = client.get(response["Location"]).content.decode()
    expires = entry.offer_expires_on.strftime("%d/%m/%Y")
    assert f"OA-TAB9 is free now: it is kept for Marc Dubois until {expires}." in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"device_kind": "spaceship", "offer_days": 3}, "device_kind", "Select a valid choice"),
        ({"device_kind": "", "offer_days": 3}, "device_kind", "This field is required."),
        ({"device_kind": "tablet", "offer_days": 0}, "offer_days", "greater than or equal to 1"),
        ({"device_kind": "tablet", "offer_days": "soon"}, "offer_days", "Enter a whole number."),
        ({"device_kind": "tablet", "offer_days": 3, "note": "x" * 256}, "note", "at most 255 characters"),
    ],
)
def test_bad_input_is_a_400_with_the_error_next_to_the_field_and_writes_nothing(
    staff_of_org_a, participant_a, data, field, message
):
    response = login(staff_of_org_a).post(f"{page(participant_a)}waitlist", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert not WaitlistEntry.objects.exists()


def test_waiting_twice_for_one_kind_is_refused_in_my_language(staff_of_org_a, org_a, participant_a):
    WaitlistEntry.objects.create(organization=org_a, participant=participant_a, device_kind="laptop")
    response = login(staff_of_org_a, "nl").post(
        f"{page(participant_a)}waitlist", {"device_kind": "laptop", "offer_days": 3}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_device_kind_error"' in html and "staat al op de wachtlijst" in html
    assert WaitlistEntry.objects.count() == 1


def test_an_inactive_person_gets_no_form_and_a_post_is_refused(staff_of_org_a, org_a):
    gone = ParticipantFactory(organization=org_a, is_active=False)
    client = login(staff_of_org_a)
    html = client.get(page(gone)).content.decode()
    assert 'id="waitlist-form"' not in html and "nothing can be lent" in html
    assert "Lend a device to this person" not in html
    response = client.post(f"{page(gone)}waitlist", {"device_kind": "laptop", "offer_days": 3})
    assert response.status_code == 400 and "This participant is not active." in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_taking_someone_off_the_list_passes_their_device_to_the_next(staff_of_org_a, org_a, participant_a):
    device = DeviceFactory(organization=org_a, kind="tablet", asset_tag="OA-TAB1")
    mine = services.waitlist_add(organization=org_a, participant=participant_a, device_kind="tablet", by=None)
    assert mine.status == WaitlistStatus.OFFERED
    next_one = services.waitlist_add(
        organization=org_a, participant=ParticipantFactory(organization=org_a), device_kind="tablet", by=None
    )
    client = login(staff_of_org_a)

    response = client.post(f"{page(participant_a)}waitlist/{mine.pk}/cancel")

    assert response.status_code == 302
    mine.refresh_from_db()
    next_one.refresh_from_db()
    assert mine.status == WaitlistStatus.CANCELLED
    assert next_one.status == WaitlistStatus.OFFERED and next_one.offered_device == device
    assert "Taken off the waiting list." in client.get(response["Location"]).content.decode()
    again = client.post(f"{page(participant_a)}waitlist/{mine.pk}/cancel")
    assert "This waiting-list entry is already closed." in client.get(again["Location"]).content.decode()


def test_lending_from_the_persons_page_skips_the_participant_step(staff_of_org_a, org_a, participant_a, policy_a):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0200")
    client = login(staff_of_org_a)
    assert "Lend a device to this person" in client.get(page(participant_a)).content.decode()
    url = f"/desk/checkout/?participant={participant_a.pk}"
    assert "For Marc Dubois." in client.get(url).content.decode()

    step1 = client.post(url, {"tags": "OA-0200"})

    assert step1.status_code == 302
    assert step1["Location"] == f"/desk/checkout/policy/?devices={device.pk}&participant={participant_a.pk}"
    client.post(step1["Location"], {"policy": policy_a.pk})
    assert Loan.objects.get().participant == participant_a


def test_a_person_of_another_organisation_in_the_checkout_url_is_ignored(staff_of_org_a, org_a, org_b):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0201")
    stranger = ParticipantFactory(organization=org_b, display_name="Stranger Of B")
    client = login(staff_of_org_a)
    url = f"/desk/checkout/?participant={stranger.pk}"
    assert "Stranger Of B" not in client.get(url).content.decode()
    step1 = client.post(url, {"tags": "OA-0201"})
    assert step1["Location"] == f"/desk/checkout/participant/?devices={device.pk}"


def test_the_page_is_in_my_language(staff_of_org_a, participant_a):
    html = login(staff_of_org_a, "fr").get(page(participant_a)).content.decode()
    assert "Liste d’attente" in html or "Liste d'attente" in html
    assert "Rien en prêt." in html


def test_the_page_takes_the_same_number_of_queries_for_2_and_9_loans(staff_of_org_a, org_a, lend, participant_a):
    client = login(staff_of_org_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(participant_a)).status_code == 200
        return len(queries)

    lend()
    services.loan_return(loan=lend(), by=staff_of_org_a)
    WaitlistEntry.objects.create(organization=org_a, participant=participant_a, device_kind="tablet")
    one = count()
    for _ in range(4):
        lend()
    for _ in range(3):
        services.loan_return(loan=lend(), by=staff_of_org_a)
    WaitlistEntry.objects.create(organization=org_a, participant=participant_a, device_kind="laptop")
    assert count() == one == 14  # session, user, roles + 11 for the page (docs/frontend.md)


def test_links_lead_to_the_page_from_search_loan_and_today(staff_of_org_a, lend, participant_a):
    loan = set_due(lend(), days_from_today=-1)
    client = login(staff_of_org_a)
    link = f'href="{page(participant_a)}"'
    assert link in client.get("/desk/participants/?q=Marc").content.decode()
    assert link in client.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert link in client.get("/desk/").content.decode()


def test_the_waiting_list_place_counts_only_earlier_people_waiting_for_that_kind(
    staff_of_org_a, org_a, org_b, participant_a
):
    earlier = ParticipantFactory(organization=org_a)
    WaitlistEntry.objects.create(organization=org_a, participant=earlier, device_kind="laptop")
    served = WaitlistEntry.objects.create(
        organization=org_a, participant=earlier, device_kind="laptop", status=WaitlistStatus.FULFILLED
    )
    WaitlistEntry.objects.create(
        organization=org_b, participant=ParticipantFactory(organization=org_b), device_kind="laptop"
    )
    mine = WaitlistEntry.objects.create(organization=org_a, participant=participant_a, device_kind="laptop")
    WaitlistEntry.objects.create(
        organization=org_a, participant=ParticipantFactory(organization=org_a), device_kind="laptop"
    )
    assert served.pk < mine.pk
    html = login(staff_of_org_a).get(page(participant_a)).content.decode()
    assert "Waiting: number 2 in line" in html


def test_staff_correct_a_phone_and_consent_and_the_consent_change_is_recorded(staff_of_org_a, participant_a):
    from privacy.models import ConsentRecord

    participant_a.sms_consent = False
    participant_a.save()
    client = login(staff_of_org_a)
    assert "Change details" in client.get(page(participant_a)).content.decode()
    data = {
        "display_name": "  Marc D.  ",
        "phone": "0470 12 34 56",
        "preferred_language": "nl",
        "sms_consent": "on",
        "reference": "F-12",
        "note": "New phone since November",
        "age_band": "",
        "gender": "",
    }

    response = client.post(f"{page(participant_a)}edit", data)

    assert response.status_code == 302 and response["Location"] == page(participant_a)
    participant_a.refresh_from_db()
    assert (participant_a.display_name, participant_a.phone.as_e164, participant_a.preferred_language) == (
        "Marc D.",
        "+32470123456",
        "nl",
    )
    assert participant_a.sms_consent and participant_a.reference == "F-12"
    record = ConsentRecord.objects.get(participant=participant_a)
    assert record.given is True and record.recorded_by == staff_of_org_a
    client.post(f"{page(participant_a)}edit", {**data, "note": "only the note"})
    assert ConsentRecord.objects.filter(participant=participant_a).count() == 1  # consent did not change


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "valid phone number"),
        ({"display_name": "   "}, "display_name", "This field is required."),
        ({"display_name": "x" * 81}, "display_name", "at most 80 characters"),
        ({"preferred_language": "de"}, "preferred_language", "Select a valid choice"),
        ({"age_band": "ancient"}, "age_band", "Select a valid choice"),
    ],
)
def test_bad_details_are_a_400_next_to_the_field_and_change_nothing(
    staff_of_org_a, participant_a, changes, field, message
):
    data = {"display_name": "Marc", "phone": "", "preferred_language": "fr", "reference": "", "note": "", **changes}
    response = login(staff_of_org_a).post(f"{page(participant_a)}edit", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    participant_a.refresh_from_db()
    assert participant_a.display_name == "Marc Dubois" and participant_a.preferred_language == "fr"


def test_another_organisations_participant_cannot_be_edited(staff_of_org_a, org_b):
    stranger = ParticipantFactory(organization=org_b, display_name="Stranger")
    client = login(staff_of_org_a)
    assert client.get(f"{page(stranger)}edit").status_code == 404
    assert (
        client.post(f"{page(stranger)}edit", {"display_name": "Changed", "preferred_language": "fr"}).status_code == 404
    )
    stranger.refresh_from_db()
    assert stranger.display_name == "Stranger"


def test_an_anonymised_person_is_not_given_their_details_back(staff_of_org_a, org_a):
    from django.utils import timezone

    gone = ParticipantFactory(
        organization=org_a, display_name="Anonymised", phone="", is_active=False, anonymised_at=timezone.now()
    )
    data = {"display_name": "Marc Dubois", "phone": "0470 12 34 56", "preferred_language": "fr"}
    response = login(staff_of_org_a).post(f"{page(gone)}edit", data)
    assert response.status_code == 409  # as the API answers (participant_anonymised)
    assert "This person&#x27;s data was erased" in response.content.decode()
    gone.refresh_from_db()
    assert gone.display_name == "Anonymised" and not gone.phone


def test_an_entry_offered_between_the_two_reads_shows_its_status_without_a_place(staff_of_org_a, org_a, participant_a):
    from frontend.selectors import _with_places

    entry = WaitlistEntry.objects.create(organization=org_a, participant=participant_a, device_kind="laptop")
    read_before = WaitlistEntry.objects.get(pk=entry.pk)
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.CANCELLED)
    assert _with_places([read_before])[0].place is None
