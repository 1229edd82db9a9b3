import io

import pytest
from django.urls import reverse

from inventory.models import Device, DeviceEvent

from .factories import DeviceFactory, WipeRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_of_org_a):
    staff_of_org_a.is_staff = True
    staff_of_org_a.save()
    client.force_login(staff_of_org_a)
    return client


def test_the_device_list_shows_only_the_own_organisation(staff_client, org_a, org_b):
    DeviceFactory(organization=org_a, asset_tag="OA-0001")
    DeviceFactory(organization=org_b, asset_tag="OB-0001")
    response = staff_client.get(reverse("admin:inventory_device_changelist") + "?status__exact=intake")
    assert response.status_code == 200
    assert b"OA-0001" in response.content and b"OB-0001" not in response.content
    assert b"Import from CSV" in response.content


def test_another_organisations_device_is_not_found_in_the_admin(staff_client, org_b):
    device = DeviceFactory(organization=org_b)
    response = staff_client.get(reverse("admin:inventory_device_change", args=[device.pk]))
    assert response.status_code == 302  # Django admin redirects a missing object to the index


def test_adding_a_device_in_the_admin_generates_its_tag(staff_client, org_a):
    response = staff_client.post(
        reverse("admin:inventory_device_add"),
        {
            "organization": org_a.pk,
            "asset_tag": "",
            "kind": "laptop",
            "source": "donated",
            "intake_date": "2026-03-01",
            "condition": "B",
            "wipes-TOTAL_FORMS": "0",
            "wipes-INITIAL_FORMS": "0",
            "repairs-TOTAL_FORMS": "0",
            "repairs-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    device = Device.objects.get()
    assert device.asset_tag == "OA-0001"
    assert DeviceEvent.objects.filter(device=device, action="intake").exists()
    history = staff_client.get(reverse("admin:inventory_device_history", args=[device.pk]))
    assert history.status_code == 200


def test_a_bulk_transition_moves_what_it_may_and_explains_the_rest(staff_client, org_a):
    wiped = DeviceFactory(organization=org_a)
    WipeRecordFactory(device=wiped)
    unwiped = DeviceFactory(organization=org_a)
    response = staff_client.post(
        reverse("admin:inventory_device_changelist"),
        {"action": "transition_make_available", "_selected_action": [wiped.pk, unwiped.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Device.objects.get(pk=wiped.pk).status == "available"
    assert Device.objects.get(pk=unwiped.pk).status == "intake"
    assert b"data-wipe record" in response.content


def test_the_print_labels_action_returns_a_pdf(staff_client, org_a):
    device = DeviceFactory(organization=org_a)
    response = staff_client.post(
        reverse("admin:inventory_device_changelist"), {"action": "print_labels", "_selected_action": [device.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_admin_import_checks_then_commits(staff_client, org_a):
    url = reverse("admin:inventory_device_import")
    data = b"kind,make,serial\nlaptop,Dell,S1\nlaptop,HP,S2\n"
    response = staff_client.post(url, {"organization": org_a.pk, "file": io.BytesIO(data)})
    assert response.status_code == 200 and b"All 2 rows are valid" in response.content
    assert not Device.objects.exists()
    bad = data + b"toaster,X,S3\n"
    response = staff_client.post(url, {"organization": org_a.pk, "file": io.BytesIO(bad), "commit": "on"})
    assert b"nothing was imported" in response.content and b"toaster" in response.content
    assert not Device.objects.exists()
    response = staff_client.post(url, {"organization": org_a.pk, "file": io.BytesIO(data), "commit": "on"})
    assert b"2 devices imported" in response.content
    assert Device.objects.count() == 2


def test_the_device_page_shows_wipes_repairs_and_the_status_history(staff_client, org_a, staff_of_org_a):
    from inventory.services import device_transition

    from .factories import RepairTicketFactory

    device = DeviceFactory(organization=org_a)
    WipeRecordFactory(device=device, operator="Wiper Jan")
    RepairTicketFactory(device=device, partner="Repair Café Elsene")
    device_transition(device=device, action="start_wipe", by=staff_of_org_a, note="nwipe started")
    response = staff_client.get(reverse("admin:inventory_device_change", args=[device.pk]))
    assert response.status_code == 200
    for text in (b"Wiper Jan", b"Repair Caf", b"nwipe started"):
        assert text in response.content
