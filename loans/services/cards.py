"""The loan card and the agreement: card token rotate and revoke, the reveal log, the signed agreement."""

import base64
import binascii
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import CardRevealLog, Loan, new_public_token
from ._common import _bad_input

SIGNATURE_MAX_BYTES = 300_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def signature_png(value: str | bytes | None) -> bytes | None:
    """A signature drawn on the tablet (a PNG, or its `data:image/png;base64,` URL) checked: a real PNG, not
    too big, not blank. None or "" gives None (signed on paper, or not signed)."""
    if not value:
        return None
    if isinstance(value, str):
        head, _sep, data = value.partition(",")
        if not head.startswith("data:image/png;base64"):
            raise _bad_input("signature", _("The signature must be a PNG image."))
        try:
            value = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise _bad_input("signature", _("The signature could not be read: sign again.")) from None
    if len(value) > SIGNATURE_MAX_BYTES:
        raise _bad_input("signature", _("The signature image is too big."))
    if not value.startswith(PNG_MAGIC):
        raise _bad_input("signature", _("The signature must be a PNG image."))
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(value))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise _bad_input("signature", _("The signature could not be read: sign again.")) from None
    if image.width > 4000 or image.height > 2000:
        raise _bad_input("signature", _("The signature image is too big."))
    alpha = image.convert("RGBA").getchannel("A")
    if alpha.getbbox() is None:
        raise _bad_input("signature", _("The signature is empty: sign in the box."))
    return value


@transaction.atomic
def loan_token_rotate(*, loan: Loan, by) -> Loan:
    """A new loan-card token; the old QR code stops working at once."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    loan.public_token = new_public_token()
    loan.token_revoked_at = None
    loan._change_reason = "loan card token rotated"
    loan.save(update_fields=["public_token", "token_revoked_at", "updated_at"])
    return loan


def card_reveal_record(*, loan: Loan, by, purpose: str, where: str) -> CardRevealLog:
    """One row for each time a loan card's link was shown or printed in clear (see CardRevealLog)."""
    return CardRevealLog.objects.create(
        organization_id=loan.organization_id, loan=loan, by=by, purpose=purpose, where=where
    )


@transaction.atomic
def loan_token_revoke(*, loan: Loan, by) -> Loan:
    """The QR code stops working; rotate to issue a new one."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.token_revoked_at is None:
        loan.token_revoked_at = timezone.now()
        loan._change_reason = "loan card token revoked"
        loan.save(update_fields=["token_revoked_at", "updated_at"])
    return loan


@transaction.atomic
def loan_agreement_sign(*, loan: Loan, by, signature: str | bytes | None = None) -> Loan:
    """Record that the participant signed: the printed agreement, or on the tablet (`signature`, a PNG kept
    with the loan and drawn on the agreement PDF)."""
    png = signature_png(signature)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.agreement_signed_at is not None:
        raise DomainError("agreement_signed", _("The agreement is already signed."))
    loan.agreement_signed_at = timezone.now()
    loan.agreement_signature = png
    loan.save(update_fields=["agreement_signed_at", "agreement_signature", "updated_at"])
    return loan
