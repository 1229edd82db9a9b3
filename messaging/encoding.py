"""GSM-7 / UCS-2 detection and segment counting (3GPP TS 23.038 basic set and extension table)."""

from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each of these takes two septets (an escape plus the character).
GSM7_EXTENSION = "^{}\\[~]|€\f"

_BASIC = frozenset(GSM7_BASIC) - {"\x1b"}
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in _BASIC or char in _EXTENSION for char in text)


def _segments(units: int, single: int, multi: int) -> int:
    if units <= single:
        return 1
    return -(-units // multi)


def sms_size(text: str) -> SmsSize:
    """How the text travels: GSM-7 when every character is in the GSM alphabet, else UCS-2."""
    if is_gsm7(text):
        septets = sum(2 if char in _EXTENSION else 1 for char in text)
        return SmsSize("gsm7", septets, _segments(septets, GSM7_SINGLE, GSM7_MULTI))
    units = len(text.encode("utf-16-le")) // 2
    return SmsSize("ucs2", units, _segments(units, UCS2_SINGLE, UCS2_MULTI))


def non_gsm7_characters(text: str) -> set[str]:
    return {char for char in text if char not in _BASIC and char not in _EXTENSION}
