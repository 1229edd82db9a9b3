"""SMS wording per template, translated in the gettext catalogues (messaging/locale/<lang>/LC_MESSAGES/django.po).

The English text is the msgid (context "sms"); translators edit the .po files, nl, fr and ar, and `make
messages` extracts a new wording. Short plain words, the organisation's name and phone, a date in local form,
and the loan-card link. nl/fr/en stay inside the GSM-7 alphabet (no ç, ê, €...) so that with realistic
values they fit one 160-character segment; tests/messaging/test_texts.py proves it for every template and
language. Arabic is UCS-2.

Placeholders: {org} and {phone} come from the organisation, and {address} and {hours} (in the participant's
language) when a wording uses them; the caller's context gives the rest:
  loan_reminder:     date (due date), link, offset (days relative to due date: <0, 0, >0 pick the wording)
  waitlist_offer:    date (collect by); device (optional, a short word such as "laptop")
  code_delivery:     code, programme
  loan_confirmation: date (due date), link
  renewal_refused:   date (the day to bring the device back)
"""

import datetime
from collections.abc import Iterator, Mapping

from django.utils import translation
from django.utils.translation import pgettext_lazy

SUPPORTED_LANGUAGES = ("nl", "fr", "en", "ar")
FALLBACK_LANGUAGE = "fr"

_WORDINGS = {
    "loan_reminder.before": pgettext_lazy("sms", "{org}: please return the device on {date}. {link} Call {phone}"),
    "loan_reminder.today": pgettext_lazy("sms", "{org}: please return the device today. {link} Call {phone}"),
    "loan_reminder.late": pgettext_lazy("sms", "{org}: the device was due back on {date}. {link} Call {phone}"),
    "waitlist_offer": pgettext_lazy(
        "sms", "{org}: a {device} is ready for you. Please collect it by {date}. Call {phone}"
    ),
    "code_delivery": pgettext_lazy(
        "sms", "{org}: your code for {programme}: {code}. Do not share it. Questions? {phone}"
    ),
    "loan_confirmation": pgettext_lazy("sms", "{org}: device on loan until {date}. Loan card: {link} {phone}"),
    "renewal_refused": pgettext_lazy(
        "sms", "{org}: we cannot give you more time. Please bring the device back on {date}. Call {phone}"
    ),
}

TEMPLATES = ("loan_reminder", "waitlist_offer", "code_delivery", "loan_confirmation", "renewal_refused")

DEFAULT_DEVICE_WORD = pgettext_lazy("sms", "device")

_WEEKDAYS = (
    pgettext_lazy("sms weekday", "Mon"),
    pgettext_lazy("sms weekday", "Tue"),
    pgettext_lazy("sms weekday", "Wed"),
    pgettext_lazy("sms weekday", "Thu"),
    pgettext_lazy("sms weekday", "Fri"),
    pgettext_lazy("sms weekday", "Sat"),
    pgettext_lazy("sms weekday", "Sun"),
)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


class _Wordings(Mapping):
    """TEXTS[key][language]: each wording as the catalogues give it in each supported language (read-only)."""

    def __getitem__(self, key: str) -> dict[str, str]:
        return {language: _in(language, _WORDINGS[key]) for language in SUPPORTED_LANGUAGES}

    def __iter__(self) -> Iterator[str]:
        return iter(_WORDINGS)

    def __len__(self) -> int:
        return len(_WORDINGS)


TEXTS = _Wordings()


def format_date(value: datetime.date, language: str) -> str:
    """A short local date: 'do 3/12', 'jeu. 3/12', 'Thu 3 Dec', 'الخميس 3/12'."""
    weekday = _in(language, _WEEKDAYS[value.weekday()])
    if language == "en":
        return f"{weekday} {value.day} {_MONTHS_EN[value.month - 1]}"
    return f"{weekday} {value.day}/{value.month}"


def text_key(template: str, context: dict) -> str:
    if template == "loan_reminder":
        offset = int(context.get("offset", 0))
        return "loan_reminder." + ("before" if offset < 0 else "today" if offset == 0 else "late")
    return template


def render(
    template: str,
    language: str,
    *,
    org: str,
    phone: str,
    context: dict,
    wording: str | None = None,
    details=None,
) -> str:
    """The SMS text; raises KeyError naming a missing placeholder, ValueError for an unknown template.
    `wording`: the organisation's own text for this key and language (messaging.models.SmsWording).
    `details(language)`: the organisation's {address} and {hours} in that language, asked for only when the
    text uses them."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}; known: {', '.join(TEMPLATES)}")
    if language not in SUPPORTED_LANGUAGES:
        language = FALLBACK_LANGUAGE
    values = {"device": _in(language, DEFAULT_DEVICE_WORD), **context, "org": org, "phone": phone}
    for name, value in list(values.items()):
        if isinstance(value, datetime.datetime):
            values[name] = format_date(value.date(), language)
        elif isinstance(value, datetime.date):
            values[name] = format_date(value, language)
    text = wording if wording else _in(language, _WORDINGS[text_key(template, context)])
    if details is not None and ("{address}" in text or "{hours}" in text):
        values = {**details(language), **values}
    return text.format(**values).strip()
