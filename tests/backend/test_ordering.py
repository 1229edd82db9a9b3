"""Every list ends its ordering with the id, so paging through rows that tie on the ordered column neither
repeats nor skips a row; an ordering the list does not offer is a 400 naming `ordering`."""

import pytest

from core.api.filters import with_id_last
from inventory.models import Device
from organizations.choices import Role
from tests.factories import MembershipFactory
from tests.inventory.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def _every_page(client, path: str) -> list[dict]:
    rows, page = [], 1
    while True:
        response = client.get(f"{path}&page={page}")
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        page += 1


def test_devices_that_tie_on_the_ordered_column_come_in_id_order_on_every_page(api, org_a, staff_of_org_a):
    # asset tags run against creation order, so an order by status then tag would differ from status then id
    for n in range(12):
        DeviceFactory(organization=org_a, asset_tag=f"DT-{99 - n:04d}")
    Device.objects.filter(pk__in=list(Device.objects.order_by("id").values_list("pk", flat=True)[:5])).update(
        status="available"
    )
    client = api.as_user(staff_of_org_a)

    rows = _every_page(client, "/api/v1/devices/?ordering=status&page_size=5")

    expected = list(Device.objects.order_by("status", "id").values_list("id", flat=True))
    assert [row["id"] for row in rows] == expected
    assert len(set(expected)) == 12


def test_two_organisations_with_the_same_asset_tags_page_without_repeats(api, org_a, org_b, staff_of_org_a):
    MembershipFactory(user=staff_of_org_a, organization=org_b, role=Role.STAFF)
    for org in (org_b, org_a):
        for n in range(1, 4):
            DeviceFactory(organization=org, asset_tag=f"DT-{n:04d}")
    client = api.as_user(staff_of_org_a)

    rows = _every_page(client, "/api/v1/devices/?page_size=1")
    descending = _every_page(client, "/api/v1/devices/?ordering=-asset_tag&page_size=2")

    assert [row["id"] for row in rows] == list(Device.objects.order_by("asset_tag", "id").values_list("id", flat=True))
    assert [row["id"] for row in descending] == list(
        Device.objects.order_by("-asset_tag", "-id").values_list("id", flat=True)
    )


@pytest.mark.parametrize(
    "query, unknown",
    [("ordering=colour", "'colour'"), ("ordering=-status,bogus", "'bogus'"), ("ordering=--status", "'--status'")],
)
def test_an_ordering_the_list_does_not_offer_is_a_400_naming_it(api, org_a, staff_of_org_a, query, unknown):
    DeviceFactory(organization=org_a)
    client = api.as_user(staff_of_org_a)

    response = client.get(f"/api/v1/devices/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(f"/api/v1/devices/?{query}", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    message = response.json()["fields"]["ordering"][0]
    assert unknown in message and "asset_tag" in message
    assert french.json()["fields"]["ordering"][0].startswith("Impossible de trier")


def test_an_empty_ordering_is_the_default_order(api, org_a, staff_of_org_a):
    for tag in ("DT-0002", "DT-0001"):
        DeviceFactory(organization=org_a, asset_tag=tag)
    client = api.as_user(staff_of_org_a)

    response = client.get("/api/v1/devices/?ordering=")

    assert response.status_code == 200
    assert [row["asset_tag"] for row in response.json()["results"]] == ["DT-0001", "DT-0002"]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        (["status"], ["status", "pk"]),
        (["-due_on"], ["-due_on", "-pk"]),
        (["due_on", "id"], ["due_on", "id"]),
        (["-id"], ["-id"]),
        (["name", "-pk"], ["name", "-pk"]),
    ],
)
def test_the_id_is_added_in_the_direction_of_the_last_key(ordering, expected):
    assert with_id_last(ordering) == expected
