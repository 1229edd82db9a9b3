"""SMS wording per template and participant language (nl, fr, en, ar).

Short plain words, the organisation's name and phone, a date in local form, and the loan-card link.
nl/fr/en stay inside the GSM-7 alphabet (no ç, ê, €...) so that with realistic values they fit one
160-character segment; tests/messaging/test_texts.py proves it for every template. Arabic is UCS-2.

Placeholders: {org} and {phone} come from the organisation; the caller's context gives the rest:
  loan_reminder:     date (due date), link, offset (days relative to due date: <0, 0, >0 pick the wording)
  waitlist_offer:    date (collect by); device (optional, a short word such as "laptop")
  code_delivery:     code, programme
  loan_confirmation: date (due date), link
"""

import datetime

SUPPORTED_LANGUAGES = ("nl", "fr", "en", "ar")
FALLBACK_LANGUAGE = "fr"

TEXTS: dict[str, dict[str, str]] = {
    "loan_reminder.before": {
        "nl": "{org}: breng het toestel terug op {date}. {link} Vragen: {phone}",
        "fr": "{org}: merci de rendre l'appareil le {date}. {link} Tel {phone}",
        "en": "{org}: please return the device on {date}. {link} Call {phone}",
        "ar": "{org}: يرجى إرجاع الجهاز يوم {date}. {link} للاستفسار: {phone}",
    },
    "loan_reminder.today": {
        "nl": "{org}: breng het toestel vandaag terug. {link} Vragen: {phone}",
        "fr": "{org}: merci de rendre l'appareil aujourd'hui. {link} Tel {phone}",
        "en": "{org}: please return the device today. {link} Call {phone}",
        "ar": "{org}: يرجى إرجاع الجهاز اليوم. {link} للاستفسار: {phone}",
    },
    "loan_reminder.late": {
        "nl": "{org}: het toestel moest terug op {date}. {link} Bel {phone}",
        "fr": "{org}: l'appareil devait revenir le {date}. {link} Tel {phone}",
        "en": "{org}: the device was due back on {date}. {link} Call {phone}",
        "ar": "{org}: كان موعد إرجاع الجهاز {date}. {link} اتصل بنا: {phone}",
    },
    "waitlist_offer": {
        "nl": "{org}: er is een {device} klaar voor u. Kom het ophalen voor {date}. Bel {phone}",
        "fr": "{org}: un {device} est disponible pour vous. Venez le chercher avant le {date}. {phone}",
        "en": "{org}: a {device} is ready for you. Please collect it by {date}. Call {phone}",
        "ar": "{org}: {device} جاهز لك. يرجى استلامه قبل {date}. اتصل {phone}",
    },
    "code_delivery": {
        "nl": "{org}: uw code voor {programme}: {code}. Deel hem met niemand. Vragen? {phone}",
        "fr": "{org}: votre code pour {programme}: {code}. Ne le donnez à personne. {phone}",
        "en": "{org}: your code for {programme}: {code}. Do not share it. Questions? {phone}",
        "ar": "{org}: رمزك لـ {programme}: {code}. لا تشاركه مع أحد. {phone}",
    },
    "loan_confirmation": {
        "nl": "{org}: u leent een toestel tot {date}. Leenkaart: {link} {phone}",
        "fr": "{org}: appareil à rendre le {date}. Votre carte: {link} {phone}",
        "en": "{org}: device on loan until {date}. Loan card: {link} {phone}",
        "ar": "{org}: استعرت جهازًا حتى {date}. بطاقة الإعارة: {link} {phone}",
    },
}

TEMPLATES = ("loan_reminder", "waitlist_offer", "code_delivery", "loan_confirmation")

DEFAULT_DEVICE_WORD = {"nl": "toestel", "fr": "appareil", "en": "device", "ar": "جهاز"}

_WEEKDAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ar": ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: datetime.date, language: str) -> str:
    """A short local date: 'do 3/12', 'jeu. 3/12', 'Thu 3 Dec', 'الخميس 3/12'."""
    weekday = _WEEKDAYS[language][value.weekday()]
    if language == "en":
        return f"{weekday} {value.day} {_MONTHS_EN[value.month - 1]}"
    return f"{weekday} {value.day}/{value.month}"


def text_key(template: str, context: dict) -> str:
    if template == "loan_reminder":
        offset = int(context.get("offset", 0))
        return "loan_reminder." + ("before" if offset < 0 else "today" if offset == 0 else "late")
    return template


def render(template: str, language: str, *, org: str, phone: str, context: dict) -> str:
    """The SMS text; raises KeyError naming a missing placeholder, ValueError for an unknown template."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}; known: {', '.join(TEMPLATES)}")
    if language not in SUPPORTED_LANGUAGES:
        language = FALLBACK_LANGUAGE
    values = {"device": DEFAULT_DEVICE_WORD[language], **context, "org": org, "phone": phone}
    for name, value in list(values.items()):
        if isinstance(value, datetime.datetime):
            values[name] = format_date(value.date(), language)
        elif isinstance(value, datetime.date):
            values[name] = format_date(value, language)
    return TEXTS[text_key(template, context)][language].format(**values).strip()
