"""The device counts that the device list reads instead of counting rows (unfiltered, or filtered on status,
kind and condition): kept exact by insert-only database triggers through every kind of write (save, bulk
insert, update, moves, deletes, rollbacks) and through compaction."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from inventory.models import Device, DeviceCount
from inventory.services import device_counts_compact
from tests.factories import OrganizationFactory

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


KEY = ("organization", "status", "kind", "condition")


def _tallies() -> dict[int, int]:
    sums = DeviceCount.objects.values_list("organization").annotate(n=Sum("devices")).values_list("organization", "n")
    return {org: n for org, n in sums if n}


def _counted() -> dict[int, int]:
    return dict(Device.objects.values_list("organization").annotate(n=Count("id")).values_list("organization", "n"))


def _tallies_by_key() -> dict[tuple, int]:
    sums = DeviceCount.objects.values_list(*KEY).annotate(n=Sum("devices")).values_list(*KEY, "n")
    return {tuple(row[:-1]): row[-1] for row in sums if row[-1]}


def _counted_by_key() -> dict[tuple, int]:
    counted = Device.objects.values_list(*KEY).annotate(n=Count("id")).values_list(*KEY, "n")
    return {tuple(row[:-1]): row[-1] for row in counted}


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

    Device.objects.filter(organization=org_b).update(status="available", condition="A")
    assert _tallies_by_key() == _counted_by_key()

    Device.objects.filter(organization=org_b)[:1].get().delete()
    Device.objects.filter(organization=org_a).delete()
    assert _tallies() == _counted() == {org_b.id: 3}
    assert _tallies_by_key() == _counted_by_key()


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


def test_status_changes_only_add_count_rows_and_never_change_one(api, org_a, staff_of_org_a):
    """Insert-only: a status change locks no existing count row, so desks never wait on (or deadlock over) one."""
    laptops = DeviceFactory.create_batch(3, organization=org_a)
    before = list(DeviceCount.objects.order_by("id").values_list("id", "devices"))
    api.as_user(staff_of_org_a).post(f"/api/v1/devices/{laptops[0].id}/start_wipe/", {"note": "nwipe"})
    Device.objects.filter(pk__in=[laptops[1].pk, laptops[2].pk]).update(status="available")
    Device.objects.filter(pk=laptops[1].pk).update(notes="no key changed: no row")

    after = list(DeviceCount.objects.order_by("id").values_list("id", "devices"))
    assert after[: len(before)] == before
    assert len(after) >= len(before) + 4  # -1/+1 for the wipe, then -2/+2 (PostgreSQL groups a statement's rows)
    assert _tallies_by_key() == _counted_by_key()
    assert _tallies() == _counted() == {org_a.id: 3}


def test_compaction_folds_the_rows_and_keeps_every_sum(org_a, org_b):
    DeviceFactory.create_batch(4, organization=org_a)
    DeviceFactory.create_batch(3, organization=org_b, kind="tablet", condition="C")
    for status in ("wiping", "refurbishing", "available"):
        Device.objects.filter(organization=org_a).update(status=status)
    Device.objects.filter(organization=org_b)[:1].get().delete()
    expected = _counted_by_key()
    assert DeviceCount.objects.count() > len(expected)

    folded = device_counts_compact()

    assert folded > 0
    assert _tallies_by_key() == expected
    assert DeviceCount.objects.count() == len(expected)  # one row per key; keys that sum to zero are gone
    assert device_counts_compact() == len(expected)  # again: the same rows, the same sums
    assert _tallies_by_key() == expected and DeviceCount.objects.count() == len(expected)


def test_compaction_of_no_rows_does_nothing(db):
    assert device_counts_compact() == 0
    assert not DeviceCount.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "status=available",
        "status=available&status=intake",
        "kind=laptop&condition=A",
        "kind=tablet&kind=laptop&condition=B&status=intake",
        "status=available&page=1&page_size=2&ordering=-asset_tag",
        "condition=A&location=Shelf",
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
    for name in ("status", "kind", "condition", "location"):
        values = [value for value in params.getlist(name) if value]
        if values:
            expected = expected.filter(**{f"{name}__in": values})
    assert api.as_user(staff_of_org_a).get(f"/api/v1/devices/?{query}").data["count"] == expected.count()
    device_counts_compact()
    assert api.as_user(staff_of_org_a).get(f"/api/v1/devices/?{query}").data["count"] == expected.count()


@pytest.mark.parametrize("query, counts_rows", [("kind=laptop&condition=A", False), ("location=Shelf", True)])
def test_lists_filtered_on_status_kind_or_condition_count_no_device_rows(
    api, org_a, staff_of_org_a, query, counts_rows
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    DeviceFactory.create_batch(3, organization=org_a, condition="A", location="Shelf")
    with CaptureQueriesContext(connection) as queries:
        response = api.as_user(staff_of_org_a).get(f"/api/v1/devices/?{query}")
    assert response.data["count"] == 3
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and 'inventory_device"' in q["sql"]]
    assert bool(counting) == counts_rows


@pytest.mark.parametrize("query, field", [("kind=toaster&status=available", "kind"), ("status=", "status")])
def test_a_bad_filter_value_is_a_400_naming_it(api, org_a, staff_of_org_a, query, field):
    DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).get(f"/api/v1/devices/?{query}")
    assert response.status_code == 400 and field in response.data["fields"]


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_starts_with_exact_counts(org_a):
    """flush empties the tables one by one; on SQLite the device table's delete triggers may then write -1 rows
    after the count table was emptied. The counts are rebuilt after a flush (and after a migrate)."""
    from django.core.management import call_command

    DeviceFactory.create_batch(3, organization=org_a)
    call_command("flush", interactive=False, verbosity=0)
    assert _tallies_by_key() == {}
    assert not DeviceCount.objects.exists()

    again = OrganizationFactory()
    DeviceFactory.create_batch(2, organization=again)
    assert _tallies_by_key() == _counted_by_key() and _tallies() == {again.id: 2}


def test_the_count_triggers_are_in_place():
    """Django rebuilds a SQLite table for some schema changes, and the copy has no triggers: a migration that
    did that to the device or loan table would silently stop the counts. This notices it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    expected = {f"inventory_device_deltas_{op}" for op in ("insert", "update", "delete")}
    expected |= {f"loans_loan_tally_{op}" for op in ("insert", "update", "delete")}
    assert expected <= names
    assert not {name for name in names if name.startswith("inventory_device_tally")}, "the old tally is gone"


def test_beat_folds_the_device_counts_every_ten_minutes_and_every_entry_names_a_task(settings):
    from backend.celery import app

    app.loader.import_default_modules()  # the workers' autodiscovery
    assert settings.CELERY_BEAT_SCHEDULE["inventory-device-counts-compact"] == {
        "task": "inventory.device_counts_compact",
        "schedule": 600.0,
    }
    unknown = {name: e["task"] for name, e in settings.CELERY_BEAT_SCHEDULE.items() if e["task"] not in app.tasks}
    assert not unknown
