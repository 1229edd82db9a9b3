"""An organisation's details as a participant reads them, in the participant's language.

The address and the practical note exist as entered (`address`, `hours_note`) and, optionally, per language
(`address_nl` ... `hours_note_ar`): the card, the agreement, the code letter and the SMS take the
participant's language and fall back to the text as entered. The weekly hours are data
(organizations/calendar.py) and are written in each language from the same rows.

The logo is a small PNG in its own row (OrganizationLogo), at most LOGO_MAX_BYTES after resizing, so the loan card can
carry it inline and stay under 30 KB on a slow phone.
"""

import base64
import io

from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import Organization, OrganizationLogo

DETAIL_LANGUAGES = ("nl", "fr", "en", "ar")
LOGO_MAX_BYTES = 5 * 1024
LOGO_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Box the logo is fitted in: the card shows it 40 px high, twice that for sharp phone screens.
_LOGO_BOXES = ((320, 80), (240, 60), (160, 40), (120, 30))
_LOGO_COLOURS = (64, 32, 16, 8)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "nl")[:2]


def organization_address(organization: Organization, language: str | None = None) -> str:
    """The address in `language` (the active one by default), else as entered."""
    language = _language(language)
    own = getattr(organization, f"address_{language}", "") if language in DETAIL_LANGUAGES else ""
    return own or organization.address


def organization_note(organization: Organization, language: str | None = None) -> str:
    """The practical note on opening hours in `language`, else as entered."""
    language = _language(language)
    own = getattr(organization, f"hours_note_{language}", "") if language in DETAIL_LANGUAGES else ""
    return own or organization.hours_note


def logo_data_uri(organization: Organization) -> str:
    """The logo as a data: URI for an <img>, or "" without one."""
    try:
        png = organization.logo.png  # select_related("organization__logo") spares the query
    except OrganizationLogo.DoesNotExist:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")


def logo_set(*, organization: Organization, upload, by) -> OrganizationLogo:
    png = logo_prepare(upload)
    logo, _created = OrganizationLogo.objects.update_or_create(
        organization=organization, defaults={"png": png, "updated_by": by}
    )
    return logo


def logo_remove(*, organization: Organization) -> None:
    OrganizationLogo.objects.filter(organization=organization).delete()


def _logo_error(message: str) -> DomainError:
    return DomainError("invalid", message, fields={"logo": [message]}, status_code=400)


def logo_prepare(upload) -> bytes:
    """A picture file (PNG, JPEG, GIF, WebP) as a PNG of at most LOGO_MAX_BYTES: fitted in a small box,
    with fewer colours until it fits. Refuses what is not a picture, or too large to read safely."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read(LOGO_MAX_UPLOAD_BYTES + 1)
    if len(data) > LOGO_MAX_UPLOAD_BYTES:
        raise _logo_error(_("This file is larger than 2 MB: choose a smaller picture."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > 25_000_000:
            raise _logo_error(_("This picture is too large: choose a smaller one."))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _logo_error(_("This file is not a picture: choose a PNG, JPEG or WebP file.")) from None
    image = image.convert("RGBA")
    for box in _LOGO_BOXES:
        fitted = image.copy()
        fitted.thumbnail(box)
        for colours in _LOGO_COLOURS:
            out = io.BytesIO()
            fitted.quantize(colors=colours, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=True)
            if out.tell() <= LOGO_MAX_BYTES:
                return out.getvalue()
    raise _logo_error(_("This picture stays above 5 KB even when small: choose a simpler logo."))
