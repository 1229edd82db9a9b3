"""Reads of inventory rows, scoped to the caller's organisations."""

from django.db.models import QuerySet, Sum

from organizations.selectors import scope_to_user

from .models import Device, DeviceCount, DeviceEvent, Donor, RepairTicket, WipeRecord


def devices_for_user(user) -> QuerySet[Device]:
    """The device list: one query per page (donor and grant joined), whatever the page size."""
    return scope_to_user(Device.objects.select_related("donor", "grant"), user)


# The device list's filters whose total the device counts hold (each a multiple choice: any of its values).
COUNTED_FILTERS = tuple(key for key in DeviceCount.KEYS if key != "organization_id")


def device_total_for_user(user, **chosen: list[str]) -> int:
    """How many devices the user's organisations hold, of the `chosen` statuses, kinds and conditions (any when
    not given), summed from the trigger-kept device counts: one indexed read of a few hundred rows instead of
    counting every matching device (exact; pinned equal to a real count by tests)."""
    counts = scope_to_user(DeviceCount.objects.all(), user)
    for name, values in chosen.items():
        counts = counts.filter(**{f"{name}__in": values})
    return counts.aggregate(total=Sum("devices"))["total"] or 0


def device_list_tally(user, narrowing: dict[str, list[str]]) -> int | None:
    """The device list's total from the device counts when nothing but statuses, kinds and conditions (and
    paging and ordering) narrows it, else None: the rows are then counted. Asked after the filters validated
    the values (a bad one is a 400 before this)."""
    if not narrowing.keys() <= set(COUNTED_FILTERS):
        return None
    return device_total_for_user(user, **narrowing)


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
