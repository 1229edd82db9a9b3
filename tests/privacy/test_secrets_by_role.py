"""Secrets by role: an internet code and a loan card's link (its token) never show in clear where the role may
not reveal them. Generated over every GET route of the API schema and every page of the admin registry, so a
new endpoint or admin is swept without anyone adding it here.

What is checked today: the code and the card token of organisation A's participant, for a volunteer (never in
clear anywhere), and for staff (in clear only as the loan's `public_url`, their right); SMS bodies that carried
either are masked for everyone, and searching the SMS log does not reach into bodies.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from connectivity import services as connectivity
from loans.models import Loan
from messaging.models import OutboundMessage
from messaging.secrets import MASK, masked_body
from tests.connectivity.factories import EligibilityCodeFactory
from tests.factories import ParticipantFactory
from tests.messaging.factories import LoanFactory, OutboundMessageFactory

pytestmark = pytest.mark.django_db

CODE = "TEI-SECRET-7781"


@pytest.fixture
def secrets(org_a, staff_of_org_a, django_capture_on_commit_callbacks):
    person = ParticipantFactory(organization=org_a, display_name="Amina", phone="+32477889900", sms_consent=True)
    code = EligibilityCodeFactory(batch__organization=org_a, code=CODE)
    connectivity.code_assign(
        code=code, participant=person, eligibility_basis="other", household_ref="Rue Haute 12", by=staff_of_org_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        connectivity.code_deliver_sms(code=code, by=staff_of_org_a)
    loan = LoanFactory(organization=org_a, participant=person)
    reminder = OutboundMessageFactory(
        organization=org_a,
        participant=person,
        template="reminder",
        body=f"Rappel: rendez le portable. Votre carte: http://testserver/l/{loan.public_token}",
    )
    return {"code": code, "loan": loan, "reminder": reminder, "ids": {code.pk, loan.pk, reminder.pk, person.pk}}


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
    loan = api.as_user(volunteer_of_org_a).get(f"/api/v1/loans/{secrets['loan'].pk}/").json()
    assert loan["public_url"] is None


def test_staff_see_the_card_link_on_the_loan_only_and_the_code_nowhere(api, staff_of_org_a, secrets):
    token = secrets["loan"].public_token
    pages = _sweep(api.as_user(staff_of_org_a), secrets)
    for url, body in pages.items():
        assert CODE not in body, url  # a code in clear only through POST .../reveal/, which is logged
        if token in body:
            assert url.startswith("/api/v1/loans/"), url
    listed = api.as_user(staff_of_org_a).get("/api/v1/loans/").json()["results"]
    assert any(token in (row["public_url"] or "") for row in listed)


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
    objects = {Loan: secrets["loan"], OutboundMessage: secrets["reminder"], type(secrets["code"]): secrets["code"]}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist")]
        if model in objects:
            urls.append(reverse(f"{name}_change", args=[objects[model].pk]))
        for url in urls:
            body = client.get(url).content.decode(errors="replace")
            assert CODE not in body and token not in body, f"{role} {url}"
    search = client.get(reverse("admin:messaging_outboundmessage_changelist"), {"q": "TEI-SECRET"})
    assert "0 " in search.content.decode() or "TEI-SECRET" not in search.content.decode()


def test_bad_input_on_the_sms_log_is_a_400_naming_the_field(api, staff_of_org_a, secrets):
    response = api.as_user(staff_of_org_a).get("/api/v1/sms/messages/", {"status": "not-a-status"})
    assert response.status_code == 400
    assert "status" in str(response.json())
