"""Courses: their members, devices held ahead for them, the cap on open loans, and lending to or taking back
from a whole course at once.

The hold rule (checked by `loan_checkout` for every checkout, at the desk, in the API or for a group):

    A reservation is *open* from its creation until it is released or its course has ended. While open, it
    needs `quantity` devices of its kind minus the devices of that kind already lent for its course (on any
    loan of that course, returned or not: the group checkout "uses" the hold as it lends). After a checkout,
    the organisation's available devices of each kind must still cover what the open reservations of that
    kind need. A checkout that would break it is refused with 409 `device_held`, naming the course. The
    course's own checkout is not blocked by its own hold: the devices it takes shrink that hold by as many.

The cap: a policy with `max_open_loans_per_person` set lends a participant at most that many open loans
under it; one more is refused with 409 `loan_cap`. `loan_checkout` already holds the participant's row lock
(participant_lock_if_active), so two desks lending to one person are serialised and cannot both pass.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from inventory.choices import DeviceKind
from inventory.models import Device
from organizations.models import Participant

from ..models import Cohort, CohortMember, CohortReservation, Loan, LoanPolicy
from ._common import _bad_input, _not_found, today
from .checkout import loan_checkout, loan_return
from .holds import cohort_holds_check, loan_cap_check, open_reservations, reservation_needs  # noqa: F401

# --- members and reservations ----------------------------------------------------------------------


@transaction.atomic
def cohort_member_add(*, cohort: Cohort, participant: Participant, by=None) -> CohortMember:
    """Add a participant of the course's organisation to it; adding one already there returns that row."""
    if participant.organization_id != cohort.organization_id:
        raise _not_found("participant")
    member, _created = CohortMember.objects.get_or_create(
        cohort=cohort, participant=participant, defaults={"organization_id": cohort.organization_id}
    )
    return member


def cohort_member_remove(*, cohort: Cohort, participant: Participant, by=None) -> None:
    CohortMember.objects.filter(cohort=cohort, participant=participant).delete()


@transaction.atomic
def cohort_reservation_create(*, cohort: Cohort, device_kind: str, quantity: int, by) -> CohortReservation:
    """Hold `quantity` devices of a kind for a course that has not ended; one open hold per course and kind."""
    if device_kind not in DeviceKind.values:
        raise _bad_input("device_kind", _("Choose a device kind."))
    if quantity is None or quantity < 1:
        raise _bad_input("quantity", _("Hold at least one device."))
    if cohort.ends_on < today():
        raise _bad_input("cohort", _("This course has already ended."))
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one open hold per kind, checked under lock
    if CohortReservation.objects.filter(cohort=cohort, device_kind=device_kind, released_at__isnull=True).exists():
        raise _bad_input("device_kind", _("Devices of this kind are already held for this course: release that first."))
    return CohortReservation.objects.create(
        organization_id=cohort.organization_id, cohort=cohort, device_kind=device_kind, quantity=quantity, created_by=by
    )


def cohort_reservation_release(*, reservation: CohortReservation, by) -> CohortReservation:
    """Stop holding: the devices are free for anyone again. Releasing twice changes nothing."""
    CohortReservation.objects.filter(pk=reservation.pk, released_at__isnull=True).update(released_at=timezone.now())
    reservation.refresh_from_db()
    return reservation


# --- a whole course at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    participant: Participant
    device: Device | None  # None: this person gets nothing now


class GroupError(DomainError):
    """A refusal tied to one row of a group form: `row` is its index (0-based)."""

    def __init__(self, error: DomainError, row: int):
        super().__init__(error.code, error.message, fields=error.fields, status_code=error.status_code)
        self.row = row


@transaction.atomic
def cohort_checkout(
    *, cohort: Cohort, policy: LoanPolicy, rows: Sequence[GroupRow], agreement_signed: bool = False, by
) -> list[Loan]:
    """Lend one device to each person of a course, all or nothing: one transaction for the whole group.

    Each row goes through `loan_checkout` (its hold, cap, device claim and SMS on commit), so the group
    obeys exactly the rules of a single checkout. A row without a device gives that person nothing. The
    first refusal raises a `GroupError` naming its row; the transaction rolls back, no loan is kept and no
    SMS is sent.
    """
    lending = [(index, row) for index, row in enumerate(rows) if row.device is not None]  # keep the form's rows
    if not lending:
        raise _bad_input("rows", _("Scan or type at least one device."))
    seen = set()
    for index, row in lending:  # the second row naming a device is the one in error
        if row.device.pk in seen:
            message = _("%(tag)s is on two rows.") % {"tag": row.device.asset_tag}
            raise GroupError(_bad_input("device", message), index)
        seen.add(row.device.pk)
    member_ids = set(CohortMember.objects.filter(cohort=cohort).values_list("participant_id", flat=True))
    loans = []
    for index, row in lending:
        if row.participant.pk not in member_ids:
            raise GroupError(_bad_input("participant", _("This person is not in the course.")), index)
        try:
            loans.append(
                loan_checkout(
                    organization=cohort.organization,
                    participant=row.participant,
                    policy=policy,
                    devices=[row.device],
                    cohort=cohort,
                    agreement_signed=agreement_signed,
                    by=by,
                )
            )
        except DomainError as error:
            raise GroupError(error, index) from error
    return loans


@transaction.atomic
def cohort_return(*, cohort: Cohort, loans: Sequence[Loan], by) -> list[Loan]:
    """Take back the given open loans of a course, all in one transaction (loan_return for each)."""
    if not loans:
        raise _bad_input("loans", _("Tick or scan at least one device."))
    if any(loan.cohort_id != cohort.pk for loan in loans):
        raise _not_found("loans")
    return [loan_return(loan=loan, by=by) for loan in loans]


def cohort_open_loans(cohort: Cohort):
    return (
        Loan.objects.open()
        .filter(cohort=cohort)
        .select_related("participant")
        .prefetch_related("items__device")
        .order_by("participant__display_name", "pk")
    )


__all__ = [
    "GroupError",
    "GroupRow",
    "cohort_checkout",
    "cohort_holds_check",
    "cohort_member_add",
    "cohort_member_remove",
    "cohort_open_loans",
    "cohort_reservation_create",
    "cohort_reservation_release",
    "cohort_return",
    "loan_cap_check",
    "open_reservations",
    "reservation_needs",
]
