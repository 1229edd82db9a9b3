"""Secrets by role: an internet code and a loan card's link (its token) never show in clear where the role may
not reveal them. Generated over every GET route of the API schema and every page of the admin registry, so a
new endpoint or admin is swept without anyone adding it here.

What is checked today: the code and the card token of organisation A's participant, for a volunteer (never in
clear anywhere; printing the agreement, whose QR code carries the link, is logged), and for staff (in clear only
as the `public_url` of the loan read alone, at the desk and in the API, each time logged in CardRevealLog); SMS
bodies that carried either are masked for everyone, and searching the SMS log does not reach into bodies.
Digicheque serials: masked everywhere (the last four characters), in clear only through a staff or admin
reveal, logged in ChequeRevealLog.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from connectivity import services as connectivity
from connectivity.models import ChequeRevealLog
from loans.models import CardRevealLog, Loan
from messaging.models import OutboundMessage
from messaging.secrets import MASK, masked_body
from tests.connectivity.factories import DigichequeFactory, EligibilityCodeFactory
from tests.factories import ParticipantFactory
from tests.messaging.factories import LoanFactory, OutboundMessageFactory

pytestmark = pytest.mark.django_db

CODE = "TEI-SECRET-7781"
SERIAL = "DC-SECRET-55501"


@pytest.fixture
def secrets(org_a, staff_of_org_a, django_capture_on_commit_callbacks):
    person = ParticipantFactory(organization=org_a, display_name="Amina", phone="+32477889900", sms_consent=True)
    code = EligibilityCodeFactory(batch__organization=org_a, code=CODE)
    connectivity.code_assign(
        code=code, participant=person, eligibility_basis="other", household_ref="Rue Haute 12", by=staff_of_org_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        connectivity.code_deliver_sms(code=code, by=staff_of_org_a)
    cheque = DigichequeFactory(batch__organization=org_a, serial=SERIAL)
    connectivity.digicheque_issue(cheque=cheque, participant=person, by=staff_of_org_a)
    loan = LoanFactory(organization=org_a, participant=person)
    reminder = OutboundMessageFactory(
        organization=org_a,
        participant=person,
        template="reminder",
        body=f"Rappel: rendez le portable. Votre carte: http://testserver/l/{loan.public_token}",
    )
    return {
        "code": code,
        "cheque": cheque,
        "loan": loan,
        "reminder": reminder,
        "ids": {code.pk, cheque.pk, loan.pk, reminder.pk, person.pk},
    }


def _get_routes():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "get" in operations and not re.search(r"\{(?!id\})[^}]+\}", path):
            yield path


def _sweep(client, secrets):
    """Every GET route of the schema (each {id} route with the ids of the secret's rows), as `client`."""
    seen = {}
    for path in _get_routes():
        ids = sorted(secrets["ids"]) if "{id}" in path else [None]
        for value in ids:
            url = path.replace("{id}", str(value)) if value else path
            response = client.get(url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            seen[url] = content.decode(errors="replace")
    return seen


def test_a_volunteer_sees_no_code_and_no_card_token_on_any_get_route(api, volunteer_of_org_a, secrets):
    token = secrets["loan"].public_token
    pages = _sweep(api.as_user(volunteer_of_org_a), secrets)
    assert len(pages) > 40
    for url, body in pages.items():
        assert CODE not in body, url
        assert token not in body, url
        assert SERIAL not in body, url
    loan = api.as_user(volunteer_of_org_a).get(f"/api/v1/loans/{secrets['loan'].pk}/").json()
    assert loan["public_url"] is None
    # the volunteer printed the agreement in the sweep: its QR code carries the link, so that is logged
    assert list(CardRevealLog.objects.values_list("by", "purpose")) == [(volunteer_of_org_a.pk, "print")]


def test_staff_see_the_card_link_on_the_loan_alone_each_time_logged_and_the_code_nowhere(api, staff_of_org_a, secrets):
    loan, token = secrets["loan"], secrets["loan"].public_token
    pages = _sweep(api.as_user(staff_of_org_a), secrets)
    for url, body in pages.items():
        assert CODE not in body, url  # a code in clear only through POST .../reveal/, which is logged
        assert SERIAL not in body, url  # a cheque serial likewise
        if token in body:
            assert url == f"/api/v1/loans/{loan.pk}/", url  # the loan read alone; never a list
    # each clear view wrote its row: the loan read once, its agreement (the QR code carries the link) once
    assert sorted(CardRevealLog.objects.values_list("loan", "by", "purpose", "where")) == [
        (loan.pk, staff_of_org_a.pk, "print", "api agreement"),
        (loan.pk, staff_of_org_a.pk, "view", "api"),
    ]
    listed = api.as_user(staff_of_org_a).get("/api/v1/loans/").json()["results"]
    assert [row["public_url"] for row in listed] == [None] * len(listed)
    assert CardRevealLog.objects.count() == 2  # the list showed no link and logged nothing


def test_the_desk_shows_the_card_link_to_staff_logged_and_to_a_volunteer_only_on_the_printed_agreement(
    persona, secrets
):
    loan, token = secrets["loan"], secrets["loan"].public_token
    page, agreement = reverse("frontend:loan", args=[loan.pk]), reverse("frontend:loan-agreement", args=[loan.pk])
    volunteer, staff = persona("volunteer_of_org_a"), persona("staff_of_org_a")
    client = Client()
    client.force_login(volunteer)
    body = client.get(page).content.decode()
    assert token not in body and 'id="card-on-agreement"' in body
    assert not CardRevealLog.objects.exists()
    assert client.get(agreement)["Content-Type"] == "application/pdf"
    client.force_login(staff)
    body = client.get(page).content.decode()
    assert f"/l/{token}" in body and 'id="card-url"' in body
    assert sorted(CardRevealLog.objects.values_list("by", "purpose", "where")) == [
        (staff.pk, "view", "desk"),
        (volunteer.pk, "print", "desk agreement"),
    ]


def test_a_revoked_card_link_is_shown_to_nobody_and_logs_nothing(api, staff_of_org_a, secrets):
    loan = secrets["loan"]
    response = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/revoke-token/")
    assert response.status_code == 200 and response.json()["public_url"] is None
    assert api.as_user(staff_of_org_a).get(f"/api/v1/loans/{loan.pk}/").json()["public_url"] is None
    assert not CardRevealLog.objects.exists()
    rotated = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/rotate-token/").json()["public_url"]
    loan.refresh_from_db()
    assert rotated.endswith(f"/l/{loan.public_token}")  # a new link, shown once, logged once
    assert list(CardRevealLog.objects.values_list("purpose", "where")) == [("view", "api")]


def test_sms_bodies_are_masked_for_every_role_and_search_does_not_reach_them(api, persona, secrets):
    for role in ("volunteer_of_org_a", "staff_of_org_a", "admin_of_org_a"):
        client = api.as_user(persona(role))
        rows = client.get("/api/v1/sms/messages/").json()["results"]
        bodies = {row["template"]: row["body"] for row in rows}
        assert CODE not in bodies["code_delivery"] and MASK in bodies["code_delivery"]
        assert secrets["loan"].public_token not in bodies["reminder"] and f"/l/{MASK}" in bodies["reminder"]
        assert client.get("/api/v1/sms/messages/", {"search": "TEI-"}).json()["count"] == 0
        detail = client.get(f"/api/v1/sms/messages/{secrets['reminder'].pk}/").json()
        assert secrets["loan"].public_token not in detail["body"]


def test_the_code_is_still_in_the_sms_that_was_sent(secrets):
    """Masking is for the log: the message itself went out with the code in it."""
    message = OutboundMessage.objects.get(template="code_delivery")
    assert CODE in message.body and CODE not in masked_body(message)


@pytest.mark.parametrize("role", ["volunteer_of_org_a", "staff_of_org_a", "admin_of_org_a"])
def test_no_admin_page_shows_the_code_or_the_card_token(persona, secrets, role):
    user = persona(role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    token = secrets["loan"].public_token
    objects = {
        Loan: secrets["loan"],
        OutboundMessage: secrets["reminder"],
        type(secrets["code"]): secrets["code"],
        type(secrets["cheque"]): secrets["cheque"],
        type(secrets["cheque"].batch): secrets["cheque"].batch,  # its inline lists the cheques
    }
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist")]
        if model in objects:
            urls.append(reverse(f"{name}_change", args=[objects[model].pk]))
        for url in urls:
            body = client.get(url).content.decode(errors="replace")
            assert CODE not in body and token not in body and SERIAL not in body, f"{role} {url}"
    search = client.get(reverse("admin:messaging_outboundmessage_changelist"), {"q": "TEI-SECRET"})
    assert "0 " in search.content.decode() or "TEI-SECRET" not in search.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("volunteer_of_org_a", 403), ("staff_of_org_a", 200), ("admin_of_org_a", 200)]
)
def test_a_cheque_serial_is_in_clear_only_through_a_logged_reveal_by_staff_and_admins(
    api, persona, secrets, role, status
):
    cheque, user = secrets["cheque"], persona(role)
    listed = api.as_user(user).get("/api/v1/connectivity/digicheques/").json()["results"]
    assert [row["masked_serial"] for row in listed] == ["•••••••••••5501"] and "serial" not in listed[0]
    response = api.as_user(user).post(f"/api/v1/connectivity/digicheques/{cheque.pk}/reveal/", {"reason": "lost paper"})
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"id": cheque.pk, "serial": SERIAL} and response["Cache-Control"] == "no-store"
        assert list(ChequeRevealLog.objects.values_list("cheque", "by", "reason")) == [
            (cheque.pk, user.pk, "lost paper")
        ]
    else:
        assert SERIAL not in response.content.decode() and not ChequeRevealLog.objects.exists()


def test_another_organisations_cheque_cannot_be_revealed_and_bad_input_is_refused(
    api, staff_of_org_b, staff_of_org_a, secrets
):
    url = f"/api/v1/connectivity/digicheques/{secrets['cheque'].pk}/reveal/"
    assert api.as_user(staff_of_org_b).post(url).status_code == 404
    response = api.as_user(staff_of_org_a).post(url, {"reason": "x" * 300}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert not ChequeRevealLog.objects.exists()


def test_bad_input_on_the_sms_log_is_a_400_naming_the_field(api, staff_of_org_a, secrets):
    response = api.as_user(staff_of_org_a).get("/api/v1/sms/messages/", {"status": "not-a-status"})
    assert response.status_code == 400
    assert "status" in str(response.json())
