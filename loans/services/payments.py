"""Payments: fees and deposits into the ledger, refunds, and what a loan's money comes to.

The ledger is never deleted: a refund is marked on the payment it gives back (all of it or part of it).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..choices import FeePeriod, PaymentKind, PaymentMethod
from ..models import Loan, Payment
from ._common import _bad_input, today

ZERO = Decimal("0.00")


def loan_fee_due(*, fee_amount: Decimal, fee_period: str, started_on: datetime.date, due_on: datetime.date) -> Decimal:
    """The rental fee of a loan from its start to its due date: once, or per started week or month (30 days)."""
    if not fee_amount:
        return ZERO
    if fee_period == FeePeriod.ONCE:
        return Decimal(fee_amount)
    days = max((due_on - started_on).days, 1)
    periods = math.ceil(days / (7 if fee_period == FeePeriod.WEEK else 30))
    return Decimal(fee_amount) * periods


@dataclass(frozen=True)
class LoanMoney:
    """What a loan's money comes to (the loan page, check-in, the API)."""

    fee_due: Decimal
    fee_paid: Decimal
    deposit_due: Decimal
    deposit_paid: Decimal
    refunded: Decimal
    held: Decimal  # deposit payments not given back (a part refund closes its payment: the rest is kept)

    @property
    def owed(self) -> Decimal:
        """Fee and deposit still to pay."""
        return max(self.fee_due - self.fee_paid, ZERO) + max(self.deposit_due - self.deposit_paid, ZERO)

    @property
    def refundable(self) -> Decimal:
        """Deposit received and not given back yet."""
        return self.held

    @property
    def paid(self) -> Decimal:
        return self.fee_paid + self.deposit_paid

    @property
    def any(self) -> bool:
        return bool(self.fee_due or self.deposit_due or self.paid)

    def as_dict(self) -> dict:
        return {
            "fee_due": self.fee_due,
            "fee_paid": self.fee_paid,
            "deposit_due": self.deposit_due,
            "deposit_paid": self.deposit_paid,
            "refunded": self.refunded,
            "paid": self.paid,
            "owed": self.owed,
            "refundable": self.refundable,
        }


def loan_money(loan: Loan, payments=None) -> LoanMoney:
    """Sum a loan's payments (given, or one query) against the terms copied onto it at checkout."""
    if payments is None:
        payments = list(Payment.objects.filter(loan=loan))
    fee_paid = sum((p.amount for p in payments if p.kind == PaymentKind.FEE), ZERO)
    deposit_paid = sum((p.amount for p in payments if p.kind == PaymentKind.DEPOSIT), ZERO)
    refunded = sum((p.refunded_amount or ZERO for p in payments if p.refunded_at), ZERO)
    return LoanMoney(
        fee_due=loan_fee_due(
            fee_amount=loan.fee_amount, fee_period=loan.fee_period, started_on=loan.started_on, due_on=loan.due_on
        ),
        fee_paid=fee_paid,
        deposit_due=Decimal(loan.deposit_amount or 0),
        deposit_paid=deposit_paid,
        refunded=refunded,
        held=sum((p.amount for p in payments if p.kind == PaymentKind.DEPOSIT and not p.refunded_at), ZERO),
    )


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
    """Write a fee or deposit received into the ledger; `by` is who received it."""
    if amount is None or Decimal(amount) <= 0:
        raise _bad_input("amount", _("The amount must be more than zero."))
    if kind not in PaymentKind.values:
        raise _bad_input("kind", _("Unknown kind of payment."))
    if method not in PaymentMethod.values:
        raise _bad_input("method", _("Unknown payment method."))
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
def checkout_payments(
    *, loan: Loan, method: str, fee: Decimal | None, deposit: Decimal | None, by, field_prefix: str = ""
) -> list[Payment]:
    """What was paid at the counter when lending: the fee and the deposit, each left out when empty or zero.

    Called in the checkout's transaction, so a refused amount keeps no loan either."""
    written = []
    for kind, amount, field in ((PaymentKind.FEE, fee, "fee_paid"), (PaymentKind.DEPOSIT, deposit, "deposit_paid")):
        if amount is None or amount == 0:
            continue
        if amount < 0:
            raise _bad_input(field_prefix + field, _("The amount must be more than zero."))
        written.append(payment_record(loan=loan, kind=kind, amount=amount, method=method, by=by))
    return written


@transaction.atomic
def payment_refund(*, payment: Payment, by, amount: Decimal | None = None, note: str = "") -> Payment:
    """Give back a payment (usually a deposit), all of it or `amount` of it; once only.

    The payment row is locked, so two desks refunding at once give back once; the second gets 409."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.refunded_at is not None:
        raise DomainError("already_refunded", _("This payment was already refunded."))
    if amount is None:
        amount = payment.amount
    if amount <= 0:
        raise _bad_input("refund_amount", _("The amount must be more than zero."))
    if amount > payment.amount:
        raise _bad_input(
            "refund_amount",
            _("No more than %(amount)s EUR can be given back: that is what was paid.") % {"amount": payment.amount},
        )
    payment.refunded_at = timezone.now()
    payment.refunded_by = by
    payment.refunded_amount = amount
    if note:
        payment.note = (f"{payment.note} · {note}" if payment.note else note)[:255]
    payment.save(update_fields=["refunded_at", "refunded_by", "refunded_amount", "note"])
    return payment


@transaction.atomic
def loan_deposit_refund(*, loan: Loan, by, amount: Decimal | None = None) -> list[Payment]:
    """Give back a loan's deposit at check-in: all of what is refundable, or `amount` of it.

    The deposit payments are refunded in order; a part refund gives back part of the last one touched."""
    deposits = list(
        Payment.objects.select_for_update()
        .filter(loan=loan, kind=PaymentKind.DEPOSIT, refunded_at__isnull=True)
        .order_by("received_on", "pk")
    )
    refundable = sum((p.amount for p in deposits), ZERO)
    if not deposits:
        raise _bad_input("refund_amount", _("No deposit was paid for this loan: nothing to give back."))
    if amount is None:
        amount = refundable
    if amount <= 0:
        raise _bad_input("refund_amount", _("The amount must be more than zero."))
    if amount > refundable:
        raise _bad_input(
            "refund_amount",
            _("No more than %(amount)s EUR can be given back: that is the deposit paid.") % {"amount": refundable},
        )
    refunded, left = [], amount
    for payment in deposits:
        if left <= 0:
            break
        part = min(payment.amount, left)
        refunded.append(payment_refund(payment=payment, by=by, amount=part))
        left -= part
    return refunded


@dataclass(frozen=True)
class PolicyTerms:
    """What a policy would lend on today: shown at checkout before lending (the desk, the API)."""

    policy: object
    days: int | None  # None: until the course ends
    due_on: datetime.date | None  # None: a course policy without its course chosen yet
    renewals: int
    renewal_days: int | None
    fee_amount: Decimal
    fee_period: str
    fee_due: Decimal
    deposit: Decimal


def policy_terms(policy, *, cohort=None, calendar=None) -> PolicyTerms:
    """The length, the computed due date (moved to the next opening day), renewals, fee and deposit.
    `calendar`: the organisation's week (organizations.calendar.week), read once for a list of policies."""
    from ..choices import PeriodKind
    from .checkout import loan_due_date

    try:
        due_on = loan_due_date(policy=policy, cohort=cohort, due_on=None, calendar=calendar)
    except DomainError:
        due_on = None
    fee_due = (
        loan_fee_due(fee_amount=policy.fee_amount, fee_period=policy.fee_period, started_on=today(), due_on=due_on)
        if due_on
        else Decimal(policy.fee_amount or 0)
    )
    return PolicyTerms(
        policy=policy,
        days=None if policy.period_kind == PeriodKind.COHORT else policy.period_days,
        due_on=due_on,
        renewals=policy.max_renewals if policy.renewal_days else 0,
        renewal_days=policy.renewal_days,
        fee_amount=Decimal(policy.fee_amount or 0),
        fee_period=policy.fee_period,
        fee_due=fee_due,
        deposit=Decimal(policy.deposit_amount or 0),
    )
