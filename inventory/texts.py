"""The participant's words for device kinds, nl/fr/en/ar: the loan card, the agreement, the data export.

Staff see `DeviceKind` labels; what a participant reads says "4G modem (internet box)", not "modem_4g".
"""

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


def device_label(kind: str) -> str:
    return str(DEVICE_LABELS.get(kind, kind))
