"""Helpers the loan writes share: today's date, input errors, the SMS queued on commit, locking an open loan."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ports
from core.errors import DomainError
from organizations.models import Participant

from ..choices import LoanStatus
from ..models import Loan


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


def _lock_open_loan(loan: Loan) -> Loan:
    locked = Loan.objects.select_for_update(of=("self",)).select_related("organization", "participant").get(pk=loan.pk)
    if locked.status != LoanStatus.ACTIVE:
        raise DomainError(
            "loan_closed",
            _("This loan is already closed (%(status)s).") % {"status": str(locked.get_status_display()).lower()},
        )
    return locked
