"""SMS consent records: given and withdrawn with date, channel and who; Participant.sms_consent follows."""

import pytest

from loans.models import Loan
from messaging import services as messaging_services
from messaging.choices import MessageStatus
from organizations.models import Participant
from privacy.models import ConsentRecord
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory
from tests.messaging.factories import OutboundMessageFactory

pytestmark = pytest.mark.django_db


def _url(participant):
    return f"/api/v1/privacy/participants/{participant.pk}/consents/"


def test_withdrawing_consent_is_recorded_and_stops_queued_sms(api, org_a, volunteer_of_org_a):
    person = ParticipantFactory(organization=org_a, sms_consent=True)
    queued = OutboundMessageFactory(organization=org_a, participant=person, status=MessageStatus.QUEUED)
    response = api.as_user(volunteer_of_org_a).post(_url(person), {"given": False, "channel": "phone"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["given"], body["channel"], body["recorded_by"]) == (False, "phone", "volunteer_a")
    assert body["recorded_at"]
    person.refresh_from_db()
    assert person.sms_consent is False
    queued.refresh_from_db()
    assert (queued.status, queued.blocked_reason) == (MessageStatus.CANCELLED, "no_consent")
    response = api.as_user(volunteer_of_org_a).post(_url(person), {"given": True, "channel": "paper"}, format="json")
    person.refresh_from_db()
    assert response.status_code == 201 and person.sms_consent is True
    listed = api.as_user(volunteer_of_org_a).get(_url(person)).json()
    assert [(r["given"], r["channel"]) for r in listed] == [(True, "paper"), (False, "phone")]


def test_bad_input_names_the_field_and_writes_nothing(api, org_a, staff_of_org_a):
    person = ParticipantFactory(organization=org_a, sms_consent=True)
    client = api.as_user(staff_of_org_a)
    response = client.post(_url(person), {"given": False, "channel": "pigeon"}, format="json")
    assert response.status_code == 400 and "channel" in response.json()["fields"]
    response = client.post(_url(person), {"channel": "phone"}, format="json")
    assert response.status_code == 400 and "given" in response.json()["fields"]
    no_phone = ParticipantFactory(organization=org_a, phone="", sms_consent=False)
    response = client.post(_url(no_phone), {"given": True, "channel": "in_person"}, format="json")
    assert response.status_code == 400 and "given" in response.json()["fields"]
    assert not ConsentRecord.objects.exists()
    assert Participant.objects.get(pk=person.pk).sms_consent is True


def test_another_organisations_participant_is_not_found(api, org_b, staff_of_org_a):
    other = ParticipantFactory(organization=org_b)
    client = api.as_user(staff_of_org_a)
    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other), {"given": False, "channel": "phone"}, format="json").status_code == 404
    assert not ConsentRecord.objects.exists()


def test_a_stop_reply_is_a_consent_record(org_a):
    from django.utils import timezone

    from messaging.models import OutboundMessage

    person = ParticipantFactory(organization=org_a, phone="+32470112233", sms_consent=True)
    # The STOP answers an SMS org_a sent the number (see tests/messaging/test_stop_attribution.py).
    OutboundMessage.objects.create(
        organization=org_a,
        participant=person,
        to="+32470112233",
        language="fr",
        template="loan_confirmation",
        body="-",
        encoding="gsm7",
        segments=1,
        status="sent",
        claimed_at=timezone.now(),
        idempotency_key="test-consent-stop",
    )
    assert messaging_services.sms_opt_out_record(phone="+32470112233", text="Stop", backend="twilio") == 1
    record = ConsentRecord.objects.get(participant=person)
    assert (record.given, record.channel, record.recorded_by) == (False, "sms_keyword", None)


def test_staff_setting_consent_on_the_participant_is_recorded(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    response = client.post(
        "/api/v1/participants/",
        {"organization": org_a.pk, "display_name": "Nadia", "phone": "0470 99 88 77", "sms_consent": True},
        format="json",
    )
    assert response.status_code == 201
    pid = response.json()["id"]
    client.patch(f"/api/v1/participants/{pid}/", {"note": "mornings"}, format="json")  # no consent change
    client.patch(f"/api/v1/participants/{pid}/", {"sms_consent": False}, format="json")
    records = ConsentRecord.objects.filter(participant_id=pid).order_by("recorded_at", "id")
    assert [(r.given, r.channel, r.recorded_by) for r in records] == [
        (True, "staff_entry", staff_of_org_a),
        (False, "staff_entry", staff_of_org_a),
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Antwoord STOP op een van onze berichten"),
        ("fr", "Répondez STOP à l'un d'eux"),
        ("ar", "أرسل STOP ردًا على إحداها"),
    ],
)
def test_the_loan_card_says_how_to_withdraw(client, org_a, staff_of_org_a, language, text):
    from loans import services as loan_services

    person = ParticipantFactory(organization=org_a, preferred_language=language)
    loan = loan_services.loan_checkout(
        organization=org_a,
        participant=person,
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    token = Loan.objects.get(pk=loan.pk).public_token
    response = client.get(f"/l/{token}")
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize("channel", ["sms_keyword", "staff_entry"])
def test_channels_the_system_records_cannot_be_typed_in(api, org_a, staff_of_org_a, channel):
    person = ParticipantFactory(organization=org_a, sms_consent=True)
    response = api.as_user(staff_of_org_a).post(_url(person), {"given": False, "channel": channel}, format="json")
    assert response.status_code == 400 and "channel" in response.json()["fields"]
    assert not ConsentRecord.objects.exists() and Participant.objects.get(pk=person.pk).sms_consent is True
