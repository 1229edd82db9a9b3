"""Due dates after checkout: renewals, a course's end moving, overdue follow-ups."""

import datetime

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from core.errors import DomainError
from organizations.calendar import next_opening_day
from organizations.choices import StaffTaskKind

from ..models import Cohort, Loan, WaitlistEntry
from ._common import _bad_input, _lock_open_loan, today

# --- renewals ----------------------------------------------------------------------------------------


def renewals_left(loan: Loan) -> int:
    return max(loan.max_renewals - loan.renewals_count, 0)


def renewal_due_on(loan: Loan) -> datetime.date:
    """The due date a renewal gives: the renewal length from the due date (or today, when later), moved to
    the next opening day. The desk shows it before staff confirm."""
    return next_opening_day(
        loan.organization_id, max(loan.due_on, today()) + datetime.timedelta(days=loan.renewal_days or 0)
    )


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
    loan.due_on = renewal_due_on(loan)
    loan.renewals_count += 1
    loan._change_reason = f"renewed: due {previous} -> {loan.due_on}"
    loan.save(update_fields=["due_on", "renewals_count", "updated_at"])
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
    due = next_opening_day(cohort.organization_id, ends_on)
    for loan in Loan.objects.open().filter(cohort=cohort).select_for_update():
        new_due = max(due, loan.started_on)
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
            "due": formats.date_format(loan.due_on, "SHORT_DATE_FORMAT"),
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
