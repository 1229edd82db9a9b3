"""Writes on loans: checkout, return, renew, lost, give, cohorts, waiting list, payments.

Every device status change here is a conditional UPDATE (`filter(status=expected).update(...)`) with a
`DeviceEvent` row, so two desks can never lend the same device; the partial unique constraint
`loanitem_one_open_per_device` is the last line of defence.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ports
from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.models import Device
from inventory.services import device_move
from organizations.choices import StaffTaskKind
from organizations.models import Organization, Participant
from organizations.services import participant_lock_if_active

from .choices import (
    KIT_EXTRA_KINDS,
    LoanStatus,
    PaymentKind,
    PaymentMethod,
    PeriodKind,
    ReturnCondition,
    WaitlistStatus,
)
from .models import CardRevealLog, Cohort, Loan, LoanItem, LoanPolicy, Payment, WaitlistEntry, new_public_token

logger = logging.getLogger(__name__)


def today() -> datetime.date:
    """Today as a calendar date in Europe/Brussels (the project's TIME_ZONE): due dates are such dates."""
    return timezone.localdate()


def _not_found(field: str) -> DomainError:
    return DomainError(
        "invalid",
        _("Invalid input: %(fields)s.") % {"fields": field},
        fields={field: [_("Not found in this organisation.")]},
        status_code=400,
    )


def _bad_input(field: str, message: str) -> DomainError:
    return DomainError("invalid", message, fields={field: [message]}, status_code=400)


def _sms_on_commit(*, loan_or_entry, participant: Participant, template: str, context: dict, key: str) -> None:
    """Queue an SMS once the transaction commits: a rolled-back checkout or offer sends nothing."""

    def send():  # messaging, on a floor above, provides the queue (core.ports)
        ports.sms_queue(
            organization=participant.organization,
            participant=participant,
            template=template,
            context=context,
            idempotency_key=key,
            related=loan_or_entry,
        )

    transaction.on_commit(send)


def _loan_sms_context(loan: Loan) -> dict:
    """Placeholders of messaging's `loan_confirmation` text: the due date and the loan-card link."""
    from django.conf import settings

    return {"date": loan.due_on, "link": f"{settings.SITE_URL}/l/{loan.public_token}"}


# --- checkout ---------------------------------------------------------------------------------------


def _due_date(*, policy: LoanPolicy, cohort: Cohort | None, due_on: datetime.date | None) -> datetime.date:
    start = today()
    if due_on is not None:
        if due_on < start:
            raise _bad_input("due_on", _("The due date is in the past."))
        return due_on
    if policy.period_kind == PeriodKind.COHORT:
        if cohort is None:
            raise _bad_input("cohort", _("This policy lends until a course ends: choose the course."))
        if cohort.ends_on < start:
            raise _bad_input("cohort", _("This course has already ended."))
        return cohort.ends_on
    return start + datetime.timedelta(days=policy.period_days or 0)


@transaction.atomic
def loan_checkout(
    *,
    organization: Organization,
    participant: Participant,
    policy: LoanPolicy,
    devices: Sequence[Device],
    cohort: Cohort | None = None,
    accessories: str = "",
    due_on: datetime.date | None = None,
    agreement_signed: bool = False,
    note: str = "",
    by,
) -> Loan:
    """Lend one device or a kit to a participant under a policy whose terms are copied onto the loan.

    Guarantees at most one open loan per device: each device is claimed with a conditional UPDATE
    (available -> on_loan); a device that is not available, or that another desk claimed first,
    makes the whole checkout fail with 409 `device_not_available` and nothing is written.
    """
    if participant.organization_id != organization.id:
        raise _not_found("participant")
    if policy.organization_id != organization.id:
        raise _not_found("policy")
    if cohort is not None and cohort.organization_id != organization.id:
        raise _not_found("cohort")
    devices = list(devices)
    if not devices:
        raise _bad_input("devices", _("Choose at least one device."))
    if len({d.pk for d in devices}) != len(devices):
        raise _bad_input("devices", _("A device is listed twice."))
    if any(d.organization_id != organization.id for d in devices):
        raise _not_found("devices")
    if not participant_lock_if_active(participant):  # read under the lock the retention run takes
        raise DomainError(
            "participant_inactive",
            _("This participant is not active."),
            fields={"participant": [_("This participant is not active.")]},
        )
    if not policy.is_active:
        raise DomainError(
            "policy_inactive", _("This policy is no longer used."), fields={"policy": [_("This policy is not active.")]}
        )
    _check_kit_kinds(policy, devices)
    if policy.agreement_required and not agreement_signed:
        # The rule: under such a policy a device leaves only with the agreement signed at the counter.
        message = _("This policy requires the signed agreement: tick that the participant signed it.")
        raise DomainError("agreement_required", message, fields={"agreement_signed": [message]}, status_code=400)
    due = _due_date(policy=policy, cohort=cohort, due_on=due_on)

    held = (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.OFFERED, offered_device__in=devices, offer_expires_on__gte=today()
        )
        .exclude(participant=participant)
        .select_related("offered_device")
        .first()
    )
    if held is not None:
        message = _("%(tag)s is kept for someone on the waiting list until %(date)s.") % {
            "tag": held.offered_device.asset_tag,
            "date": held.offer_expires_on,
        }
        raise DomainError("device_offered", message, fields={"devices": [message]})

    now = timezone.now()
    loan = Loan.objects.create(
        organization=organization,
        participant=participant,
        policy=policy,
        cohort=cohort,
        started_on=today(),
        due_on=due,
        max_renewals=policy.max_renewals,
        renewal_days=policy.renewal_days,
        renewal_mode=policy.renewal_mode,
        fee_amount=policy.fee_amount,
        fee_period=policy.fee_period,
        deposit_amount=policy.deposit_amount,
        grace_days=policy.grace_days,
        reminder_offsets=list(policy.reminder_offsets or []),
        follow_up_after_days=policy.follow_up_after_days,
        wipe_on_return=policy.wipe_on_return,
        agreement_required=policy.agreement_required,
        agreement_signed_at=now if agreement_signed else None,
        checked_out_by=by,
        note=note,
    )
    for index, device in enumerate(devices):
        if not device_move(
            device=device,
            from_status=DeviceStatus.AVAILABLE,
            to_status=DeviceStatus.ON_LOAN,
            action="loan_checkout",
            by=by,
            note=f"loan #{loan.pk}",
        ):
            raise _device_not_available(device)
        try:
            with transaction.atomic():
                LoanItem.objects.create(loan=loan, device=device, accessories=accessories if index == 0 else "")
        except IntegrityError as error:  # another open loan holds it: the constraint caught what the UPDATE missed
            raise _device_not_available(device) from error

    WaitlistEntry.objects.pending().filter(participant=participant, device_kind__in={d.kind for d in devices}).update(
        status=WaitlistStatus.FULFILLED, loan=loan, closed_at=now
    )
    _sms_on_commit(
        loan_or_entry=loan,
        participant=participant,
        template="loan_confirmation",
        context=_loan_sms_context(loan),
        key=f"loan-confirmation:{loan.pk}",
    )
    return loan


def _check_kit_kinds(policy: LoanPolicy, devices: Sequence[Device]) -> None:
    """A policy for one device kind lends at least one device of that kind; the kit's other devices are of
    that kind or extras (choices.KIT_EXTRA_KINDS: e-ID card reader, 4G modem, charger or accessory).
    Anything else is refused with 409 naming the device. A policy for any kind lends any kit."""
    if not policy.device_kind:
        return
    kind = policy.get_device_kind_display()
    if not any(d.kind == policy.device_kind for d in devices):
        message = _("This policy is for another kind of device (%(kind)s).") % {"kind": kind}
        raise DomainError("policy_kind_mismatch", message, fields={"devices": [message]})
    for device in devices:
        if device.kind != policy.device_kind and device.kind not in KIT_EXTRA_KINDS:
            message = _(
                "%(tag)s (%(device_kind)s) cannot go in this kit. This policy lends: %(kind)s, with only e-ID card "
                "readers, 4G modems and accessories as extras."
            ) % {
                "tag": device.asset_tag,
                "device_kind": str(device.get_kind_display()).lower(),
                "kind": str(kind).lower(),
            }
            raise DomainError("policy_kind_mismatch", message, fields={"devices": [message]})


def _device_not_available(device: Device) -> DomainError:
    status = Device.objects.filter(pk=device.pk).values_list("status", flat=True).first()
    label = DeviceStatus(status).label if status in DeviceStatus.values else status
    message = _("%(tag)s cannot be lent: it is %(status)s.") % {"tag": device.asset_tag, "status": str(label).lower()}
    return DomainError("device_not_available", message, fields={"devices": [message]})


# --- closing a loan ---------------------------------------------------------------------------------


def _lock_open_loan(loan: Loan) -> Loan:
    locked = Loan.objects.select_for_update(of=("self",)).select_related("organization", "participant").get(pk=loan.pk)
    if locked.status != LoanStatus.ACTIVE:
        raise DomainError(
            "loan_closed",
            _("This loan is already closed (%(status)s).") % {"status": str(locked.get_status_display()).lower()},
        )
    return locked


def _close_items(
    *,
    loan: Loan,
    items: Iterable[LoanItem],
    to_status: str,
    action: str,
    by,
    condition: str = "",
    accessories_returned: str = "",
    note: str = "",
) -> list[Device]:
    now = timezone.now()
    moved = []
    for item in items:
        closed = LoanItem.objects.filter(pk=item.pk, closed_at__isnull=True).update(
            closed_at=now,
            return_condition=condition,
            accessories_returned=accessories_returned,
            checked_in_by=by,
        )
        if not closed:
            raise DomainError("loan_item_closed", _("%(tag)s was already taken back.") % {"tag": item.device.asset_tag})
        if not device_move(
            device=item.device,
            from_status=DeviceStatus.ON_LOAN,
            to_status=to_status,
            action=action,
            by=by,
            note=note or f"loan #{loan.pk}",
        ):
            logger.warning("device %s of loan %s was not on loan when closed", item.device_id, loan.pk)
        moved.append(item.device)
    return moved


def _finish(loan: Loan, *, status: str, by, note: str = "", reason: str) -> None:
    loan.status = status
    loan.closed_at = timezone.now()
    loan.checked_in_by = by
    if note:
        loan.note = f"{loan.note}\n{note}".strip()
    loan._change_reason = reason
    loan.save()


@transaction.atomic
def loan_return(
    *,
    loan: Loan,
    by,
    devices: Sequence[Device] | None = None,
    condition: str = ReturnCondition.GOOD,
    accessories_returned: str = "",
    note: str = "",
) -> Loan:
    """Take back all items of a loan, or some items of a kit; the loan closes when the last item is back.

    Devices go to in_repair when damaged, to wiping when the loan says returned devices are wiped,
    else back to available (and are offered to the next person on the waiting list).
    """
    loan = _lock_open_loan(loan)
    open_items = list(loan.items.filter(closed_at__isnull=True).select_related("device"))
    if devices is None:
        items = open_items
    else:
        wanted = {d.pk for d in devices}
        items = [item for item in open_items if item.device_id in wanted]
        if not wanted or len(items) != len(wanted):
            raise _bad_input("devices", _("Some of these devices are not out on this loan."))
    if condition == ReturnCondition.DAMAGED:
        to_status = DeviceStatus.IN_REPAIR
    elif loan.wipe_on_return:
        to_status = DeviceStatus.WIPING
    else:
        to_status = DeviceStatus.AVAILABLE
    back = _close_items(
        loan=loan,
        items=items,
        to_status=to_status,
        action="loan_return",
        by=by,
        condition=condition,
        accessories_returned=accessories_returned,
        note=note,
    )
    if len(items) == len(open_items):
        _finish(loan, status=LoanStatus.RETURNED, by=by, note=note, reason="returned")
    if to_status == DeviceStatus.AVAILABLE:
        for device in back:
            waitlist_offer_next(device=device, by=by)
    return loan


@transaction.atomic
def loan_mark_lost(*, loan: Loan, by, stolen: bool = False, note: str = "") -> Loan:
    """Close a loan whose devices are lost or stolen; no fine, the devices leave the stock."""
    loan = _lock_open_loan(loan)
    items = list(loan.items.filter(closed_at__isnull=True).select_related("device"))
    to_status = DeviceStatus.STOLEN if stolen else DeviceStatus.LOST
    _close_items(loan=loan, items=items, to_status=to_status, action="loan_lost", by=by, note=note)
    _finish(loan, status=LoanStatus.LOST, by=by, note=note, reason="stolen" if stolen else "lost")
    return loan


@transaction.atomic
def loan_give(*, loan: Loan, by, note: str = "") -> Loan:
    """Loan-to-own: the participant keeps the devices still out; they become given_away and the loan closes.

    The handover document is `loans.documents.handover_pdf(loan)`.
    """
    loan = _lock_open_loan(loan)
    items = list(loan.items.filter(closed_at__isnull=True).select_related("device"))
    _close_items(loan=loan, items=items, to_status=DeviceStatus.GIVEN_AWAY, action="loan_give", by=by, note=note)
    _finish(loan, status=LoanStatus.GIVEN, by=by, note=note, reason="given to the participant")
    return loan


# --- renewals, tokens, agreement ---------------------------------------------------------------------


def renewals_left(loan: Loan) -> int:
    return max(loan.max_renewals - loan.renewals_count, 0)


@transaction.atomic
def loan_renew(*, loan: Loan, by) -> Loan:
    """Extend the due date by the loan's renewal length, within the number of renewals it allows."""
    loan = _lock_open_loan(loan)
    if not loan.renewal_days:
        raise DomainError("not_renewable", _("This loan cannot be renewed: it runs until a fixed date."))
    if loan.renewals_count >= loan.max_renewals:
        raise DomainError(
            "renewal_limit",
            _("This loan was already renewed %(count)s times, the most its policy allows.")
            % {"count": loan.renewals_count},
        )
    if loan.policy.refuse_renewal_when_waitlist:
        kinds = set(loan.items.filter(closed_at__isnull=True).values_list("device__kind", flat=True))
        if WaitlistEntry.objects.pending().filter(organization_id=loan.organization_id, device_kind__in=kinds).exists():
            raise DomainError(
                "waitlist_waiting", _("Someone is waiting for this kind of device, so this loan cannot be renewed.")
            )
    previous = loan.due_on
    loan.due_on = max(loan.due_on, today()) + datetime.timedelta(days=loan.renewal_days)
    loan.renewals_count += 1
    loan._change_reason = f"renewed: due {previous} -> {loan.due_on}"
    loan.save(update_fields=["due_on", "renewals_count", "updated_at"])
    return loan


@transaction.atomic
def loan_token_rotate(*, loan: Loan, by) -> Loan:
    """A new loan-card token; the old QR code stops working at once."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    loan.public_token = new_public_token()
    loan.token_revoked_at = None
    loan._change_reason = "loan card token rotated"
    loan.save(update_fields=["public_token", "token_revoked_at", "updated_at"])
    return loan


def card_reveal_record(*, loan: Loan, by, purpose: str, where: str) -> CardRevealLog:
    """One row for each time a loan card's link was shown or printed in clear (see CardRevealLog)."""
    return CardRevealLog.objects.create(
        organization_id=loan.organization_id, loan=loan, by=by, purpose=purpose, where=where
    )


@transaction.atomic
def loan_token_revoke(*, loan: Loan, by) -> Loan:
    """The QR code stops working; rotate to issue a new one."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.token_revoked_at is None:
        loan.token_revoked_at = timezone.now()
        loan._change_reason = "loan card token revoked"
        loan.save(update_fields=["token_revoked_at", "updated_at"])
    return loan


@transaction.atomic
def loan_agreement_sign(*, loan: Loan, by) -> Loan:
    """Record that the participant signed the printed agreement."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.agreement_signed_at is not None:
        raise DomainError("agreement_signed", _("The agreement is already signed."))
    loan.agreement_signed_at = timezone.now()
    loan.save(update_fields=["agreement_signed_at", "updated_at"])
    return loan


# --- cohorts ----------------------------------------------------------------------------------------


@transaction.atomic
def cohort_move_end(*, cohort: Cohort, ends_on: datetime.date, by) -> Cohort:
    """Move a course's end date and the due date of every open loan tied to it (each change in the loan's history)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if ends_on < cohort.starts_on:
        raise _bad_input("ends_on", _("The end date is before the start date."))
    previous = cohort.ends_on
    if previous == ends_on:
        return cohort
    cohort.ends_on = ends_on
    cohort._change_reason = f"end moved {previous} -> {ends_on}"
    cohort.save()
    for loan in Loan.objects.open().filter(cohort=cohort).select_for_update():
        new_due = max(ends_on, loan.started_on)
        if loan.due_on != new_due:
            loan._change_reason = f"course end moved: due {loan.due_on} -> {new_due}"
            loan.due_on = new_due
            loan.save(update_fields=["due_on", "updated_at"])
    return cohort


# --- overdue follow-ups -----------------------------------------------------------------------------


def loan_follow_ups_ensure(*, on: datetime.date | None = None) -> int:
    """A staff task (call or visit) per loan overdue for at least its `follow_up_after_days`, counted from the
    end of its grace days (`overdue_after`); idempotent."""
    from organizations.services import staff_task_ensure

    on = on or today()
    ensured = 0
    overdue = Loan.objects.overdue(on=on).select_related("organization", "participant").order_by("overdue_after", "id")
    for loan in overdue.iterator(chunk_size=500):
        if (on - loan.overdue_after).days < loan.follow_up_after_days:
            continue
        key = f"loan-follow-up:{loan.id}:{loan.due_on}"
        title = _("Call or visit %(name)s: loan #%(id)s was due on %(due)s") % {
            "name": loan.participant.display_name,
            "id": loan.id,
            "due": loan.due_on.isoformat(),
        }
        staff_task_ensure(
            organization=loan.organization,
            kind=StaffTaskKind.LOAN_FOLLOW_UP,
            key=key,
            title=title,
            due_on=on,
            participant=loan.participant,
            related=loan,
        )
        ensured += 1
    return ensured


# --- waiting list -----------------------------------------------------------------------------------


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
    entry.offer_expires_on = today() + datetime.timedelta(days=entry.offer_days)
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
    from django.utils import translation

    language = participant.preferred_language if participant.preferred_language in ("nl", "fr", "en") else "fr"
    with translation.override(language):
        return str(device.get_kind_display()).lower()


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


# --- payments ---------------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    loan: Loan,
    kind: str,
    amount: Decimal,
    method: str = PaymentMethod.CASH,
    received_on: datetime.date | None = None,
    note: str = "",
    by,
) -> Payment:
    """Write a fee or deposit received into the ledger."""
    if amount is None or Decimal(amount) <= 0:
        raise _bad_input("amount", _("The amount must be more than zero."))
    if kind not in PaymentKind.values:
        raise _bad_input("kind", _("Unknown kind of payment."))
    return Payment.objects.create(
        organization_id=loan.organization_id,
        loan=loan,
        kind=kind,
        amount=amount,
        method=method,
        received_on=received_on or today(),
        received_by=by,
        note=note,
    )


@transaction.atomic
def payment_refund(*, payment: Payment, by) -> Payment:
    """Mark a payment (usually a deposit) as given back; once only."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.refunded_at is not None:
        raise DomainError("already_refunded", _("This payment was already refunded."))
    payment.refunded_at = timezone.now()
    payment.refunded_by = by
    payment.save(update_fields=["refunded_at", "refunded_by"])
    return payment
