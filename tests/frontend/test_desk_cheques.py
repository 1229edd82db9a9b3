"""Digicheques at the desk (/desk/cheques/): the stock by batch with what expires soon, a new batch, a cheque
issued to a participant free or at a reduced price, redeemed after the supplier's visit, voided with a reason.
Bad input is refused next to its field with nothing written (a cheque issued twice, a redemption of a voided
cheque, a price above the cheque's value); another organisation's cheque and participant are 404."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from connectivity.choices import DigichequeStatus
from connectivity.models import Digicheque, DigichequeBatch
from connectivity.services import digicheque_batch_create, digicheque_issue
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


@pytest.fixture
def batch(org_a, staff_of_org_a):
    return digicheque_batch_create(
        organization=org_a,
        supplier="ICT students",
        unit_value=Decimal("25.00"),
        purchase_price=Decimal("200.00"),
        serial_prefix="DC-",
        first_number=1,
        last_number=3,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        by=staff_of_org_a,
    )


@pytest.fixture
def person(org_a):
    return ParticipantFactory(organization=org_a, display_name="Marc")


def _issue(desk, person, **extra):
    page = desk.get(f"/desk/participants/{person.pk}/cheques/new")
    cheque = page.context["cheque"]
    data = {"cheque": cheque.pk, "price_charged": "0"}
    data.update(extra)
    return cheque, desk.post(f"/desk/participants/{person.pk}/cheques/new", data)


def test_the_stock_shows_batches_and_what_expires_soon(desk, batch, org_b, staff_of_org_b):
    page = desk.get("/desk/cheques/").content.decode()
    assert "ICT students" in page and "200.00 €" in page and "expires soon" in page
    digicheque_batch_create(
        organization=org_b,
        supplier="Supplier of B",
        unit_value=Decimal("10"),
        purchase_price=Decimal("10"),
        first_number=1,
        last_number=1,
        by=staff_of_org_b,
    )
    assert "Supplier of B" not in desk.get("/desk/cheques/").content.decode()


def test_the_stock_lists_each_cheque_given_and_finds_one_by_serial_or_name(desk, batch, person, org_b, staff_of_org_b):
    cheque, _response = _issue(desk, person, price_charged="5")
    cheque.refresh_from_db()
    page = desk.get("/desk/cheques/")
    assert [row.pk for row in page.context["cheques"]] == [cheque.pk]  # given, not used yet: the default
    html = page.content.decode()
    assert f'href="/desk/cheques/{cheque.pk}/"' in html and cheque.masked_serial in html and "5.00 €" in html
    assert cheque.serial not in html  # masked, as everywhere in lists

    by_suffix = desk.get("/desk/cheques/", {"q": cheque.serial[-4:]})
    assert [row.pk for row in by_suffix.context["cheques"]] == [cheque.pk]
    by_name = desk.get("/desk/cheques/", {"q": "mar"})
    assert [row.pk for row in by_name.context["cheques"]] == [cheque.pk]
    in_stock = desk.get("/desk/cheques/", {"status": DigichequeStatus.IN_STOCK})
    assert len(in_stock.context["cheques"]) == 2 and in_stock.context["cheques_total"] == 2

    # Another organisation's cheque, with the same serial and a participant of the same name, is never listed.
    theirs = digicheque_batch_create(
        organization=org_b,
        supplier="B",
        unit_value=Decimal("10"),
        purchase_price=Decimal("10"),
        serial_prefix="DC-",
        first_number=1,
        last_number=1,
        by=staff_of_org_b,
    ).cheques.get()
    digicheque_issue(
        cheque=theirs,
        participant=ParticipantFactory(organization=org_b, display_name="Marc B"),
        price_charged=Decimal("0"),
        by=staff_of_org_b,
    )
    for query in ({}, {"q": "marc"}, {"q": theirs.serial[-4:]}):
        assert theirs.pk not in [row.pk for row in desk.get("/desk/cheques/", query).context["cheques"]]


def test_a_bad_cheque_search_is_a_400_naming_the_field(desk, batch):
    bad = desk.get("/desk/cheques/", {"status": "lost-in-the-post"})
    assert bad.status_code == 400 and bad.context["search"].errors["status"]
    too_long = desk.get("/desk/cheques/", {"q": "x" * 41})
    assert too_long.status_code == 400 and too_long.context["search"].errors["q"]


def test_a_batch_is_added_and_a_bad_range_is_refused_next_to_its_field(desk, org_a):
    data = {
        "organization": org_a.pk,
        "supplier": "Repair Café",
        "unit_value": "20",
        "purchase_price": "100",
        "serial_prefix": "RC-",
        "first_number": "10",
        "last_number": "14",
    }
    assert desk.post("/desk/cheques/", data).status_code == 302
    assert Digicheque.objects.filter(organization=org_a, batch__supplier="Repair Café").count() == 5
    bad = desk.post("/desk/cheques/", {**data, "supplier": "Other", "first_number": "20", "last_number": "10"})
    assert bad.status_code == 400 and bad.context["form"].errors["last_number"]
    assert not DigichequeBatch.objects.filter(supplier="Other").exists()


def test_a_cheque_is_issued_at_a_reduced_price_and_not_twice(desk, batch, person, staff_of_org_a):
    cheque, response = _issue(desk, person, price_charged="5")
    assert response.status_code == 302
    cheque.refresh_from_db()
    assert cheque.status == DigichequeStatus.ISSUED and cheque.participant == person
    assert cheque.price_charged == Decimal("5.00") and cheque.issued_by == staff_of_org_a
    again = desk.post(f"/desk/participants/{person.pk}/cheques/new", {"cheque": cheque.pk, "price_charged": "0"})
    assert again.status_code == 409 or again.status_code == 400
    assert Digicheque.objects.filter(participant=person).count() == 1  # the second submit gave nothing


def test_a_price_above_the_cheques_value_is_refused(desk, batch, person):
    cheque, response = _issue(desk, person, price_charged="30")
    assert response.status_code == 400 and response.context["form"].errors["price_charged"]
    cheque.refresh_from_db()
    assert cheque.status == DigichequeStatus.IN_STOCK


def test_redeem_then_void_is_refused_and_a_voided_cheque_is_not_redeemed(desk, batch, person):
    cheque, _response = _issue(desk, person)
    today = timezone.localdate().isoformat()
    no_purpose = desk.post(f"/desk/cheques/{cheque.pk}/redeem", {"purpose": "", "redeemed_on": today})
    assert no_purpose.status_code == 400 and no_purpose.context["redeem_form"].errors["purpose"]
    assert (
        desk.post(f"/desk/cheques/{cheque.pk}/redeem", {"purpose": "Printer set up", "redeemed_on": today}).status_code
        == 302
    )
    cheque.refresh_from_db()
    assert cheque.status == DigichequeStatus.REDEEMED and cheque.redeemed_purpose == "Printer set up"
    refused = desk.post(f"/desk/cheques/{cheque.pk}/void", {"reason": "lost"})
    assert refused.status_code == 400
    cheque.refresh_from_db()
    assert cheque.status == DigichequeStatus.REDEEMED

    other, _response = _issue(desk, person)
    no_reason = desk.post(f"/desk/cheques/{other.pk}/void", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.context["void_form"].errors["reason"]
    assert desk.post(f"/desk/cheques/{other.pk}/void", {"reason": "Lost by the participant"}).status_code == 302
    voided = desk.post(f"/desk/cheques/{other.pk}/redeem", {"purpose": "Visit", "redeemed_on": today})
    assert voided.status_code == 400
    other.refresh_from_db()
    assert other.status == DigichequeStatus.VOID and other.redeemed_on is None


def test_the_card_shows_unused_cheques_and_how_to_book(client, batch, person, desk, org_a, staff_of_org_a):
    from loans import services
    from tests.loans.factories import DeviceFactory, LoanPolicyFactory

    cheque, _response = _issue(desk, person)
    loan = services.loan_checkout(
        organization=org_a,
        participant=person,
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    card = client.get(f"/l/{loan.public_token}").content.decode()
    cheque.refresh_from_db()
    assert cheque.serial in card
    booking = card.split('id="cheque-booking"', 1)[1][:300]  # in the participant's language
    assert str(org_a.phone) in booking or "+32 2 215 00 00" in booking


def test_another_organisations_cheque_and_participant_are_404(client, batch, person, desk, staff_of_org_b):
    cheque, _response = _issue(desk, person)
    client.force_login(staff_of_org_b)
    assert client.get(f"/desk/cheques/{cheque.pk}/").status_code == 404
    assert client.get(f"/desk/participants/{person.pk}/cheques/new").status_code == 404
    assert client.post(f"/desk/cheques/{cheque.pk}/void", {"reason": "x"}).status_code == 404
    assert client.post(f"/desk/cheques/{cheque.pk}/redeem", {"purpose": "x"}).status_code == 404
    cheque.refresh_from_db()
    assert cheque.status == DigichequeStatus.ISSUED
