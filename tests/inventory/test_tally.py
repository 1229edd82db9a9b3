"""The device tallies that the unfiltered device list reads instead of counting rows: kept exact by
database triggers through every kind of write (save, bulk insert, update, moves, deletes, rollbacks)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count

from inventory.models import Device, DeviceTally
from tests.factories import OrganizationFactory

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


def _tallies() -> dict[int, int]:
    return {t.organization_id: t.devices for t in DeviceTally.objects.all() if t.devices}


def _counted() -> dict[int, int]:
    return dict(Device.objects.values_list("organization").annotate(n=Count("id")).values_list("organization", "n"))


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


def test_status_transitions_leave_the_tallies_untouched(api, org_a, staff_of_org_a):
    """Per organisation only, so a status change writes (and locks) no tally row."""
    laptops = DeviceFactory.create_batch(3, organization=org_a)
    api.as_user(staff_of_org_a).post(f"/api/v1/devices/{laptops[0].id}/start_wipe/", {"note": "nwipe"})
    Device.objects.filter(pk__in=[laptops[1].pk, laptops[2].pk]).update(status="available")
    assert _tallies() == _counted() == {org_a.id: 3}


@pytest.mark.parametrize(
    "query",
    [
        "status=available",
        "status=available&status=intake",
        "kind=laptop&condition=A",
        "kind=tablet&kind=laptop&condition=B&status=intake",
        "status=available&page=1&page_size=2&ordering=-asset_tag",
    ],
)
def test_filtered_totals_count_the_rows(api, org_a, org_b, staff_of_org_a, query):
    from django.http import QueryDict

    DeviceFactory.create_batch(3, organization=org_a, condition="A")
    DeviceFactory.create_batch(2, organization=org_a, kind="tablet", condition="B")
    Device.objects.filter(organization=org_a, kind="laptop").update(status="available")
    DeviceFactory.create_batch(5, organization=org_b, condition="A")
    Device.objects.filter(organization=org_b).update(status="available")
    expected = Device.objects.filter(organization=org_a)
    params = QueryDict(query)
    for name in ("status", "kind", "condition"):
        if name in params:
            expected = expected.filter(**{f"{name}__in": params.getlist(name)})
    assert api.as_user(staff_of_org_a).get(f"/api/v1/devices/?{query}").data["count"] == expected.count()


def test_a_bad_filter_value_is_a_400_naming_it(api, org_a, staff_of_org_a):
    DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/?kind=toaster&status=available")
    assert response.status_code == 400 and "kind" in response.data["fields"]
