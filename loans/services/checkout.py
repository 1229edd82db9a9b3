"""Lending and taking back: checkout, return, lost or stolen, loan-to-own.

Every device status change here is a conditional UPDATE (`filter(status=expected).update(...)`) with a
`DeviceEvent` row, so two desks can never lend the same device; the partial unique constraint
`loanitem_one_open_per_device` is the last line of defence.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.models import Device
from inventory.services import device_move
from organizations.calendar import next_opening_day as _next_opening_day
from organizations.models import Organization, Participant
from organizations.services import participant_lock_if_active

from ..choices import KIT_EXTRA_KINDS, LoanStatus, PeriodKind, ReturnCondition, WaitlistStatus
from ..models import Cohort, Loan, LoanItem, LoanPolicy, WaitlistEntry
from ._common import _bad_input, _loan_sms_context, _lock_open_loan, _not_found, _sms_on_commit, today
from .cards import signature_png
from .holds import cohort_holds_check, loan_cap_check
from .waitlist import waitlist_offer_next

logger = logging.getLogger(__name__)


# --- checkout ---------------------------------------------------------------------------------------


def loan_due_date(
    *, policy: LoanPolicy, cohort: Cohort | None, due_on: datetime.date | None, calendar=None
) -> datetime.date:
    """The date typed at the desk as it is; a computed one (the policy's days, the course's end) moves to
    the organisation's next opening day, so no participant is told to come back when the door is shut.
    `calendar`: the organisation's organizations.calendar.Week, read once for many policies."""
    start = today()

    def next_opening_day(day):
        if calendar is not None:
            return calendar.next_opening_day(day)
        return _next_opening_day(policy.organization_id, day)

    if due_on is not None:
        if due_on < start:
            raise _bad_input("due_on", _("The due date is in the past."))
        return due_on
    if policy.period_kind == PeriodKind.COHORT:
        if cohort is None:
            raise _bad_input("cohort", _("This policy lends until a course ends: choose the course."))
        if cohort.ends_on < start:
            raise _bad_input("cohort", _("This course has already ended."))
        return next_opening_day(cohort.ends_on)
    return next_opening_day(start + datetime.timedelta(days=policy.period_days or 0))


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
    signature: str | bytes | None = None,
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
    for device in devices:
        if device.centre_use:
            message = _("%(tag)s is for use in the centre: start a session for it instead.") % {"tag": device.asset_tag}
            raise DomainError("device_centre_use", message, fields={"devices": [message]})
    signature = signature_png(signature)  # signed on the tablet: that is a signed agreement
    agreement_signed = agreement_signed or signature is not None
    if policy.agreement_required and not agreement_signed:
        # The rule: under such a policy a device leaves only with the agreement signed at the counter.
        message = _("This policy requires the signed agreement: tick that the participant signed it.")
        raise DomainError("agreement_required", message, fields={"agreement_signed": [message]}, status_code=400)
    due = loan_due_date(policy=policy, cohort=cohort, due_on=due_on)
    loan_cap_check(participant=participant, policy=policy)  # under the participant's lock, taken above

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
        agreement_signature=signature,
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
    cohort_holds_check(organization=organization, devices=devices, cohort=cohort)  # counted after the claims

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
