"""A donation taken in at once: one donor (chosen or new), one kind/make/model, one serial per device,
generated asset tags, one wipe record for the batch, optionally made available. All or nothing."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

from .choices import DeviceSource
from .models import Device, Donor
from .services import device_create, device_transition, wipe_record_create

MAX_SERIALS = 500


def split_serials(text: str) -> list[str]:
    """One serial per line (a USB scanner ends each with Enter); blank lines and spaces around are dropped."""
    return [line.strip() for line in re.split(r"[\r\n]+", text or "") if line.strip()]


def _bad(field: str, message: str):
    raise DomainError("invalid_intake", message, fields={field: [message]}, status_code=400)


def donation_intake(
    *,
    organization,
    by,
    serials: list[str],
    kind: str,
    make: str = "",
    model: str = "",
    donor: Donor | None = None,
    new_donor: dict | None = None,
    condition: str = "",
    location: str = "",
    grant=None,
    wipe: dict | None = None,
    make_available: bool = False,
) -> list[Device]:
    """Create one device per serial, in one transaction: any refusal (a DomainError naming the field) writes
    nothing. `new_donor` ({"name", "kind"}) creates the donor when `donor` is not given."""
    if donor is not None and donor.organization_id != organization.pk:
        _bad("donor", _("This donor is not one of this organisation's."))
    if grant is not None and grant.organization_id != organization.pk:
        _bad("grant", _("This grant is not one of this organisation's."))
    if not serials:
        _bad("serials", _("Give at least one serial number, one per line."))
    if len(serials) > MAX_SERIALS:
        _bad("serials", _("At most %(max)d devices at once.") % {"max": MAX_SERIALS})
    seen, twice = set(), []
    for serial in serials:
        if serial in seen and serial not in twice:
            twice.append(serial)
        seen.add(serial)
    if twice:
        _bad("serials", _("Typed twice: %(serials)s.") % {"serials": ", ".join(twice)})
    taken = list(Device.objects.filter(organization=organization, serial__in=serials).values_list("serial", flat=True))
    if taken:
        _bad(
            "serials",
            _("Already in the organisation: %(serials)s.") % {"serials": ", ".join(sorted(taken)[:20])},
        )
    if make_available and not wipe:
        _bad("wipe_method", _("Record the data wipe to make donated devices available."))
    with transaction.atomic():
        if donor is None and new_donor and new_donor.get("name"):
            name = new_donor["name"].strip()
            if Donor.objects.filter(organization=organization, name__iexact=name).exists():
                _bad("new_donor_name", _("A donor with this name exists: choose it in the list."))
            donor = Donor.objects.create(organization=organization, name=name, kind=new_donor.get("kind") or "company")
        devices = []
        for serial in serials:
            device = Device(
                organization=organization,
                kind=kind,
                make=make,
                model=model,
                serial=serial,
                source=DeviceSource.DONATED,
                donor=donor,
                grant=grant,
                location=location,
            )
            if condition:
                device.condition = condition
            device_create(device=device, by=by)
            if wipe:
                wipe_record_create(device=device, by=by, **wipe)
            if make_available:
                device_transition(device=device, action="make_available", by=by, note=_("Donation intake"))
            devices.append(device)
    return devices
