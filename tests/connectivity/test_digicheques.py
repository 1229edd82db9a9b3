"""Digicheques: batches, issue, spend, redeem, void, expiry and balances."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectivity import services
from connectivity.models import Digicheque, DigichequeBatch
from connectivity.selectors import digicheque_balances, digicheque_figures, public_items_for_participant
from connectivity.tasks import digicheques_expire_task
from core.errors import DomainError
from tests.factories import GrantFactory, ParticipantFactory

from .factories import DigichequeBatchFactory, DigichequeFactory, ModemFactory

URL = "/api/v1/connectivity/digicheques/"
BATCH_URL = "/api/v1/connectivity/digicheque-batches/"


@pytest.fixture
def cheque(org_a):
    return DigichequeFactory(batch__organization=org_a, serial="DC-0001")


@pytest.fixture
def person(org_a):
    return ParticipantFactory(organization=org_a)


def test_it_creates_a_batch_from_a_numbered_range(org_a, staff_of_org_a):
    grant = GrantFactory(organization=org_a)
    batch = services.digicheque_batch_create(
        organization=org_a,
        supplier="ICT students",
        unit_value=Decimal("25"),
        purchase_price=Decimal("450"),
        serial_prefix="DC-",
        first_number=1,
        last_number=20,
        grant=grant,
        by=staff_of_org_a,
    )
    assert batch.quantity == 20
    serials = list(batch.cheques.values_list("serial", flat=True).order_by("serial"))
    assert serials[0] == "DC-01" and serials[-1] == "DC-20"
    assert Digicheque.history.count() == 20


def test_the_api_creates_a_batch_from_serials_and_refuses_duplicates(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    payload = {"supplier": "ICT students", "unit_value": "25.00", "purchase_price": "50.00", "serials": ["A1", "A2"]}
    response = client.post(BATCH_URL, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["quantity"] == 2 and response.json()["in_stock_count"] == 2
    response = client.post(BATCH_URL, {**payload, "serials": ["A2", "A3"]}, format="json")
    assert response.status_code == 400 and "serials" in response.json()["fields"]
    response = client.post(BATCH_URL, {**payload, "serials": ["B1", "B1"]}, format="json")
    assert response.status_code == 400 and "B1" in response.json()["detail"]
    response = client.post(BATCH_URL, {**payload, "serials": [], "unit_value": "-1"}, format="json")
    assert response.status_code == 400 and "unit_value" in response.json()["fields"]
    assert DigichequeBatch.objects.count() == 1 and Digicheque.objects.count() == 2


def test_it_issues_a_cheque_at_a_reduced_price(cheque, person, staff_of_org_a):
    services.digicheque_issue(cheque=cheque, participant=person, price_charged=Decimal("5"), by=staff_of_org_a)
    assert (cheque.status, cheque.use, cheque.participant, cheque.price_charged) == (
        "issued",
        "participant",
        person,
        Decimal("5.00"),
    )
    with pytest.raises(DomainError) as error:
        services.digicheque_issue(cheque=cheque, participant=person, by=staff_of_org_a)
    assert error.value.code == "cheque_cannot_issue"


def test_it_refuses_a_price_above_the_cheque_value(cheque, person, staff_of_org_a):
    with pytest.raises(DomainError) as error:
        services.digicheque_issue(cheque=cheque, participant=person, price_charged=Decimal("30"), by=staff_of_org_a)
    assert "price_charged" in error.value.fields
    assert Digicheque.objects.get(pk=cheque.pk).status == "in_stock"


def test_it_spends_a_cheque_on_a_repair_ticket(org_a, cheque, staff_of_org_a):
    device = ModemFactory(organization=org_a)
    services.digicheque_spend(cheque=cheque, repair_reference="R-12 screen", device=device, by=staff_of_org_a)
    assert (cheque.status, cheque.use, cheque.device) == ("issued", "repair", device)


def test_it_spends_a_cheque_on_an_inventory_repair_ticket(api, org_a, org_b, cheque, staff_of_org_a):
    from inventory.models import RepairTicket

    device = ModemFactory(organization=org_a)
    ticket = RepairTicket.objects.create(device=device, partner="Repair partner", problem="Does not start")
    other = RepairTicket.objects.create(device=ModemFactory(organization=org_b), partner="x", problem="y")
    client = api.as_user(staff_of_org_a)
    response = client.post(f"{URL}{cheque.pk}/spend/", {"repair_ticket": other.pk})
    assert response.status_code == 400 and "repair_ticket" in response.json()["fields"]
    response = client.post(f"{URL}{cheque.pk}/spend/", {"repair_ticket": ticket.pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["repair_ticket"], body["device"], body["use"]) == (ticket.pk, device.pk, "repair")
    assert body["repair_reference"] == f"#{ticket.pk} Does not start"


def test_it_redeems_an_issued_cheque_once(api, cheque, person, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    response = client.post(f"{URL}{cheque.pk}/redeem/", {"purpose": "e-mail set up"})
    assert response.status_code == 409 and response.json()["code"] == "cheque_cannot_redeem"
    client.post(f"{URL}{cheque.pk}/issue/", {"participant": person.pk})
    response = client.post(f"{URL}{cheque.pk}/redeem/", {"purpose": ""})
    assert response.status_code == 400 and "purpose" in response.json()["fields"]
    response = client.post(f"{URL}{cheque.pk}/redeem/", {"purpose": "e-mail set up"})
    assert response.status_code == 200 and response.json()["status"] == "redeemed"
    response = client.post(f"{URL}{cheque.pk}/redeem/", {"purpose": "again"})
    assert response.status_code == 409
    assert response.json()["detail"] == "This digicheque was already redeemed."
    assert Digicheque.objects.get(pk=cheque.pk).redeemed_purpose == "e-mail set up"


def test_it_voids_with_a_reason_but_not_after_redemption(cheque, person, staff_of_org_a):
    with pytest.raises(DomainError):
        services.digicheque_void(cheque=cheque, reason=" ", by=staff_of_org_a)
    services.digicheque_void(cheque=cheque, reason="Lost in the post", by=staff_of_org_a)
    assert cheque.status == "void"
    redeemed = DigichequeFactory(batch=cheque.batch)
    services.digicheque_issue(cheque=redeemed, participant=person, by=staff_of_org_a)
    services.digicheque_redeem(cheque=redeemed, purpose="help", by=staff_of_org_a)
    with pytest.raises(DomainError):
        services.digicheque_void(cheque=redeemed, reason="oops", by=staff_of_org_a)


def test_the_daily_task_expires_open_cheques_past_their_date(org_a, person, staff_of_org_a):
    today = timezone.localdate()  # relative to today (#18): the batch expired yesterday
    old = DigichequeBatchFactory(organization=org_a, expires_on=today - datetime.timedelta(days=1))
    in_stock, issued, redeemed = (DigichequeFactory(batch=old) for _i in range(3))
    Digicheque.objects.filter(pk=issued.pk).update(status="issued", use="participant", participant=person)
    Digicheque.objects.filter(pk=redeemed.pk).update(
        status="redeemed", use="participant", participant=person, redeemed_on=today - datetime.timedelta(days=30)
    )
    fresh = DigichequeFactory(batch__organization=org_a)
    assert digicheques_expire_task.delay().get() == 2
    assert digicheques_expire_task.delay().get() == 0
    statuses = dict(Digicheque.objects.values_list("pk", "status"))
    assert statuses == {in_stock.pk: "expired", issued.pk: "expired", redeemed.pk: "redeemed", fresh.pk: "in_stock"}
    with pytest.raises(DomainError) as error:
        services.digicheque_issue(cheque=DigichequeFactory(batch=old), participant=person, by=staff_of_org_a)
    assert error.value.code == "cheque_expired"


def test_balances_per_organisation_and_grant(api, org_a, org_b, person, staff_of_org_a, staff_of_org_b):
    grant = GrantFactory(organization=org_a)
    batch = DigichequeBatchFactory(organization=org_a, grant=grant, unit_value=Decimal("25"), purchase_price=100)
    cheques = [DigichequeFactory(batch=batch) for _i in range(4)]
    services.digicheque_issue(cheque=cheques[0], participant=person, price_charged=Decimal("2"), by=staff_of_org_a)
    services.digicheque_issue(cheque=cheques[1], participant=person, by=staff_of_org_a)
    services.digicheque_redeem(cheque=cheques[1], purpose="help", by=staff_of_org_a)
    DigichequeFactory(batch__organization=org_b)
    [row] = digicheque_balances(organization_ids=[org_a.pk])
    assert row["grant_id"] == grant.pk and row["total_count"] == 4
    assert (row["in_stock_count"], row["in_stock_value"]) == (2, Decimal("50"))
    assert (row["issued_count"], row["redeemed_count"], row["redeemed_value"]) == (1, 1, Decimal("25"))
    assert row["purchase_price"] == Decimal("100")
    response = api.as_user(staff_of_org_b).get(f"{URL}balances/")
    assert response.status_code == 200 and [r["organization_id"] for r in response.json()] == [org_b.pk]
    [figures_issued, figures_redeemed] = digicheque_figures(
        start=timezone.localdate() - datetime.timedelta(days=1),  # relative (#18): the cheques moved today
        end=timezone.localdate() + datetime.timedelta(days=1),
        grant_ids=[grant.pk],
    )
    assert (figures_issued["status"], figures_issued["count"], figures_issued["charged"]) == ("issued", 1, Decimal("2"))
    assert figures_redeemed["value"] == Decimal("25")
    items = public_items_for_participant(person)
    assert sorted(c["status"] for c in items["digicheques"]) == ["issued", "redeemed"]


@pytest.mark.parametrize("action", ["issue", "spend", "redeem", "void"])
def test_staff_of_org_b_get_404_for_org_a_cheques(api, cheque, staff_of_org_b, action):
    client = api.as_user(staff_of_org_b)
    assert client.post(f"{URL}{cheque.pk}/{action}/", {"reason": "x", "purpose": "x"}).status_code == 404
    assert client.get(f"{URL}{cheque.pk}/").status_code == 404
    assert client.get(f"{BATCH_URL}{cheque.batch_id}/").status_code == 404
    assert Digicheque.objects.get(pk=cheque.pk).status == "in_stock"


def test_issuing_to_another_organisations_participant_is_refused(api, org_b, cheque, staff_of_org_a):
    stranger = ParticipantFactory(organization=org_b)
    response = api.as_user(staff_of_org_a).post(f"{URL}{cheque.pk}/issue/", {"participant": stranger.pk})
    assert response.status_code == 400 and "participant" in response.json()["fields"]
    assert Digicheque.objects.get(pk=cheque.pk).status == "in_stock"


def test_inactive_participants_and_other_organisations_grants_are_refused(api, org_a, org_b, cheque, staff_of_org_a):
    gone = ParticipantFactory(organization=org_a, is_active=False)
    response = api.as_user(staff_of_org_a).post(f"{URL}{cheque.pk}/issue/", {"participant": gone.pk})
    assert response.status_code == 400 and response.json()["code"] == "participant_inactive"
    payload = {"supplier": "x", "unit_value": "1", "purchase_price": "1", "serials": ["Z1"]}
    response = api.as_user(staff_of_org_a).post(
        BATCH_URL, {**payload, "grant": GrantFactory(organization=org_b).pk}, format="json"
    )
    assert response.status_code == 400 and "grant" in response.json()["fields"]
    assert Digicheque.objects.count() == 1


@pytest.mark.parametrize("url", [URL, BATCH_URL])
def test_cheque_lists_cost_the_same_queries_for_1_and_50_rows(api, org_a, person, staff_of_org_a, url):
    client = api.as_user(staff_of_org_a)
    counts = []
    for total in (1, 50):
        while Digicheque.objects.count() < total:
            cheque = DigichequeFactory(batch__organization=org_a)
            services.digicheque_issue(cheque=cheque, participant=person, by=staff_of_org_a)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
