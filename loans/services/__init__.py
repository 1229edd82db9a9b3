"""Writes on loans: checkout, return, renew, lost, give, cohorts, waiting list, payments.

The package re-exports every name of its modules, so `from loans import services` keeps working.
"""

from core.errors import DomainError

from ._common import _bad_input, _loan_sms_context, _lock_open_loan, _not_found, _sms_on_commit, today
from .calls import (
    loan_call_record,
    renewal_refused_return_on,
    renewal_request_approve,
    renewal_request_key,
    renewal_request_refuse,
)
from .cards import card_reveal_record, loan_agreement_sign, loan_token_revoke, loan_token_rotate
from .checkout import (
    _check_kit_kinds,
    _close_items,
    _device_not_available,
    _finish,
    loan_checkout,
    loan_due_date,
    loan_give,
    loan_mark_lost,
    loan_return,
)
from .cohorts import (
    GroupError,
    GroupRow,
    cohort_checkout,
    cohort_holds_check,
    cohort_member_add,
    cohort_member_remove,
    cohort_open_loans,
    cohort_reservation_create,
    cohort_reservation_release,
    cohort_return,
    loan_cap_check,
    open_reservations,
    reservation_needs,
)
from .payments import payment_record, payment_refund
from .renewals import cohort_move_end, loan_follow_ups_ensure, loan_renew, renewal_due_on, renewals_left
from .waitlist import (
    _device_word,
    waitlist_add,
    waitlist_cancel,
    waitlist_offer_next,
    waitlist_offer_scan,
    waitlist_offers_expire,
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
    "renewal_request_refuse",
    "renewal_request_key",
    "renewal_request_approve",
    "renewal_refused_return_on",
    "loan_call_record",
    "DomainError",
    "_bad_input",
    "_check_kit_kinds",
    "_close_items",
    "_device_not_available",
    "_device_word",
    "_finish",
    "_loan_sms_context",
    "_lock_open_loan",
    "_not_found",
    "_sms_on_commit",
    "card_reveal_record",
    "cohort_move_end",
    "loan_agreement_sign",
    "loan_checkout",
    "loan_due_date",
    "loan_follow_ups_ensure",
    "loan_give",
    "loan_mark_lost",
    "loan_renew",
    "loan_return",
    "loan_token_revoke",
    "loan_token_rotate",
    "payment_record",
    "payment_refund",
    "renewal_due_on",
    "renewals_left",
    "today",
    "waitlist_add",
    "waitlist_cancel",
    "waitlist_offer_next",
    "waitlist_offer_scan",
    "waitlist_offers_expire",
]
