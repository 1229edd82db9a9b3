"""Payments: fees and deposits into the ledger, refunds."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..choices import PaymentKind, PaymentMethod
from ..models import Loan, Payment
from ._common import _bad_input, today


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
