"""Writes on devices: creation with a generated asset tag, and every status transition.

The status moves only through `device_move` (one conditional UPDATE plus a DeviceEvent), called by
`device_transition` for the manual lifecycle actions here, by the loans app (checkout, return, lost,
hand-over) and by connectivity (a modem given with an internet code). Manual actions never move a device
into or out of `on_loan`.
"""

import re
from dataclasses import dataclass

from django.db import IntegrityError, connection, connections, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.tallies import compact_deltas

from .choices import DeviceSource, DeviceStatus
from .models import Device, DeviceCount, DeviceEvent, RepairTicket, WipeRecord

S = DeviceStatus


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str


# The one table of manual transitions: action -> allowed from-statuses -> to-status.
# `on_loan` appears nowhere: checkout, return and loan-to-own belong to the loans app.
_IN_HOUSE = frozenset({S.INTAKE, S.WIPING, S.REFURBISHING, S.AVAILABLE, S.IN_REPAIR})
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("start_wipe", _("Start data wipe"), frozenset({S.INTAKE, S.REFURBISHING}), S.WIPING),
        Transition("start_refurbish", _("Start refurbishing"), frozenset({S.INTAKE, S.WIPING}), S.REFURBISHING),
        Transition(
            "make_available",
            _("Put on the shelf (available)"),
            frozenset({S.INTAKE, S.WIPING, S.REFURBISHING, S.IN_REPAIR}),
            S.AVAILABLE,
        ),
        Transition(
            "send_to_repair",
            _("Send to repair"),
            frozenset({S.INTAKE, S.WIPING, S.REFURBISHING, S.AVAILABLE}),
            S.IN_REPAIR,
        ),
        Transition("retire", _("Retire"), _IN_HOUSE, S.RETIRED),
        Transition("recycle", _("Recycle"), _IN_HOUSE | {S.RETIRED}, S.RECYCLED),
        Transition("mark_lost", _("Mark as lost"), _IN_HOUSE, S.LOST),
        Transition("mark_stolen", _("Mark as stolen"), _IN_HOUSE, S.STOLEN),
        Transition("give_away", _("Give away"), frozenset({S.AVAILABLE, S.REFURBISHING}), S.GIVEN_AWAY),
        Transition("mark_found", _("Found again (back to intake)"), frozenset({S.LOST, S.STOLEN}), S.INTAKE),
    ]
}
NEEDS_WIPE = frozenset({DeviceSource.DONATED, DeviceSource.REFURBISHED})


def allowed_actions(status: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


@transaction.atomic
def device_transition(*, device: Device, action: str, by, note: str = "") -> Device:
    """Move `device` by `action`, or raise a 409 DomainError saying why not.

    Guarantees: the status changes only if it is still the one the transition starts from (one
    conditional UPDATE, so two clerks acting at once cannot both win); a donated or refurbished device
    reaches `available` only with a wipe record; every change writes one DeviceEvent (who, when, note).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError("unknown_action", _("Unknown action."), fields={"action": [_("Unknown action.")]})
    current = Device.objects.filter(pk=device.pk).values_list("status", flat=True).first()
    if current is None:
        raise DomainError("not_found", _("This device no longer exists."), status_code=404)
    if current == S.ON_LOAN:
        raise DomainError(
            "device_on_loan",
            _("This device is on loan: return it through the loan first."),
            fields={"status": [str(S(current).label)]},
        )
    if current not in transition.sources:
        raise DomainError(
            "transition_not_allowed",
            _("A device that is “%(status)s” cannot be moved by “%(action)s”.")
            % {"status": S(current).label, "action": transition.label},
            fields={"status": [str(S(current).label)]},
        )
    if (
        transition.target == S.AVAILABLE
        and device.source in NEEDS_WIPE
        and not WipeRecord.objects.filter(device_id=device.pk).exists()
    ):
        raise DomainError(
            "wipe_required",
            _("A donated or refurbished device needs a data-wipe record before it can be made available."),
            fields={"wipes": [_("Record the data wipe first.")]},
        )
    if not device_move(
        device=device, from_status=current, to_status=transition.target, action=action, by=by, note=note
    ):
        raise DomainError("status_changed", _("The device's status changed meanwhile; reload and try again."))
    return device


def device_move(*, device: Device, from_status: str, to_status: str, action: str, by, note: str = "") -> bool:
    """Move `device` to `to_status` if, and only if, it is still in `from_status`; False when it was not.

    The one place a device's status changes: one conditional UPDATE (two clerks acting at once cannot both
    win) and one DeviceEvent (who, when, note). The lifecycle actions above, checkout/return in `loans`
    and the modem handover in `connectivity` all go through it.
    """
    now = timezone.now()
    moved = Device.objects.filter(pk=device.pk, organization_id=device.organization_id, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now
    )
    if not moved:
        return False
    DeviceEvent.objects.create(
        device_id=device.pk,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        by=by if by is not None and by.is_authenticated else None,
        at=now,
    )
    device.status, device.status_changed_at, device.updated_at = to_status, now, now
    return True


def device_centre_use_set(*, device: Device, centre_use: bool, by) -> bool:
    """Mark a device for use in the centre (sessions on site, never lent home), or lift the mark. One
    DeviceEvent records who changed it; False when it was already so."""
    now = timezone.now()
    changed = (
        Device.objects.filter(pk=device.pk, organization_id=device.organization_id)
        .exclude(centre_use=centre_use)
        .update(centre_use=centre_use, updated_at=now)
    )
    if changed:
        DeviceEvent.objects.create(
            device_id=device.pk,
            action="centre_use_on" if centre_use else "centre_use_off",
            from_status=device.status,
            to_status=device.status,
            by=_user(by),
            at=now,
        )
        device.centre_use = centre_use
    return bool(changed)


def next_asset_tag(organization) -> str:
    """`<short code>-<n>`, n one past the highest number in use, at least four digits (DT-0042)."""
    prefix = f"{organization.short_code}-"
    # A wider tag holds a higher number; among equal widths text order is number order.
    last = (
        Device.objects.filter(organization=organization, asset_tag__regex=rf"^{re.escape(prefix)}[0-9]+$")
        .annotate(width=Length("asset_tag"))
        .order_by("-width", "-asset_tag")
        .values_list("asset_tag", flat=True)
        .first()
    )
    highest = int(last[len(prefix) :]) if last else 0
    return f"{prefix}{highest + 1:04d}"


ASSET_TAG_ATTEMPTS = 20


@transaction.atomic
def device_create(*, device: Device, by) -> Device:
    """Save a new device, generating its asset tag when blank, and record its intake.

    Generated tags are unique per organisation even when two clerks add devices at once: the database's
    unique constraint decides and a losing insert retries with the next number (in a savepoint).
    """
    generate = not device.asset_tag
    for attempt in range(ASSET_TAG_ATTEMPTS):
        if generate:
            device.asset_tag = next_asset_tag(device.organization)
        try:
            with transaction.atomic():
                device.save(force_insert=True)
            break
        except IntegrityError:
            device.pk = None
            if not generate or attempt == ASSET_TAG_ATTEMPTS - 1 or _serial_taken(device):
                raise
    DeviceEvent.objects.create(
        device=device,
        action="intake",
        from_status=device.status,
        to_status=device.status,
        note=str(_("Taken in")),
        by=by if by is not None and by.is_authenticated else None,
    )
    return device


def _serial_taken(device: Device) -> bool:
    return bool(
        device.serial and Device.objects.filter(organization_id=device.organization_id, serial=device.serial).exists()
    )


@transaction.atomic
def wipe_record_create(*, device: Device, by, **fields) -> WipeRecord:
    return WipeRecord.objects.create(device=device, recorded_by=_user(by), **fields)


@transaction.atomic
def repair_ticket_create(*, device: Device, by, **fields) -> RepairTicket:
    return RepairTicket.objects.create(device=device, created_by=_user(by), **fields)


def _user(by):
    return by if by is not None and by.is_authenticated else None


def device_counts_rebuild(*, using: str = "default") -> None:
    """Recounts the device counts from the devices (after a flush or a migrate: InventoryConfig). Device writes
    wait meanwhile (PostgreSQL: a SHARE lock on the device table; SQLite: the transaction's write lock)."""
    keys = ", ".join(DeviceCount.KEYS)
    counts, devices = DeviceCount._meta.db_table, Device._meta.db_table
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if connections[using].vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {devices} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {counts}")
        cursor.execute(f"INSERT INTO {counts} ({keys}, devices) SELECT {keys}, count(*) FROM {devices} GROUP BY {keys}")


def device_counts_compact() -> int:
    """Folds the device counts' +n/-n rows (written by triggers, models.DeviceCount) into one row per key; the
    sums stay exact while devices change. Beat runs it every ten minutes; returns how many rows it folded."""
    with transaction.atomic():
        return compact_deltas(
            connection,
            tally=DeviceCount._meta.db_table,
            keys=DeviceCount.KEYS,
            count="devices",
        )
