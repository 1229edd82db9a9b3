import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.choices import DeviceStatus
from inventory.models import Device, DeviceEvent, Donor, RepairTicket, WipeRecord
from tests.factories import GrantFactory

from .factories import DeviceFactory, DonorFactory, RepairTicketFactory, WipeRecordFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_device_with_a_generated_tag(api, org_a, staff_of_org_a):
    donor = DonorFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/devices/", {"kind": "laptop", "make": "Dell", "serial": "ABC1", "donor": donor.id}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["asset_tag"] == "OA-0001"
    assert response.data["status"] == "intake"
    assert response.data["donor_name"] == donor.name
    assert "start_wipe" in response.data["allowed_actions"]


def test_status_cannot_be_written_directly(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).patch(
        f"/api/v1/devices/{device.id}/", {"status": "available"}, format="json"
    )
    assert response.status_code == 200
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.INTAKE


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"kind": "laptop", "asset_tag": "DUP-1"}, "asset_tag"),
        ({"kind": "laptop", "serial": "SER-DUP"}, "serial"),
        ({"kind": "laptop", "value": "-5"}, "value"),
        ({"kind": "laptop", "condition": "Z"}, "condition"),
    ],
)
def test_it_refuses_bad_device_input_naming_the_field(api, org_a, staff_of_org_a, payload, field):
    DeviceFactory(organization=org_a, asset_tag="DUP-1", serial="SER-DUP")
    before = Device.objects.count()
    response = api.as_user(staff_of_org_a).post("/api/v1/devices/", payload, format="json")
    assert response.status_code == 400
    assert field in response.data["fields"]
    assert Device.objects.count() == before


def test_the_same_serial_is_fine_in_another_organisation(api, org_a, org_b, staff_of_org_a):
    DeviceFactory(organization=org_b, serial="SER-1")
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/devices/", {"kind": "laptop", "serial": "SER-1"}, format="json"
    )
    assert response.status_code == 201


def test_another_organisations_donor_or_grant_does_not_exist(api, org_a, org_b, staff_of_org_a):
    donor_b = DonorFactory(organization=org_b)
    grant_b = GrantFactory(organization=org_b)
    client = api.as_user(staff_of_org_a)
    response = client.post("/api/v1/devices/", {"kind": "laptop", "donor": donor_b.id}, format="json")
    assert response.status_code == 400 and "donor" in response.data["fields"]
    response = client.post("/api/v1/devices/", {"kind": "laptop", "grant": grant_b.id}, format="json")
    assert response.status_code == 400 and "grant" in response.data["fields"]
    assert not Device.objects.exists()


@pytest.mark.parametrize("route", ["devices", "donors", "wipe-records", "repairs"])
def test_staff_of_another_organisation_get_404(api, org_a, staff_of_org_b, route):
    device = DeviceFactory(organization=org_a)
    obj = {
        "devices": device,
        "donors": DonorFactory(organization=org_a),
        "wipe-records": WipeRecordFactory(device=device),
        "repairs": RepairTicketFactory(device=device),
    }[route]
    client = api.as_user(staff_of_org_b)
    assert client.get(f"/api/v1/{route}/{obj.id}/").status_code == 404
    assert client.patch(f"/api/v1/{route}/{obj.id}/", {"notes": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/{route}/{obj.id}/").status_code == 404
    assert client.get(f"/api/v1/{route}/").data["count"] == 0


def test_staff_of_another_organisation_cannot_move_or_label_a_device(api, org_a, staff_of_org_b):
    device = DeviceFactory(organization=org_a)
    client = api.as_user(staff_of_org_b)
    assert client.post(f"/api/v1/devices/{device.id}/start_wipe/").status_code == 404
    assert client.get(f"/api/v1/devices/{device.id}/events/").status_code == 404
    response = client.post("/api/v1/devices/labels/", {"devices": [device.id]}, format="json")
    assert response.status_code == 400 and "devices" in response.data["fields"]
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.INTAKE


@pytest.mark.parametrize("route", ["wipe-records", "repairs"])
def test_a_record_for_another_organisations_device_is_refused(api, org_a, org_b, staff_of_org_a, route):
    device_b = DeviceFactory(organization=org_b)
    payload = {
        "wipe-records": {"device": device_b.id, "method": "overwrite", "operator": "Jan"},
        "repairs": {"device": device_b.id, "partner": "P", "problem": "Hinge"},
    }[route]
    response = api.as_user(staff_of_org_a).post(f"/api/v1/{route}/", payload, format="json")
    assert response.status_code == 400
    assert "device" in response.data["fields"]
    assert not WipeRecord.objects.exists() and not RepairTicket.objects.exists()


def test_the_lifecycle_through_the_action_endpoints(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    device = DeviceFactory(organization=org_a)
    assert client.post(f"/api/v1/devices/{device.id}/start_wipe/", {"note": "nwipe"}).status_code == 200
    response = client.post(f"/api/v1/devices/{device.id}/make_available/")
    assert response.status_code == 409
    assert response.data["code"] == "wipe_required"
    response = client.post(
        "/api/v1/wipe-records/",
        {
            "device": device.id,
            "method": "overwrite",
            "tool": "nwipe",
            "operator": "Jan",
            "certificate_file": SimpleUploadedFile("cert.pdf", b"%PDF-1.4 cert"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.data
    wipe = WipeRecord.objects.get()
    assert wipe.certificate_file.name.endswith("cert.pdf") and wipe.recorded_by == staff_of_org_a
    response = client.post(f"/api/v1/devices/{device.id}/make_available/", {"note": "on the shelf"})
    assert response.status_code == 200
    assert response.data["status"] == "available"
    response = client.post(f"/api/v1/devices/{device.id}/start_wipe/")
    assert response.status_code == 409
    assert response.data["code"] == "transition_not_allowed"
    assert "Available" in response.data["detail"]
    events = client.get(f"/api/v1/devices/{device.id}/events/").data
    assert [e["to_status"] for e in events] == ["available", "wiping"]
    assert events[0]["by"] == "staff_a" and events[0]["note"] == "on the shelf"


def test_a_transition_refusal_is_translated(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    Device.objects.filter(pk=device.pk).update(status="on_loan")
    response = api.as_user(staff_of_org_a).post(f"/api/v1/devices/{device.id}/retire/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 409
    assert response.data["code"] == "device_on_loan"
    assert "uitgeleend" in response.data["detail"]


def test_a_repair_ticket_refuses_a_return_before_it_was_sent(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/repairs/",
        {
            "device": device.id,
            "partner": "P",
            "problem": "Screen",
            "sent_on": "2026-03-10",
            "returned_on": "2026-03-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "returned_on" in response.data["fields"]
    assert not RepairTicket.objects.exists()


def test_a_duplicate_donor_name_is_refused(api, org_a, staff_of_org_a):
    DonorFactory(organization=org_a, name="Acme")
    response = api.as_user(staff_of_org_a).post("/api/v1/donors/", {"name": "Acme"}, format="json")
    assert response.status_code == 400 and "name" in response.data["fields"]
    assert Donor.objects.count() == 1


def test_volunteers_cannot_delete_devices(api, org_a, volunteer_of_org_a):
    device = DeviceFactory(organization=org_a)
    assert api.as_user(volunteer_of_org_a).delete(f"/api/v1/devices/{device.id}/").status_code == 403


def test_filters_and_search(api, org_a, staff_of_org_a):
    DeviceFactory(organization=org_a, kind="tablet", location="Shelf 1", make="Samsung")
    DeviceFactory(organization=org_a, kind="laptop", location="Shelf 2", condition="A")
    client = api.as_user(staff_of_org_a)
    assert client.get("/api/v1/devices/?kind=tablet").data["count"] == 1
    assert client.get("/api/v1/devices/?location=Shelf 2&condition=A").data["count"] == 1
    assert client.get("/api/v1/devices/?search=samsung").data["count"] == 1
    assert client.get("/api/v1/devices/?status=intake&status=available").data["count"] == 2
    assert client.get("/api/v1/devices/?kind=spaceship").status_code == 400


def _list_queries(org, staff, n):
    grant = GrantFactory(organization=org)
    donor = DonorFactory(organization=org)
    for _i in range(n):
        DeviceFactory(organization=org, donor=donor, grant=grant)
    client = APIClient()
    token = Token.objects.create(user=staff)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/devices/?status=intake")
    assert response.status_code == 200 and response.data["count"] == n
    return len(ctx.captured_queries)


def test_the_device_list_costs_the_same_queries_for_1_and_50_devices(org_a, staff_of_org_a, org_b, staff_of_org_b):
    one = _list_queries(org_a, staff_of_org_a, 1)
    fifty = _list_queries(org_b, staff_of_org_b, 50)
    assert one == fifty
    assert fifty <= 4  # token, memberships, count, page


def test_the_donor_wipe_and_repair_lists_cost_the_same_for_1_and_50(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    client.get("/api/v1/donors/")  # the user's roles are cached on the (shared) user object from here on
    counts = {}
    for n in (1, 50):
        Device.objects.all().delete()
        Donor.objects.all().delete()
        for _i in range(n):
            device = DeviceFactory(organization=org_a)
            DonorFactory(organization=org_a)
            WipeRecordFactory(device=device)
            RepairTicketFactory(device=device)
        for route in ("donors", "wipe-records", "repairs"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/api/v1/{route}/").data["count"] == n
            counts[(route, n)] = len(ctx.captured_queries)
    for route in ("donors", "wipe-records", "repairs"):
        assert counts[(route, 1)] == counts[(route, 50)]


def test_csv_export_follows_the_filters(api, org_a, org_b, staff_of_org_a):
    DeviceFactory(
        organization=org_a, kind="tablet", asset_tag="OA-0001", donor=DonorFactory(organization=org_a, name="Acme")
    )
    DeviceFactory(organization=org_a, kind="laptop", asset_tag="OA-0002")
    DeviceFactory(organization=org_b, kind="tablet", asset_tag="OB-0001")
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/export/?kind=tablet")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["asset_tag"], r["donor"], r["kind"]) for r in rows] == [("OA-0001", "Acme", "tablet")]


def test_transition_events_record_who(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    api.as_user(staff_of_org_a).post(f"/api/v1/devices/{device.id}/send_to_repair/", {"note": "hinge"})
    event = DeviceEvent.objects.get(device=device)
    assert event.by == staff_of_org_a and event.to_status == "in_repair"


def test_a_list_row_is_exactly_the_detail_representation(api, org_a, staff_of_org_a):
    donor = DonorFactory(organization=org_a)
    grant = GrantFactory(organization=org_a)
    device = DeviceFactory(
        organization=org_a, donor=donor, grant=grant, value="199.90", screen_inches="13.3", ram_gb=8, storage_gb=256
    )
    DeviceFactory(organization=org_a)
    client = api.as_user(staff_of_org_a)
    detail = client.get(f"/api/v1/devices/{device.id}/").json()
    listed = next(row for row in client.get("/api/v1/devices/").json()["results"] if row["id"] == device.id)
    assert listed == detail
    assert listed["donor_name"] == donor.name and listed["value"] == "199.90"


@pytest.mark.parametrize("route", ["devices", "donors", "wipe-records", "repairs"])
def test_a_null_character_in_a_filter_is_a_400_naming_it(api, org_a, staff_of_org_a, route):
    response = api.as_user(staff_of_org_a).get(f"/api/v1/{route}/", {"search": "ab\x00c"})
    assert response.status_code == 400 and "search" in response.data["fields"]


def test_csv_export_defuses_spreadsheet_formulas(api, org_a, staff_of_org_a):
    DeviceFactory(organization=org_a, notes='=HYPERLINK("http://evil")', location="Shelf 1")
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/export/")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["notes"].startswith("'=") and rows[0]["location"] == "Shelf 1"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Brussels"])
def test_list_rows_print_datetimes_like_the_detail_in_any_time_zone(api, org_a, staff_of_org_a, settings, zone):
    settings.TIME_ZONE = zone
    device = DeviceFactory(organization=org_a, value="10.00")
    client = api.as_user(staff_of_org_a)
    detail = client.get(f"/api/v1/devices/{device.id}/").json()
    listed = client.get("/api/v1/devices/").json()["results"][0]
    assert listed == detail
    assert listed["created_at"].endswith("Z") == (zone == "UTC")
