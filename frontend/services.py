"""Writes started from the frontend's own pages; each delegates to the owning app's services."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from loans.choices import LoanStatus, RenewalMode
from loans.models import Loan
from loans.services import loan_renew, renewal_request_key, renewals_left, today
from organizations.choices import StaffTaskKind
from organizations.services import staff_task_ensure


@transaction.atomic
def card_renewal_request(*, loan: Loan) -> str:
    """The participant pressed "renew" on their loan card.

    Returns "renewed" when the loan's terms renew automatically (the due date moved), or "requested"
    when staff approve renewals: then one staff task per loan and due date is created (pressing
    twice adds nothing); the Today page lists it with approve and refuse. Refusals raise DomainError with the
    loans app's code.
    """
    if loan.status != LoanStatus.ACTIVE:
        raise DomainError("loan_closed", "loan closed")
    if not loan.renewal_days:
        raise DomainError("not_renewable", "not renewable")
    if renewals_left(loan) <= 0:
        raise DomainError("renewal_limit", "renewal limit")
    if loan.renewal_mode == RenewalMode.AUTOMATIC:
        loan_renew(loan=loan, by=None)
        return "renewed"
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Renewal asked on the loan card: %(name)s, loan #%(id)s (due %(due)s)") % {
            "name": loan.participant.display_name,
            "id": loan.pk,
            "due": loan.due_on.isoformat(),
        }
    staff_task_ensure(
        organization=loan.organization,
        kind=StaffTaskKind.RENEWAL_REQUEST,
        key=renewal_request_key(loan),
        title=title,
        due_on=today(),
        participant=loan.participant,
        related=loan,
    )
    return "requested"
