"""Concurrency on a real PostgreSQL: generated tags never collide, and a transition wins once."""

import threading

import pytest
from django.db import connection
from django.db.models import Count, Sum

from core.errors import DomainError
from inventory.models import Device, DeviceCount, DeviceEvent
from inventory.services import device_counts_compact, device_create, device_transition
from tests.conftest import requires_postgres

from .factories import DeviceFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_clerks_adding_devices_at_once_get_distinct_tags(org_a, staff_of_org_a):
    results, errors = _in_threads(
        8, lambda: device_create(device=Device(organization=org_a, kind="laptop"), by=staff_of_org_a).asset_tag
    )
    assert not errors
    assert sorted(results) == [f"OA-{n:04d}" for n in range(1, 9)]


def test_two_clerks_moving_the_same_device_at_once_move_it_once(org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)

    def wipe():
        return device_transition(device=Device.objects.get(pk=device.pk), action="start_wipe", by=staff_of_org_a)

    results, errors = _in_threads(6, wipe)
    assert len(results) == 1
    assert len(errors) == 5 and all(isinstance(e, DomainError) for e in errors)
    assert DeviceEvent.objects.filter(device=device).count() == 1
    assert Device.objects.get(pk=device.pk).status == "wiping"


def test_device_counts_stay_exact_when_compaction_runs_while_desks_move_devices(org_a):
    """Compaction folds the rows committed before it began; rows that writers commit meanwhile stay for the
    next run. Six writers move devices back and forth while two threads compact over and over."""
    devices = DeviceFactory.create_batch(12, organization=org_a)
    writing = threading.Event()
    writing.set()

    errors = []

    def thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def move(pks):
        for round_ in range(40):
            Device.objects.filter(pk__in=pks).update(status=("available", "on_loan", "in_repair")[round_ % 3])

    def compact():
        while writing.is_set():
            device_counts_compact()

    compactors = [thread(compact) for _i in range(2)]
    writers = [thread(lambda pks=[d.pk for d in devices[n * 2 : n * 2 + 2]]: move(pks)) for n in range(6)]
    for started in compactors + writers:
        started.start()
    for writer in writers:
        writer.join(timeout=120)
    writing.clear()
    for compactor in compactors:
        compactor.join(timeout=60)

    assert not errors
    counted = dict(Device.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    summed = DeviceCount.objects.values_list("status").annotate(n=Sum("devices")).values_list("status", "n")
    assert {status: n for status, n in summed if n} == counted
    device_counts_compact()
    assert DeviceCount.objects.count() == len(counted)
