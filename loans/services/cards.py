"""The loan card and the agreement: card token rotate and revoke, the reveal log, the signed agreement."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import CardRevealLog, Loan, new_public_token


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
