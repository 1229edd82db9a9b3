"""Working an overdue loan: the calls staff make about it, and the answer to a renewal asked on the card."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from organizations.calendar import next_opening_day
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from organizations.services import staff_task_complete

from ..choices import CallOutcome, LoanStatus
from ..models import Loan, LoanCall
from ._common import _bad_input, _lock_open_loan, _sms_on_commit, today
from .renewals import loan_renew

NOTE_MAX = LoanCall._meta.get_field("note").max_length


@transaction.atomic
def loan_call_record(*, loan: Loan, outcome: str, by, note: str = "", next_on: datetime.date | None = None) -> LoanCall:
    """Record one call (or visit) about an open loan. A `next_on` date, today or later, puts the loan on the
    "to call" list that day. Bad input raises a 400 DomainError naming the field, and nothing is written."""
    if outcome not in CallOutcome.values:
        raise _bad_input("outcome", _("Choose one of the outcomes."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _bad_input("note", _("At most %(count)s characters.") % {"count": NOTE_MAX})
    if next_on is not None and next_on < today():
        raise _bad_input("next_on", _("This date has passed: choose today or a later day."))
    loan = _lock_open_loan(loan)
    return LoanCall.objects.create(
        organization_id=loan.organization_id, loan=loan, outcome=outcome, note=note, next_on=next_on, by=by
    )


# --- renewal requests from the loan card --------------------------------------------------------------


def renewal_request_key(loan: Loan) -> str:
    """One request per loan and due date: the key frontend's card_renewal_request creates the task with."""
    return f"renewal-request:{loan.pk}:{loan.due_on.isoformat()}"


def _open_renewal_request(task: StaffTask) -> tuple[StaffTask, Loan]:
    """The task locked, still open, and the loan it asks about, else a DomainError (nothing changes)."""
    task = StaffTask.objects.select_for_update().get(pk=task.pk)
    if task.kind != StaffTaskKind.RENEWAL_REQUEST or task.content_type_id != ContentType.objects.get_for_model(Loan).id:
        raise DomainError("not_a_renewal_request", _("This task is not a renewal request."))
    if task.done_at is not None:
        raise DomainError("task_already_done", _("This request was already answered."))
    loan = Loan.objects.filter(pk=task.object_id, organization_id=task.organization_id).first()
    if loan is None:
        raise DomainError("not_a_renewal_request", _("The loan of this request no longer exists."))
    return task, loan


@transaction.atomic
def renewal_request_approve(*, task: StaffTask, by) -> Loan:
    """Renew the loan a card request asks about (loan_renew's rules apply) and mark the task done with the new
    due date. A task already answered, or a renewal refused, changes nothing."""
    task, loan = _open_renewal_request(task)
    loan = loan_renew(loan=loan, by=by)
    with translation.override(settings.LANGUAGE_CODE):  # the task's record, in the language of its title
        outcome = _("Renewed: due on %(date)s.") % {"date": loan.due_on.isoformat()}
    staff_task_complete(task=task, by=by, outcome=outcome)
    return loan


def renewal_refused_return_on(loan: Loan) -> datetime.date:
    """The day the refusal SMS names: the due date, or the next opening day when that has passed."""
    return loan.due_on if loan.due_on >= today() else next_opening_day(loan.organization_id, today())


@transaction.atomic
def renewal_request_refuse(*, task: StaffTask, by) -> StaffTask:
    """Mark the request done as refused and queue, after commit, the participant's SMS in their language
    saying so and when to bring the device back (once per request: the SMS key is the task's). A request whose
    loan was returned meanwhile is closed without an SMS."""
    task, loan = _open_renewal_request(task)
    if loan.status != LoanStatus.ACTIVE:  # returned meanwhile: nothing to bring back, no SMS
        with translation.override(settings.LANGUAGE_CODE):
            outcome = _("The loan was already closed: no SMS sent.")
        return staff_task_complete(task=task, by=by, outcome=outcome)
    loan = _lock_open_loan(loan)
    return_on = renewal_refused_return_on(loan)
    with translation.override(settings.LANGUAGE_CODE):
        outcome = _("Refused: to be returned on %(date)s.") % {"date": return_on.isoformat()}
    task = staff_task_complete(task=task, by=by, outcome=outcome)
    _sms_on_commit(
        loan_or_entry=loan,
        participant=loan.participant,
        template="renewal_refused",
        context={"date": return_on},
        key=f"renewal-refused:{task.pk}",
    )
    return task
