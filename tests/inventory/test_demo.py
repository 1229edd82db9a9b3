import pytest

from backend.demo import load_demo
from inventory.choices import DeviceKind, DeviceSource, DeviceStatus
from inventory.models import Device, WipeRecord

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_day_centres_nine_laptops_and_every_shelved_donation_is_wiped():
    context = load_demo()
    daycentre = context["devices"]["daycentre"]
    assert sum(1 for d in daycentre if d.kind == DeviceKind.LAPTOP) == 9
    assert {d.kind for d in context["devices"]["neighbourhood"]} >= {DeviceKind.TABLET}
    assert {d.kind for d in context["devices"]["adulted"]} >= {DeviceKind.CHROMEBOOK, DeviceKind.MODEM_4G}
    assert len({d.status for devices in context["devices"].values() for d in devices}) >= 5
    shelved_second_hand = Device.objects.filter(status=DeviceStatus.AVAILABLE).exclude(source=DeviceSource.PURCHASED)
    assert shelved_second_hand.exists()
    assert all(WipeRecord.objects.filter(device=d).exists() for d in shelved_second_hand)
    assert Device.objects.get(pk=daycentre[0].pk).asset_tag == "DT-0001"
