"""The device tallies (per organisation, status, kind and condition) that the device list reads instead of
counting rows, unfiltered or filtered on those: kept exact by database triggers through every kind of write
(save, bulk insert, update, status transitions, moves, deletes, rollbacks)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import QueryDict

from inventory.models import Device, DeviceTally
from tests.factories import OrganizationFactory

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


KEY = ("organization", "status", "kind", "condition")


def _tallies() -> dict[int, int]:
    """Per organisation, summed over status, kind and condition."""
    totals: dict[int, int] = {}
    for tally in DeviceTally.objects.all():
        totals[tally.organization_id] = totals.get(tally.organization_id, 0) + tally.devices
    return {org: n for org, n in totals.items() if n}


def _counted() -> dict[int, int]:
    return dict(Device.objects.values_list("organization").annotate(n=Count("id")).values_list("organization", "n"))


def _by_key() -> tuple[dict, dict]:
    """(tallied, counted) per (organisation, status, kind, condition), zero rows left out."""
    tallied = {
        tuple(getattr(t, f"{k}_id" if k == "organization" else k) for k in KEY): t.devices
        for t in DeviceTally.objects.all()
    }
    counted = {
        row[:-1]: row[-1] for row in Device.objects.values_list(*KEY).annotate(n=Count("id")).values_list(*KEY, "n")
    }
    return {k: n for k, n in tallied.items() if n}, counted


def test_the_tallies_follow_every_kind_of_write(org_a, org_b):
    DeviceFactory.create_batch(3, organization=org_a)
    Device.objects.bulk_create(DeviceFactory.build_batch(5, organization=org_b))
    assert _tallies() == _counted() == {org_a.id: 3, org_b.id: 5}

    one = Device.objects.filter(organization=org_b).first()
    one.notes = "a save that does not move it"
    one.save()
    Device.objects.filter(organization=org_a).update(location="Shelf Z")
    assert _tallies() == {org_a.id: 3, org_b.id: 5}

    Device.objects.filter(pk=one.pk).update(organization=org_a)  # an administrator moves a device
    assert _tallies() == _counted() == {org_a.id: 4, org_b.id: 4}

    Device.objects.filter(organization=org_b)[:1].get().delete()
    Device.objects.filter(organization=org_a).delete()
    assert _tallies() == _counted() == {org_b.id: 3}


def test_a_rolled_back_import_leaves_the_tallies_unchanged(org_a):
    DeviceFactory(organization=org_a, asset_tag="DT-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        clash = DeviceFactory.build(organization=org_a, asset_tag="DT-0001")
        Device.objects.bulk_create([*DeviceFactory.build_batch(4, organization=org_a), clash])
    assert _tallies() == _counted() == {org_a.id: 1}


def test_the_unfiltered_list_reports_the_tallied_total_and_filters_count_rows(api, org_a, org_b, staff_of_org_a):
    DeviceFactory.create_batch(3, organization=org_a, location="Shelf A")
    DeviceFactory.create_batch(2, organization=org_a, location="Cupboard")
    DeviceFactory.create_batch(4, organization=org_b)
    client = api.as_user(staff_of_org_a)

    assert client.get("/api/v1/devices/").data["count"] == 5
    assert client.get("/api/v1/devices/?page_size=2&ordering=-asset_tag").data["count"] == 5
    assert client.get("/api/v1/devices/?location=Cupboard").data["count"] == 2
    assert client.get("/api/v1/devices/?search=nothing-like-this").data["count"] == 0


def test_a_member_of_two_organisations_sees_both_totals(api, org_a, org_b, staff_of_org_a):
    from organizations.models import Membership

    Membership.objects.create(user=staff_of_org_a, organization=org_b, role="staff")
    DeviceFactory.create_batch(7, organization=OrganizationFactory())  # a third organisation's: not counted
    DeviceFactory.create_batch(2, organization=org_a)
    DeviceFactory.create_batch(3, organization=org_b)
    assert api.as_user(staff_of_org_a).get("/api/v1/devices/").data["count"] == 5


def test_a_bad_page_is_still_a_404_naming_the_page(api, org_a, staff_of_org_a):
    DeviceFactory.create_batch(2, organization=org_a)
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/?page=9")
    assert response.status_code == 404
    assert "page" in str(response.data).lower()


def test_transitions_and_edits_move_devices_between_tallies(api, org_a, org_b, staff_of_org_a):
    laptops = DeviceFactory.create_batch(4, organization=org_a, condition="A")
    DeviceFactory.create_batch(2, organization=org_a, kind="tablet", condition="B")
    DeviceFactory(organization=org_b, condition="A")
    client = api.as_user(staff_of_org_a)
    client.post(f"/api/v1/devices/{laptops[0].id}/start_wipe/", {"note": "nwipe"})
    Device.objects.filter(pk__in=[laptops[1].pk, laptops[2].pk]).update(status="available")  # one statement, two rows
    device = Device.objects.get(pk=laptops[3].pk)
    device.condition, device.kind = "C", "chromebook"
    device.save()
    tallied, counted = _by_key()
    assert tallied == counted
    assert counted[(org_a.id, "available", "laptop", "A")] == 2 and counted[(org_a.id, "wiping", "laptop", "A")] == 1


@pytest.mark.parametrize(
    "query",
    [
        "status=available",
        "status=available&status=intake",
        "kind=laptop&condition=A",
        "kind=tablet&kind=laptop&condition=B&status=intake",
        "condition=parts",
        "status=available&page=1&page_size=2&ordering=-asset_tag",
    ],
)
def test_filtered_totals_from_the_tallies_equal_the_counted_rows(api, org_a, org_b, staff_of_org_a, query):
    DeviceFactory.create_batch(3, organization=org_a, condition="A")
    DeviceFactory.create_batch(2, organization=org_a, kind="tablet", condition="B")
    Device.objects.filter(organization=org_a, kind="laptop").update(status="available")
    DeviceFactory.create_batch(5, organization=org_b, condition="A")
    Device.objects.filter(organization=org_b).update(status="available")
    client = api.as_user(staff_of_org_a)
    tallied = client.get(f"/api/v1/devices/?{query}").data["count"]
    counted = client.get(f"/api/v1/devices/?{query}&location=").data["count"]  # a narrowing parameter: counted rows
    params = QueryDict(query)
    expected = Device.objects.filter(organization=org_a)
    for name in ("status", "kind", "condition"):
        if name in params:
            expected = expected.filter(**{f"{name}__in": params.getlist(name)})
    assert tallied == counted == expected.count()


def test_a_bad_tallied_filter_value_is_a_400_naming_it(api, org_a, staff_of_org_a):
    DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/?kind=toaster&status=available")
    assert response.status_code == 400 and "kind" in response.data["fields"]
