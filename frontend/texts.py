"""Words the participant's card uses for what the loan services refuse (device kinds: inventory.texts)."""

from django.utils.translation import pgettext_lazy

RENEWAL_REFUSALS = {
    "renewal_limit": pgettext_lazy("loan card", "This loan cannot be renewed again. Please call us."),
    "not_renewable": pgettext_lazy("loan card", "This loan ends on a fixed date. Please call us."),
    "waitlist_waiting": pgettext_lazy(
        "loan card", "Someone is waiting for this kind of device, so we cannot renew it now. Please call us."
    ),
    "loan_closed": pgettext_lazy("loan card", "This loan is already closed."),
}


def renewal_refusal(code: str) -> str:
    return str(RENEWAL_REFUSALS.get(code, pgettext_lazy("loan card", "We could not renew this loan. Please call us.")))
