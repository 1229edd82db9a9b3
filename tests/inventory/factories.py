import datetime

import factory

from inventory.choices import DeviceKind, DeviceSource, WipeMethod
from inventory.models import Device, Donor, RepairTicket, WipeRecord
from tests.factories import OrganizationFactory


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Donor {n}")


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    organization = factory.SubFactory(OrganizationFactory)
    asset_tag = factory.Sequence(lambda n: f"T-{n:05d}")
    kind = DeviceKind.LAPTOP
    make = "Lenovo"
    model = "ThinkPad T480"
    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    source = DeviceSource.DONATED


class WipeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WipeRecord

    device = factory.SubFactory(DeviceFactory)
    method = WipeMethod.SOFTWARE_OVERWRITE
    tool = "nwipe"
    wiped_on = datetime.date(2026, 3, 1)
    operator = "Volunteer Jan"


class RepairTicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepairTicket

    device = factory.SubFactory(DeviceFactory)
    partner = "Repair Café Elsene"
    problem = "Broken hinge"
    sent_on = datetime.date(2026, 3, 1)
