"""Devices at the desk: list, device page and its transitions, and the intake of a donation in one flow."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from inventory.choices import DeviceSource, DeviceStatus, WipeMethod
from inventory.models import Device, DeviceEvent, Donor, RepairTicket, WipeRecord
from tests.factories import GrantFactory
from tests.inventory.factories import DeviceFactory, DonorFactory, WipeRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


def _counts():
    return (Device.objects.count(), Donor.objects.count(), WipeRecord.objects.count(), DeviceEvent.objects.count())


# --- list -------------------------------------------------------------------------------------------


def test_the_list_searches_and_filters_only_the_users_devices(desk, org_a, org_b):
    DeviceFactory(
        organization=org_a, asset_tag="OA-0001", make="Lenovo", model="T480", serial="LEN1", location="Shelf 1"
    )
    DeviceFactory(organization=org_a, asset_tag="OA-0002", make="Dell", model="Latitude", serial="DEL1", kind="tablet")
    DeviceFactory(organization=org_a, asset_tag="OA-0003", make="HP", model="ProBook", status=DeviceStatus.IN_REPAIR)
    DeviceFactory(organization=org_b, asset_tag="OB-0001", make="Lenovo", location="Other org shelf")
    page = desk.get("/desk/devices/").content.decode()
    assert "OA-0001" in page and "OA-0003" in page and "OB-0001" not in page
    assert "Other org shelf" not in page  # the location choices too
    assert "OA-0002" not in desk.get("/desk/devices/?q=lenovo").content.decode()
    assert "OA-0001" in desk.get("/desk/devices/?q=LEN1").content.decode()
    assert "OA-0002" in desk.get("/desk/devices/?q=latitude").content.decode()
    only_tablets = desk.get("/desk/devices/?kind=tablet").content.decode()
    assert "OA-0002" in only_tablets and "OA-0001" not in only_tablets
    in_repair = desk.get("/desk/devices/?status=in_repair").content.decode()
    assert "OA-0003" in in_repair and "OA-0001" not in in_repair
    shelf = desk.get("/desk/devices/?location=Shelf+1").content.decode()
    assert "OA-0001" in shelf and "OA-0002" not in shelf


def test_the_list_is_paged_and_its_queries_do_not_grow(desk, org_a, django_assert_max_num_queries):
    for _i in range(3):
        DeviceFactory(organization=org_a)
    with django_assert_max_num_queries(8) as few:
        desk.get("/desk/devices/")
    DeviceFactory.create_batch(60, organization=org_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = desk.get("/desk/devices/")
    assert response.content.decode().count('href="/desk/devices/') >= 50
    assert "Page 1 of 2" in response.content.decode()


# --- device page ------------------------------------------------------------------------------------


def test_the_device_page_shows_status_history_wipes_repairs_and_actions(desk, org_a):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0100", status=DeviceStatus.AVAILABLE)
    WipeRecordFactory(device=device, operator="Jan the wiper")
    page = desk.get(f"/desk/devices/{device.pk}/").content.decode()
    assert "OA-0100" in page and "Available" in page and "Jan the wiper" in page
    assert "Retire" in page and "Send to repair" in page and "Give away" in page
    assert "Found again" not in page


def test_the_device_page_queries_do_not_grow_with_its_history(
    desk, org_a, staff_of_org_a, django_assert_max_num_queries
):
    device = DeviceFactory(organization=org_a)
    with django_assert_max_num_queries(10) as few:
        desk.get(f"/desk/devices/{device.pk}/")
    for _i in range(5):
        WipeRecordFactory(device=device)
        DeviceEvent.objects.create(
            device=device, action="x", from_status="available", to_status="available", by=staff_of_org_a
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get(f"/desk/devices/{device.pk}/")


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (DeviceStatus.AVAILABLE, "retire", DeviceStatus.RETIRED),
        (DeviceStatus.AVAILABLE, "mark_lost", DeviceStatus.LOST),
        (DeviceStatus.LOST, "mark_found", DeviceStatus.INTAKE),
        (DeviceStatus.RETIRED, "recycle", DeviceStatus.RECYCLED),
        (DeviceStatus.AVAILABLE, "give_away", DeviceStatus.GIVEN_AWAY),
        (DeviceStatus.IN_REPAIR, "make_available", DeviceStatus.AVAILABLE),
    ],
)
def test_each_transition_works_from_the_page(desk, org_a, start, action, end):
    device = DeviceFactory(organization=org_a, status=start, source=DeviceSource.PURCHASED)
    response = desk.post(f"/desk/devices/{device.pk}/actions/{action}", {"note": "checked"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == end
    assert DeviceEvent.objects.filter(device=device, action=action, note="checked").exists()


def test_sending_to_repair_needs_partner_and_problem(desk, org_a):
    device = DeviceFactory(organization=org_a, status=DeviceStatus.AVAILABLE)
    before = (RepairTicket.objects.count(), DeviceEvent.objects.count())
    response = desk.post(f"/desk/devices/{device.pk}/actions/send_to_repair", {"partner": "", "problem": ""})
    assert response.status_code == 400
    assert 'id="id_partner_error"' in response.content.decode()
    assert (RepairTicket.objects.count(), DeviceEvent.objects.count()) == before
    device.refresh_from_db()
    assert device.status == DeviceStatus.AVAILABLE
    response = desk.post(
        f"/desk/devices/{device.pk}/actions/send_to_repair", {"partner": "Repair Café", "problem": "Hinge broken"}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == DeviceStatus.IN_REPAIR
    assert RepairTicket.objects.get(device=device).partner == "Repair Café"


def test_a_refused_transition_changes_nothing(desk, org_a):
    device = DeviceFactory(organization=org_a, status=DeviceStatus.WIPING, source=DeviceSource.DONATED)
    response = desk.post(f"/desk/devices/{device.pk}/actions/make_available", follow=True)
    assert "needs a data-wipe record" in response.content.decode()
    device.refresh_from_db()
    assert device.status == DeviceStatus.WIPING


def test_a_wipe_record_from_the_page_and_its_bad_input(desk, org_a):
    device = DeviceFactory(organization=org_a)
    before = WipeRecord.objects.count()
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = desk.post(
        f"/desk/devices/{device.pk}/wipes/",
        {"method": WipeMethod.SOFTWARE_OVERWRITE, "operator": "", "wiped_on": future},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A wipe cannot be in the future." in page and "This field is required." in page
    assert WipeRecord.objects.count() == before
    response = desk.post(
        f"/desk/devices/{device.pk}/wipes/",
        {"method": WipeMethod.SOFTWARE_OVERWRITE, "operator": "Jan", "wiped_on": timezone.localdate(), "tool": "nwipe"},
    )
    assert response.status_code == 302
    assert WipeRecord.objects.get(device=device).operator == "Jan"


def test_another_organisations_device_is_404_on_every_route(desk, org_b):
    device = DeviceFactory(organization=org_b, status=DeviceStatus.AVAILABLE)
    assert desk.get(f"/desk/devices/{device.pk}/").status_code == 404
    assert desk.post(f"/desk/devices/{device.pk}/actions/retire").status_code == 404
    assert (
        desk.post(f"/desk/devices/{device.pk}/actions/send_to_repair", {"partner": "x", "problem": "y"}).status_code
        == 404
    )
    assert desk.post(f"/desk/devices/{device.pk}/wipes/", {"method": "overwrite", "operator": "x"}).status_code == 404
    assert desk.post("/desk/devices/labels.pdf", {"devices": [device.pk], "start_at": 1}).status_code == 400
    device.refresh_from_db()
    assert device.status == DeviceStatus.AVAILABLE and not WipeRecord.objects.filter(device=device).exists()


def test_the_label_pdf_starts_at_label_n(desk, org_a):
    devices = DeviceFactory.create_batch(3, organization=org_a)
    response = desk.post("/desk/devices/labels.pdf", {"devices": [d.pk for d in devices], "start_at": 23})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2  # labels 23 and 24, then one on the next sheet
    bad = desk.post("/desk/devices/labels.pdf", {"devices": [devices[0].pk], "start_at": 0})
    assert bad.status_code == 400


# --- intake -----------------------------------------------------------------------------------------


def _intake(org, **extra):
    data = {
        "organization": org.pk,
        "new_donor_name": "Bank Van Breda",
        "new_donor_kind": "company",
        "kind": "laptop",
        "make": "Lenovo",
        "model": "T14",
        "serials": "PF111\nPF222\r\nPF333\n",
        "condition": "B",
        "location": "Shelf 2",
        "wipe_method": WipeMethod.SOFTWARE_OVERWRITE,
        "wipe_tool": "nwipe",
        "wipe_operator": "Jan",
        "wiped_on": timezone.localdate().isoformat(),
        "certificate_reference": "CERT-9",
        "make_available": "on",
    }
    data.update(extra)
    return data


def test_intake_of_three_laptops_from_a_new_donor_makes_them_available(desk, org_a):
    grant = GrantFactory(organization=org_a)
    response = desk.post("/desk/devices/intake/", _intake(org_a, grant=grant.pk))
    assert response.status_code == 200, response.content.decode()[:2000]
    devices = list(Device.objects.filter(organization=org_a).order_by("asset_tag"))
    assert [d.serial for d in devices] == ["PF111", "PF222", "PF333"]
    assert all(d.status == DeviceStatus.AVAILABLE and d.grant == grant and d.location == "Shelf 2" for d in devices)
    assert all(d.donor.name == "Bank Van Breda" for d in devices)
    assert [d.asset_tag for d in devices] == [f"{org_a.short_code}-000{i}" for i in (1, 2, 3)]
    assert WipeRecord.objects.filter(device__in=devices, certificate_reference="CERT-9").count() == 3
    page = response.content.decode()
    assert "Print labels" in page and devices[0].asset_tag in page


def test_intake_with_an_existing_donor_and_no_wipe_stays_in_intake(desk, org_a):
    donor = DonorFactory(organization=org_a)
    data = _intake(org_a, donor=donor.pk, new_donor_name="", wipe_method="", make_available="")
    assert desk.post("/desk/devices/intake/", data).status_code == 200
    assert set(Device.objects.values_list("status", flat=True)) == {DeviceStatus.INTAKE}
    assert Donor.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field_text"),
    [
        ({"serials": "PF111\nPF222\nPF111"}, "Typed twice: PF111."),
        ({"serials": "PF999\nPF222"}, "Already in the organisation: PF999."),
        ({"serials": "  \n "}, "Give at least one serial number"),
        ({"new_donor_name": ""}, "Choose the donor, or give a new donor"),
        ({"make_available": "on", "wipe_method": ""}, "Record the data wipe to make donated devices available."),
    ],
)
def test_bad_intake_shows_the_error_and_writes_nothing(desk, org_a, change, field_text):
    DeviceFactory(organization=org_a, serial="PF999", asset_tag="OA-0999")
    before = _counts()
    response = desk.post("/desk/devices/intake/", _intake(org_a, **change))
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert _counts() == before


def test_another_organisations_donor_or_grant_is_refused(desk, org_a, org_b):
    before = _counts()
    donor_b, grant_b = DonorFactory(organization=org_b), GrantFactory(organization=org_b)
    before = _counts()
    response = desk.post("/desk/devices/intake/", _intake(org_a, donor=donor_b.pk, grant=grant_b.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Select a valid choice") == 2
    assert _counts() == before
    assert donor_b.name not in desk.get("/desk/devices/intake/").content.decode()


def test_intake_is_all_or_nothing_when_a_device_fails(desk, org_a, monkeypatch):
    from inventory import intake

    calls = []

    def failing_create(*, device, by):
        calls.append(device.serial)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(device=device, by=by)

    original = intake.device_create
    monkeypatch.setattr(intake, "device_create", failing_create)
    before = _counts()
    with pytest.raises(RuntimeError):
        desk.post("/desk/devices/intake/", _intake(org_a))
    assert _counts() == before


def test_csv_import_dry_run_lists_bad_lines_then_commits(desk, org_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("d.csv", b"kind,serial\nlaptop,A1\nspaceship,A2\nlaptop,A1\n", content_type="text/csv")
    before = _counts()
    response = desk.post("/desk/devices/intake/csv/", {"organization": org_a.pk, "file": bad, "commit": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 3" in page and "Line 4" in page
    assert _counts() == before
    good = SimpleUploadedFile("d.csv", b"kind,serial\nlaptop,A1\nlaptop,A2\n", content_type="text/csv")
    assert desk.post("/desk/devices/intake/csv/", {"organization": org_a.pk, "file": good}).status_code == 200
    assert _counts() == before  # a dry run
    good.seek(0)
    response = desk.post("/desk/devices/intake/csv/", {"organization": org_a.pk, "file": good, "commit": "on"})
    assert response.status_code == 302
    assert Device.objects.filter(organization=org_a).count() == 2


# --- API ----------------------------------------------------------------------------------------------


def _api_intake(**extra):
    data = {
        "new_donor_name": "Bank Van Breda",
        "kind": "laptop",
        "make": "Lenovo",
        "serials": ["PF111", "PF222", "PF333"],
        "wipe": {"method": "overwrite", "operator": "Jan", "tool": "nwipe"},
        "make_available": True,
    }
    data.update(extra)
    return data


def test_api_intake_creates_the_batch(api, staff_of_org_a, org_a):
    response = api.as_user(staff_of_org_a).post("/api/v1/devices/intake/", _api_intake(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [row["serial"] for row in body] == ["PF111", "PF222", "PF333"]
    assert {row["status"] for row in body} == {"available"}
    assert WipeRecord.objects.filter(device__organization=org_a).count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"serials": ["A", "B", "A"]}, "serials"),
        ({"serials": ["PF999"]}, "serials"),
        ({"serials": []}, "serials"),
        ({"new_donor_name": ""}, "donor"),
    ],
)
def test_api_intake_bad_input_names_the_field_and_writes_nothing(api, staff_of_org_a, org_a, change, field):
    DeviceFactory(organization=org_a, serial="PF999")
    before = _counts()
    response = api.as_user(staff_of_org_a).post("/api/v1/devices/intake/", _api_intake(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _counts() == before


def test_api_intake_refuses_another_organisations_donor_and_grant(api, staff_of_org_a, org_a, org_b):
    donor_b, grant_b = DonorFactory(organization=org_b), GrantFactory(organization=org_b)
    before = _counts()
    client = api.as_user(staff_of_org_a)
    response = client.post("/api/v1/devices/intake/", _api_intake(donor=donor_b.pk), format="json")
    assert response.status_code == 400 and "donor" in response.json()["fields"]
    response = client.post("/api/v1/devices/intake/", _api_intake(grant=grant_b.pk), format="json")
    assert response.status_code == 400 and "grant" in response.json()["fields"]
    assert _counts() == before
