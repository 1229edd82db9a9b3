"""Words the participant's pages use for things other apps name for staff (device kinds, refusals)."""

from django.utils.translation import pgettext_lazy

DEVICE_LABELS = {
    "laptop": pgettext_lazy("loan card", "Laptop"),
    "tablet": pgettext_lazy("loan card", "Tablet"),
    "chromebook": pgettext_lazy("loan card", "Chromebook"),
    "smartphone": pgettext_lazy("loan card", "Smartphone"),
    "desktop": pgettext_lazy("loan card", "Computer"),
    "eid_reader": pgettext_lazy("loan card", "e-ID card reader"),
    "modem_4g": pgettext_lazy("loan card", "4G modem (internet box)"),
    "accessory": pgettext_lazy("loan card", "Charger or accessory"),
}

RENEWAL_REFUSALS = {
    "renewal_limit": pgettext_lazy("loan card", "This loan cannot be renewed again. Please call us."),
    "not_renewable": pgettext_lazy("loan card", "This loan ends on a fixed date. Please call us."),
    "waitlist_waiting": pgettext_lazy(
        "loan card", "Someone is waiting for this kind of device, so we cannot renew it now. Please call us."
    ),
    "loan_closed": pgettext_lazy("loan card", "This loan is already closed."),
}


def device_label(kind: str) -> str:
    return str(DEVICE_LABELS.get(kind, kind))


def renewal_refusal(code: str) -> str:
    return str(RENEWAL_REFUSALS.get(code, pgettext_lazy("loan card", "We could not renew this loan. Please call us.")))
