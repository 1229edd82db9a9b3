"""Writes on digicheques: batches, reveal, issue, spend, redeem, void, expire."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.errors import DomainError
from inventory.models import Device, RepairTicket

from ..choices import DigichequeStatus, DigichequeUse
from ..models import ChequeRevealLog, Digicheque, DigichequeBatch
from ._common import _active_participant, _bad_input, _same_organization, _transition

MAX_CHEQUES_PER_BATCH = 10_000


def digicheque_reveal(*, cheque: Digicheque, by, reason: str = "") -> str:
    """The cheque's serial in clear; every call leaves a reveal log row."""
    ChequeRevealLog.objects.create(organization_id=cheque.organization_id, cheque=cheque, by=by, reason=reason[:255])
    return cheque.serial


@transaction.atomic
def digicheque_batch_create(
    *,
    organization,
    supplier: str,
    unit_value: Decimal,
    purchase_price: Decimal,
    by,
    serials: list[str] | None = None,
    serial_prefix: str = "",
    first_number: int | None = None,
    last_number: int | None = None,
    purchased_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    grant=None,
) -> DigichequeBatch:
    """A batch and its cheques, from a list of serial numbers or a numbered range; serials are unique."""
    _same_organization(grant, organization.id, "grant")
    if serials and first_number is not None:
        raise _bad_input("serials_ambiguous", "serials", _("Give either a list of serial numbers or a range."))
    if not serials:
        if first_number is None or last_number is None:
            raise _bad_input("serials_required", "serials", _("Give the serial numbers or a range."))
        if last_number < first_number:
            raise _bad_input("range_invalid", "last_number", _("The range ends before it starts."))
        if last_number - first_number + 1 > MAX_CHEQUES_PER_BATCH:
            raise _bad_input(
                "range_too_long", "last_number", _("At most %(n)d cheques per batch.") % {"n": MAX_CHEQUES_PER_BATCH}
            )
        width = len(str(last_number))
        serials = [f"{serial_prefix}{number:0{width}d}" for number in range(first_number, last_number + 1)]
    serials = [serial.strip() for serial in serials]
    if any(not serial or len(serial) > 40 for serial in serials):
        raise _bad_input("serial_invalid", "serials", _("A serial number is 1 to 40 characters."))
    if len(serials) > MAX_CHEQUES_PER_BATCH:
        message = _("At most %(n)d cheques per batch.") % {"n": MAX_CHEQUES_PER_BATCH}
        raise _bad_input("serials_too_many", "serials", message)
    repeated = sorted({serial for serial in serials if serials.count(serial) > 1}) if len(serials) < 2000 else []
    if len(set(serials)) != len(serials):
        raise _bad_input(
            "serial_repeated",
            "serials",
            _("Serial numbers repeated: %(serials)s.") % {"serials": ", ".join(repeated[:10]) or "…"},
        )
    existing = list(
        Digicheque.objects.filter(organization=organization, serial__in=serials).values_list("serial", flat=True)[:10]
    )
    if existing:
        raise _bad_input(
            "serial_exists",
            "serials",
            _("These serial numbers already exist: %(serials)s.") % {"serials": ", ".join(existing)},
        )
    if expires_on and purchased_on and expires_on < purchased_on:
        raise _bad_input("date_order", "expires_on", _("The expiry date is before the purchase date."))
    batch = DigichequeBatch.objects.create(
        organization=organization,
        supplier=supplier,
        unit_value=unit_value,
        purchase_price=purchase_price,
        quantity=len(serials),
        purchased_on=purchased_on or timezone.localdate(),
        expires_on=expires_on,
        grant=grant,
        created_by=by,
    )
    bulk_create_with_history(
        [Digicheque(organization=organization, batch=batch, serial=serial) for serial in serials],
        Digicheque,
        default_user=by,
    )
    return batch


def _cheque_refused(cheque: Digicheque, action: str) -> DomainError:
    messages = {
        DigichequeStatus.ISSUED: _("This digicheque was already handed out."),
        DigichequeStatus.REDEEMED: _("This digicheque was already redeemed."),
        DigichequeStatus.EXPIRED: _("This digicheque has expired."),
        DigichequeStatus.VOID: _("This digicheque was voided."),
        DigichequeStatus.IN_STOCK: _("This digicheque was not handed out yet."),
    }
    return DomainError(f"cheque_cannot_{action}", messages[cheque.status], fields={"cheque": []})


def _check_not_expired(cheque: Digicheque) -> None:
    expires_on = cheque.batch.expires_on
    if expires_on and expires_on < timezone.localdate():
        raise DomainError("cheque_expired", _("This digicheque has expired."), fields={"cheque": []})


@transaction.atomic
def digicheque_issue(*, cheque: Digicheque, participant, by, price_charged: Decimal = Decimal("0")) -> Digicheque:
    """Hand a cheque to a participant, free or at a reduced price (recorded, at most its value)."""
    _active_participant(participant, cheque.organization_id)
    if price_charged is None or price_charged < 0 or price_charged > cheque.batch.unit_value:
        raise _bad_input(
            "price_invalid", "price_charged", _("The price charged is between 0 and the value of the cheque.")
        )
    _check_not_expired(cheque)
    values = {
        "status": DigichequeStatus.ISSUED,
        "status_changed_at": timezone.now(),
        "use": DigichequeUse.PARTICIPANT,
        "participant": participant,
        "price_charged": price_charged,
        "issued_at": timezone.now(),
        "issued_by": by,
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.IN_STOCK], values=values, by=by, reason="issue"):
        raise _cheque_refused(cheque, "issue")
    return cheque


@transaction.atomic
def digicheque_spend(
    *,
    cheque: Digicheque,
    by,
    repair_reference: str = "",
    repair_ticket: RepairTicket | None = None,
    device: Device | None = None,
) -> Digicheque:
    """Use a cheque for the organisation's own repair (an inventory repair ticket, or a reference in words)."""
    if repair_ticket is not None:
        _same_organization(repair_ticket.device, cheque.organization_id, "repair_ticket")
        device = device or repair_ticket.device
        repair_reference = repair_reference or f"#{repair_ticket.pk} {repair_ticket.problem}"
    repair_reference = (repair_reference or "").strip()
    if not repair_reference:
        raise _bad_input("ticket_required", "repair_reference", _("Name the repair ticket."))
    _same_organization(device, cheque.organization_id, "device")
    _check_not_expired(cheque)
    values = {
        "status": DigichequeStatus.ISSUED,
        "status_changed_at": timezone.now(),
        "use": DigichequeUse.REPAIR,
        "repair_reference": repair_reference[:80],
        "repair_ticket": repair_ticket,
        "device": device,
        "price_charged": Decimal("0"),
        "issued_at": timezone.now(),
        "issued_by": by,
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.IN_STOCK], values=values, by=by, reason="spend"):
        raise _cheque_refused(cheque, "spend")
    return cheque


@transaction.atomic
def digicheque_redeem(*, cheque: Digicheque, purpose: str, by, redeemed_on: datetime.date | None = None) -> Digicheque:
    """The help was given and the provider took the cheque: issued -> redeemed, once."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise _bad_input("purpose_required", "purpose", _("Say what the help was for."))
    redeemed_on = redeemed_on or timezone.localdate()
    if redeemed_on > timezone.localdate():
        raise _bad_input("date_in_future", "redeemed_on", _("The date cannot be in the future."))
    values = {
        "status": DigichequeStatus.REDEEMED,
        "status_changed_at": timezone.now(),
        "redeemed_on": redeemed_on,
        "redeemed_purpose": purpose[:255],
    }
    if not _transition(cheque, allowed_from=[DigichequeStatus.ISSUED], values=values, by=by, reason="redeem"):
        raise _cheque_refused(cheque, "redeem")
    return cheque


@transaction.atomic
def digicheque_void(*, cheque: Digicheque, reason: str, by) -> Digicheque:
    """Cancel a cheque that was lost or misprinted (not after it was redeemed)."""
    reason = (reason or "").strip()
    if not reason:
        raise _bad_input("reason_required", "reason", _("Say why the cheque is voided."))
    values = {"status": DigichequeStatus.VOID, "status_changed_at": timezone.now(), "void_reason": reason[:255]}
    if not _transition(
        cheque, allowed_from=[DigichequeStatus.IN_STOCK, DigichequeStatus.ISSUED], values=values, by=by, reason="void"
    ):
        raise _cheque_refused(cheque, "void")
    return cheque


def digicheques_expire_due(*, today: datetime.date | None = None, chunk: int = 1000) -> int:
    """Cheques in stock or handed out but not redeemed, past their batch's expiry date, expire. Idempotent."""
    today = today or timezone.localdate()
    open_statuses = [DigichequeStatus.IN_STOCK, DigichequeStatus.ISSUED]
    due = Digicheque.objects.filter(Q(batch__expires_on__lt=today), status__in=open_statuses)
    done = 0
    while True:
        ids = list(due.values_list("pk", flat=True)[:chunk])
        if not ids:
            return done
        with transaction.atomic():
            now = timezone.now()
            done += Digicheque.objects.filter(pk__in=ids, status__in=open_statuses).update(
                status=DigichequeStatus.EXPIRED, status_changed_at=now
            )
            expired = list(
                Digicheque.objects.filter(pk__in=ids, status=DigichequeStatus.EXPIRED, status_changed_at=now)
            )
            Digicheque.history.bulk_history_create(expired, update=True, default_change_reason="expire")
