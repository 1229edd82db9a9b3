"""The two rules every checkout obeys, at the desk, in the API and for a group: devices held for a course
(the hold rule) and the cap on open loans per person. Both are explained in loans/services/cohorts.py.

Called by `loan_checkout` (checkout.py), which the group checkout (cohorts.py) calls in turn: living here,
below both, they tie the two without a circle.
"""

import datetime
from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import gettext as _

from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from organizations.models import Organization, Participant

from ..models import Cohort, CohortReservation, Loan, LoanItem, LoanPolicy
from ._common import today

# --- the rules loan_checkout calls -----------------------------------------------------------------


def loan_cap_check(*, participant: Participant, policy: LoanPolicy, adding: int = 1) -> None:
    """Refuse (409 `loan_cap`) a checkout that would give the participant more open loans under `policy` than
    its cap. Call it with the participant's row locked (loan_checkout does), so the count cannot go stale."""
    cap = policy.max_open_loans_per_person
    if cap is None:
        return
    open_count = Loan.objects.open().filter(participant=participant, policy=policy).count()
    if open_count + adding > cap:
        message = _(
            "%(name)s already has %(count)s open loan(s) under “%(policy)s”, which allows at most %(cap)s per person."
        ) % {"name": participant.display_name, "count": open_count, "policy": policy.name, "cap": cap}
        raise DomainError("loan_cap", message, fields={"participant": [message]})


def open_reservations(*, organization_id: int, kinds=None, on: datetime.date | None = None):
    """Reservations still holding devices: not released, and their course not yet ended."""
    queryset = CohortReservation.objects.filter(
        organization_id=organization_id, released_at__isnull=True, cohort__ends_on__gte=on or today()
    )
    if kinds is not None:
        queryset = queryset.filter(device_kind__in=list(kinds))
    return queryset


def _lent_for_course(reservations: Sequence[CohortReservation]) -> dict[tuple[int, str], int]:
    """Devices of each (course, kind) already lent on that course's loans: what each hold has used."""
    if not reservations:
        return {}
    rows = (
        LoanItem.objects.filter(
            loan__cohort_id__in={r.cohort_id for r in reservations},
            device__kind__in={r.device_kind for r in reservations},
        )
        .values_list("loan__cohort_id", "device__kind")
        .annotate(n=Count("id"))
    )
    return {(cohort_id, kind): n for cohort_id, kind, n in rows}


def reservation_needs(reservations: Sequence[CohortReservation]) -> dict[int, int]:
    """What each open reservation still holds (by id): its quantity minus what its course already took."""
    used = _lent_for_course(reservations)
    return {r.pk: max(r.quantity - used.get((r.cohort_id, r.device_kind), 0), 0) for r in reservations}


def cohort_holds_check(*, organization: Organization, devices: Sequence[Device], cohort: Cohort | None) -> None:
    """Refuse (409 `device_held`) a checkout that leaves fewer available devices of a kind than open holds need.

    Call it after the devices were claimed (status on_loan, LoanItems written) in the same transaction.
    Locking: the open reservations of the kinds concerned are locked with SELECT ... FOR UPDATE before the
    available devices are counted. Every checkout of a held kind takes that same lock, so two checkouts
    are serialised: the second counts after the first committed (READ COMMITTED sees its claims) and
    cannot also pass. Kinds nobody holds take no lock and cost one query. On SQLite, which has no row
    locks, the whole database is locked by the writing transaction, which serialises just the same.
    """
    kinds = {d.kind for d in devices}
    reservations = list(
        open_reservations(organization_id=organization.pk, kinds=kinds)
        .select_for_update(of=("self",))
        .select_related("cohort")
        .order_by("pk")  # one lock order for everyone: no deadlock between two checkouts
    )
    if not reservations:
        return
    needs = reservation_needs(reservations)
    available = dict(
        Device.objects.filter(
            organization=organization, kind__in={r.device_kind for r in reservations}, status=DeviceStatus.AVAILABLE
        )
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    for kind in sorted({r.device_kind for r in reservations}):
        held = [r for r in reservations if r.device_kind == kind]
        if available.get(kind, 0) >= sum(needs[r.pk] for r in held):
            continue
        blocking = next((r for r in held if needs[r.pk] and r.cohort_id != (cohort.pk if cohort else None)), held[0])
        message = _(
            "%(kind)s: %(count)s are held for the course “%(course)s” (starting %(date)s); lending this one would "
            "leave too few for it."
        ) % {
            "kind": DeviceKind(kind).label,
            "count": blocking.quantity,
            "course": blocking.cohort.name,
            "date": _date(blocking.cohort.starts_on),
        }
        raise DomainError("device_held", message, fields={"devices": [message]})


def _date(value: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")
