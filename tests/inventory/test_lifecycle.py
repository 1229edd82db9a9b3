import pytest

from core.errors import DomainError
from inventory.choices import DeviceSource, DeviceStatus
from inventory.models import Device, DeviceEvent
from inventory.services import TRANSITIONS, device_create, device_transition, next_asset_tag

from .factories import DeviceFactory, WipeRecordFactory

S = DeviceStatus
ALL_STATUSES = list(S.values)

ALLOWED = [(name, source) for name, t in TRANSITIONS.items() for source in sorted(t.sources)]
REFUSED = [(name, status) for name, t in TRANSITIONS.items() for status in ALL_STATUSES if status not in t.sources]


def _device(org, status, **kwargs):
    device = DeviceFactory(organization=org, **kwargs)
    Device.objects.filter(pk=device.pk).update(status=status)
    device.refresh_from_db()
    return device


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_it_allows_every_transition_in_the_table(org_a, staff_of_org_a, action, source):
    device = _device(org_a, source)
    WipeRecordFactory(device=device)
    device_transition(device=device, action=action, by=staff_of_org_a, note="checked")
    device.refresh_from_db()
    assert device.status == TRANSITIONS[action].target
    event = DeviceEvent.objects.get(device=device)
    assert (event.action, event.from_status, event.to_status, event.by, event.note) == (
        action,
        source,
        TRANSITIONS[action].target,
        staff_of_org_a,
        "checked",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_it_refuses_every_transition_outside_the_table(org_a, staff_of_org_a, action, status):
    device = _device(org_a, status)
    WipeRecordFactory(device=device)
    with pytest.raises(DomainError) as caught:
        device_transition(device=device, action=action, by=staff_of_org_a)
    assert caught.value.status_code == 409
    assert caught.value.code in ("transition_not_allowed", "device_on_loan")
    device.refresh_from_db()
    assert device.status == status
    assert not DeviceEvent.objects.filter(device=device).exists()


def test_no_manual_action_moves_a_device_into_or_out_of_on_loan():
    for transition in TRANSITIONS.values():
        assert S.ON_LOAN not in transition.sources
        assert transition.target != S.ON_LOAN


@pytest.mark.django_db
def test_it_refuses_a_device_on_loan_with_a_clear_reason(org_a, staff_of_org_a):
    device = _device(org_a, S.ON_LOAN)
    with pytest.raises(DomainError) as caught:
        device_transition(device=device, action="retire", by=staff_of_org_a)
    assert caught.value.code == "device_on_loan"
    assert "return it through the loan" in caught.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("source", [DeviceSource.DONATED, DeviceSource.REFURBISHED])
def test_it_refuses_to_shelve_a_second_hand_device_without_a_wipe_record(org_a, staff_of_org_a, source):
    device = _device(org_a, S.REFURBISHING, source=source)
    with pytest.raises(DomainError) as caught:
        device_transition(device=device, action="make_available", by=staff_of_org_a)
    assert caught.value.code == "wipe_required"
    device.refresh_from_db()
    assert device.status == S.REFURBISHING
    WipeRecordFactory(device=device)
    device_transition(device=device, action="make_available", by=staff_of_org_a)
    assert Device.objects.get(pk=device.pk).status == S.AVAILABLE


@pytest.mark.django_db
def test_it_shelves_a_purchased_device_without_a_wipe_record(org_a, staff_of_org_a):
    device = _device(org_a, S.INTAKE, source=DeviceSource.PURCHASED)
    device_transition(device=device, action="make_available", by=staff_of_org_a)
    assert Device.objects.get(pk=device.pk).status == S.AVAILABLE


@pytest.mark.django_db
def test_a_stale_copy_cannot_move_a_device_twice(org_a, staff_of_org_a):
    device = _device(org_a, S.INTAKE)
    stale = Device.objects.get(pk=device.pk)
    device_transition(device=device, action="start_wipe", by=staff_of_org_a)
    # the stale copy still says intake; the service reads the current status and refuses start_wipe
    with pytest.raises(DomainError):
        device_transition(device=stale, action="start_wipe", by=staff_of_org_a)
    assert DeviceEvent.objects.filter(device=device).count() == 1


@pytest.mark.django_db
def test_it_generates_asset_tags_from_the_short_code(org_a, staff_of_org_a):
    first = device_create(device=Device(organization=org_a, kind="laptop"), by=staff_of_org_a)
    second = device_create(device=Device(organization=org_a, kind="tablet"), by=staff_of_org_a)
    assert (first.asset_tag, second.asset_tag) == ("OA-0001", "OA-0002")
    Device.objects.filter(pk=second.pk).update(asset_tag="OA-9999")
    assert next_asset_tag(org_a) == "OA-10000"
    Device.objects.filter(pk=second.pk).update(asset_tag="OA-10000")
    assert next_asset_tag(org_a) == "OA-10001"
    assert DeviceEvent.objects.filter(device=first, action="intake").exists()


@pytest.mark.django_db
def test_generated_tags_retry_when_another_clerk_took_the_number(org_a, staff_of_org_a, monkeypatch):
    DeviceFactory(organization=org_a, asset_tag="OA-0001")
    from inventory import services

    calls = []
    real = services.next_asset_tag

    def stale_then_real(organization):
        calls.append(1)
        return "OA-0001" if len(calls) == 1 else real(organization)

    monkeypatch.setattr(services, "next_asset_tag", stale_then_real)
    device = device_create(device=Device(organization=org_a, kind="laptop"), by=staff_of_org_a)
    assert device.asset_tag == "OA-0002"
    assert len(calls) == 2


@pytest.mark.django_db
def test_tags_are_unique_per_organisation_only(org_a, org_b, staff_of_org_a):
    DeviceFactory(organization=org_a, asset_tag="X-1")
    DeviceFactory(organization=org_b, asset_tag="X-1")
    assert Device.objects.filter(asset_tag="X-1").count() == 2
