"""Reads of inventory rows, scoped to the caller's organisations."""

from django.db.models import QuerySet

from organizations.selectors import scope_to_user

from .models import Device, DeviceEvent, Donor, RepairTicket, WipeRecord


def devices_for_user(user) -> QuerySet[Device]:
    """The device list: one query per page (donor and grant joined), whatever the page size."""
    return scope_to_user(Device.objects.select_related("donor", "grant"), user)


def donors_for_user(user) -> QuerySet[Donor]:
    return scope_to_user(Donor.objects.all(), user)


def wipe_records_for_user(user) -> QuerySet[WipeRecord]:
    return scope_to_user(WipeRecord.objects.select_related("device"), user, field="device__organization")


def repair_tickets_for_user(user) -> QuerySet[RepairTicket]:
    return scope_to_user(RepairTicket.objects.select_related("device"), user, field="device__organization")


def device_events(device: Device) -> QuerySet[DeviceEvent]:
    return DeviceEvent.objects.filter(device=device).select_related("by")


def device_by_label_code(code: str) -> Device | None:
    return Device.objects.filter(label_code=code).only("id", "organization_id").first()
