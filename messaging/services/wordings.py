"""An organisation's own SMS wordings: checked placeholders, a preview with the organisation's real data and
an example participant, the segment count, reset to the default. The history is kept (SmsWording.history)."""

import datetime
import string
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from .. import texts
from ..encoding import sms_size
from ..models import SmsWording

# The placeholders each wording may use (ALWAYS: the organisation's name, phone, address and hours).
PLACEHOLDERS = {
    "loan_reminder.before": {"date", "link"},
    "loan_reminder.today": {"link"},
    "loan_reminder.late": {"date", "link"},
    "waitlist_offer": {"date", "device"},
    "code_delivery": {"code", "programme"},
    "loan_confirmation": {"date", "link"},
    "renewal_refused": {"date"},
}
ALWAYS = {"org", "phone", "address", "hours"}
MAX_SEGMENTS = 3


def _bad(field: str, message: str) -> DomainError:
    return DomainError("invalid", message, fields={field: [message]}, status_code=400)


def example_context(key: str, language: str) -> dict:
    """An example participant's values: a date two weeks ahead, a real-length card link, a code."""
    return {
        "date": timezone.localdate() + datetime.timedelta(days=14),
        "link": f"{settings.SITE_URL}/l/{'x' * 22}",
        "device": texts._in(language, texts.DEFAULT_DEVICE_WORD),
        "code": "TNT-8F3K-29QX-7LMA",
        "programme": "Telenet Essential Internet",
        "offset": {"before": -3, "today": 0, "late": 3}.get(key.partition(".")[2], 0),
    }


@dataclass(frozen=True)
class Preview:
    text: str
    encoding: str
    length: int
    segments: int


def wording_default(key: str, language: str) -> str:
    return texts.TEXTS[key][language]


def wording_current(organization, key: str, language: str) -> str:
    row = SmsWording.objects.filter(organization=organization, key=key, language=language).first()
    return row.body if row else wording_default(key, language)


def wording_check(key: str, body: str) -> None:
    """Known placeholders only, well formed, and the organisation's name first; 400 naming what is wrong."""
    if key not in PLACEHOLDERS:
        raise _bad("key", _("Unknown message."))
    body = (body or "").strip()
    if not body:
        raise _bad("body", _("Write the text of the message."))
    allowed = PLACEHOLDERS[key] | ALWAYS
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(body) if name is not None]
    except ValueError:
        raise _bad("body", _("A { or } is not closed: placeholders are written {date}.")) from None
    unknown = sorted({name for name in names if name not in allowed})
    if unknown:
        raise _bad(
            "body",
            _("Unknown placeholder %(names)s: this message knows %(allowed)s.")
            % {
                "names": ", ".join("{" + name + "}" for name in unknown),
                "allowed": ", ".join("{" + name + "}" for name in sorted(allowed)),
            },
        )
    if not body.startswith("{org}"):
        raise _bad("body", _("Start with {org}: people trust a text that says first who writes."))


def wording_preview(organization, key: str, language: str, body: str) -> Preview:
    """The text as a participant would get it, with the organisation's name and phone."""
    from .outbound import organization_phone

    wording_check(key, body)
    from .outbound import organization_details

    values = {
        **example_context(key, language),
        **organization_details(organization, language),
        "org": organization.name,
        "phone": organization_phone(organization),
    }
    for name, value in list(values.items()):
        if isinstance(value, datetime.date):
            values[name] = texts.format_date(value, language)
    text = body.strip().format(**values)
    size = sms_size(text)
    return Preview(text=text, encoding=size.encoding, length=size.units, segments=size.segments)


@transaction.atomic
def wording_save(organization, key: str, language: str, body: str, *, by, confirm_segments: bool = False) -> Preview:
    """Keep an organisation's wording. Above one segment it is sent only when confirmed (each segment is
    paid); more than three is refused."""
    if language not in texts.SUPPORTED_LANGUAGES:
        raise _bad("language", _("Unknown language."))
    preview = wording_preview(organization, key, language, body)
    if preview.segments > MAX_SEGMENTS:
        raise _bad(
            "body", _("This text takes %(n)d SMS: at most %(max)d.") % {"n": preview.segments, "max": MAX_SEGMENTS}
        )
    if preview.segments > 1 and not confirm_segments:
        raise _bad(
            "confirm_segments",
            _("This text takes %(n)d SMS, each one paid: shorten it, or confirm.") % {"n": preview.segments},
        )
    SmsWording.objects.update_or_create(
        organization=organization, key=key, language=language, defaults={"body": body.strip(), "updated_by": by}
    )
    return preview


@transaction.atomic
def wording_reset(organization, key: str, language: str, *, by) -> None:
    """Back to the default text (the history keeps the organisation's wording)."""
    for row in SmsWording.objects.filter(organization=organization, key=key, language=language):
        row._change_reason = "reset to the default"
        row.updated_by = by
        row.delete()
