"""The waiting list: joining, cancelling, offering a free device to the next in line, expiring offers."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.models import Device
from organizations.calendar import next_opening_day
from organizations.models import Organization, Participant
from organizations.services import participant_lock_if_active

from ..choices import WaitlistStatus
from ..models import WaitlistEntry
from ._common import _not_found, _sms_on_commit, today


@transaction.atomic
def waitlist_add(
    *, organization: Organization, participant: Participant, device_kind: str, by, offer_days: int = 3, note: str = ""
) -> WaitlistEntry:
    """Put a participant in line for a device kind; an available device is offered at once."""
    if participant.organization_id != organization.id:
        raise _not_found("participant")
    if not participant_lock_if_active(participant):  # read under the lock the retention run takes
        message = _("This participant is not active.")
        raise DomainError("participant_inactive", message, fields={"participant": [message]})
    if WaitlistEntry.objects.pending().filter(participant=participant, device_kind=device_kind).exists():
        message = _("This person is already on the waiting list for this kind of device.")
        raise DomainError("already_waiting", message, fields={"device_kind": [message]})
    entry = WaitlistEntry.objects.create(
        organization=organization,
        participant=participant,
        device_kind=device_kind,
        offer_days=offer_days,
        note=note,
        created_by=by,
    )
    waitlist_offer_scan(organization=organization, device_kind=device_kind)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def waitlist_cancel(*, entry: WaitlistEntry, by) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        raise DomainError("waitlist_closed", _("This waiting-list entry is already closed."))
    device = entry.offered_device if entry.status == WaitlistStatus.OFFERED else None
    entry.status = WaitlistStatus.CANCELLED
    entry.closed_at = timezone.now()
    entry.save()
    if device is not None:
        waitlist_offer_next(device=device, by=by)
    return entry


@transaction.atomic
def waitlist_offer_next(*, device: Device, by=None) -> WaitlistEntry | None:
    """Offer an available device to the next person waiting for its kind (first come, first offered)."""
    if device.status != DeviceStatus.AVAILABLE:
        return None
    if WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED, offered_device=device).exists():
        return None
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(organization_id=device.organization_id, device_kind=device.kind, status=WaitlistStatus.WAITING)
        .select_related("participant__organization")
        .order_by("created_at", "id")
        .first()
    )
    if entry is None:
        return None
    entry.status = WaitlistStatus.OFFERED
    entry.offered_device = device
    entry.offered_at = timezone.now()
    entry.offer_expires_on = next_opening_day(
        entry.organization_id, today() + datetime.timedelta(days=entry.offer_days)
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # offered to someone else at the same moment
        return None
    _sms_on_commit(
        loan_or_entry=entry,
        participant=entry.participant,
        template="waitlist_offer",
        context={"date": entry.offer_expires_on, "device": _device_word(device, entry.participant)},
        key=f"waitlist-offer:{entry.pk}:{device.pk}",
    )
    return entry


def _device_word(device: Device, participant: Participant) -> str:
    """The device kind in the participant's words and language, Arabic included (inventory.texts)."""
    from django.utils import translation

    from inventory.texts import device_label

    language = participant.preferred_language if participant.preferred_language in ("nl", "fr", "en", "ar") else "fr"
    with translation.override(language):
        word = device_label(device.kind)
    return word if language == "ar" else word.lower()


def waitlist_offer_scan(*, organization: Organization | None = None, device_kind: str | None = None) -> int:
    """Offer every available, not yet offered device to the people waiting for its kind."""
    waiting = WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
    if organization is not None:
        waiting = waiting.filter(organization=organization)
    if device_kind is not None:
        waiting = waiting.filter(device_kind=device_kind)
    offered = 0
    for org_id, kind in waiting.values_list("organization_id", "device_kind").distinct():
        devices = (
            Device.objects.lendable()
            .filter(organization_id=org_id, kind=kind)
            .exclude(waitlist_offers__status=WaitlistStatus.OFFERED)
            .order_by("asset_tag")
        )
        for device in devices:
            if waitlist_offer_next(device=device) is None:
                break
            offered += 1
    return offered


@transaction.atomic
def waitlist_offers_expire(*, on: datetime.date | None = None) -> int:
    """Offers past their date expire; each freed device goes to the next person in line."""
    on = on or today()
    expired = list(
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(status=WaitlistStatus.OFFERED, offer_expires_on__lt=on)
        .select_related("offered_device")
    )
    for entry in expired:
        entry.status = WaitlistStatus.EXPIRED
        entry.closed_at = timezone.now()
        entry.save()
    for entry in expired:
        if entry.offered_device is not None:
            entry.offered_device.refresh_from_db(fields=["status"])
            waitlist_offer_next(device=entry.offered_device)
    return len(expired)
