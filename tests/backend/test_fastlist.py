"""core.api.fastlist: a list declared once (serializer, keys, computed fields, tally) is served from it.

The device and loan lists are pinned against their serializers in tests/inventory and tests/loans; these
tests hold the seam itself: a new field is one line in the serializer, a computed field is the filler's,
the tally answers the count when it can, and the page joins only the page's rows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.fastlist import ListRows
from inventory.api.serializers import DeviceListRows, DeviceSerializer
from inventory.api.views import DeviceViewSet
from inventory.models import Device
from inventory.selectors import devices_for_user
from tests.inventory.factories import DeviceFactory

pytestmark = pytest.mark.django_db


class DeviceWithDonorKindSerializer(DeviceSerializer):
    donor_kind = serializers.CharField(source="donor.kind", read_only=True, allow_null=True, default=None)

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "donor_kind"]


class DeviceWithDonorKindRows(DeviceListRows):
    serializer_class = DeviceWithDonorKindSerializer
    keys = {**DeviceListRows.keys, "donor_kind": "donor__kind"}  # a field from another table: its key


def test_a_field_from_another_table_is_listed_as_the_serializer_prints_it(org_a, staff_of_org_a):
    from tests.inventory.factories import DonorFactory

    DeviceFactory.create_batch(2, organization=org_a, donor=DonorFactory(organization=org_a, kind="company"))
    DeviceFactory(organization=org_a, donor=None)
    rows = DeviceWithDonorKindRows.shared()
    queryset = devices_for_user(staff_of_org_a).order_by("asset_tag")
    page, extra = rows.page(queryset, slice(0, 50))
    listed = rows.render(page, extra, user=staff_of_org_a)
    assert listed == list(DeviceWithDonorKindSerializer(queryset, many=True).data)
    assert sorted(item["donor_kind"] or "" for item in listed) == ["", "company", "company"]
    assert DeviceWithDonorKindRows.shared() is not DeviceListRows.shared()


def test_a_computed_field_is_none_until_the_filler_sets_it(org_a, staff_of_org_a):
    class Plain(ListRows):
        serializer_class = DeviceSerializer
        keys = DeviceListRows.keys
        computed = ("allowed_actions",)

    DeviceFactory(organization=org_a)
    rows = Plain.shared()
    page, extra = rows.page(devices_for_user(staff_of_org_a), slice(0, 1))
    (item,) = rows.render(page, extra, user=staff_of_org_a)
    assert item["allowed_actions"] is None and "allowed_actions" not in rows.columns
    assert item["asset_tag"] == Device.objects.get().asset_tag


def test_the_page_reads_only_its_rows_joined_and_the_tally_spares_the_count(api, org_a, staff_of_org_a):
    DeviceFactory.create_batch(4, organization=org_a)
    client = api.as_user(staff_of_org_a)
    with CaptureQueriesContext(connection) as tallied:
        assert client.get("/api/v1/devices/?page_size=2").data["count"] == 4
    with CaptureQueriesContext(connection) as counted:
        assert client.get("/api/v1/devices/?page_size=2&location=nowhere").data["count"] == 0
    assert not any("COUNT(" in q["sql"].upper() for q in tallied.captured_queries)
    (count,) = [q["sql"] for q in counted.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "inventory_donor" not in count  # the count joins nothing the page shows


def test_a_viewset_without_a_tally_counts_the_rows(org_a, staff_of_org_a):
    class Untallied(DeviceListRows):
        tally = None

    class UntalliedViewSet(DeviceViewSet):
        list_rows = Untallied

    DeviceFactory.create_batch(3, organization=org_a)
    request = APIRequestFactory().get("/api/v1/devices/")
    request.user = staff_of_org_a
    with CaptureQueriesContext(connection) as queries:
        response = UntalliedViewSet.as_view({"get": "list"})(request)
    assert response.status_code == 200 and response.data["count"] == 3
    assert any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_a_bad_filter_value_is_a_400_naming_the_filter_before_anything_is_counted(api, org_a, staff_of_org_a):
    DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).get("/api/v1/devices/?status=melted")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_choice" and "status" in response.json()["fields"]


def test_a_declaration_without_a_serializer_is_refused():
    class Nothing(ListRows):
        pass

    with pytest.raises(TypeError):
        Nothing.shared()
