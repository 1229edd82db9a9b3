"""Loan agreement/receipt and loan-to-own handover PDFs, in the participant's language, with the loan card QR code.

Dutch, French and English are drawn left to right in Helvetica. Arabic is shaped with arabic-reshaper, wrapped,
then each line is put in visual order with python-bidi and drawn right-aligned in DejaVu Sans (the font the
internet-code letter ships, connectivity/fonts), as STACK-NOTES.md recommends.
"""

import io

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from connectivity.letters import RTL_FONT, register_rtl_font, rtl_lines
from core.qr import draw_qr
from inventory.texts import device_label  # the participant's words for device kinds, nl/fr/en/ar
from organizations.calendar import opening_hours_text
from organizations.details import organization_address

from .choices import FeePeriod
from .models import Loan

DOCUMENT_LANGUAGES = ("nl", "fr", "en", "ar")
RTL_LANGUAGES = ("ar",)
MARGIN = 20 * mm
WIDTH, HEIGHT = A4


def document_language(loan: Loan) -> str:
    language = loan.participant.preferred_language
    return language if language in DOCUMENT_LANGUAGES else "fr"


def loan_card_url(loan: Loan) -> str:
    return f"{settings.SITE_URL}/l/{loan.public_token}"


class _Writer:
    """A top-to-bottom text cursor over a reportlab canvas, adding pages as needed; right to left for Arabic."""

    def __init__(self, canvas: Canvas, language: str):
        self.canvas = canvas
        self.y = HEIGHT - MARGIN
        self.rtl = language in RTL_LANGUAGES
        if self.rtl:
            register_rtl_font()

    def space(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.y = HEIGHT - MARGIN
        self.y -= height

    def _font(self, bold: bool) -> str:
        if self.rtl:
            return RTL_FONT  # DejaVu Sans has no bold face here: headings are larger instead
        return "Helvetica-Bold" if bold else "Helvetica"

    def _lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        if not self.rtl:
            return simpleSplit(str(text), font, size, width) or [""]
        return rtl_lines(text, font, size, width) or [""]

    def text_at(self, x: float, y: float, text: str, *, size: float = 10, bold: bool = False, width=None) -> int:
        """Draw `text` from `x` (from the right edge, mirrored, in Arabic), wrapped to `width`; returns lines."""
        font = self._font(bold)
        width = width or WIDTH - MARGIN - x
        lines = self._lines(text, font, size, width)
        self.canvas.setFont(font, size)
        for index, line in enumerate(lines):
            if self.rtl:
                self.canvas.drawRightString(WIDTH - x, y - index * size * 1.3, line)
            else:
                self.canvas.drawString(x, y - index * size * 1.3, line)
        return len(lines)

    def line(self, text: str, *, size: float = 10, bold: bool = False, indent: float = 0) -> None:
        font = self._font(bold)
        for part in self._lines(text, font, size, WIDTH - 2 * MARGIN - indent):
            self.space(size * 1.45)
            self.canvas.setFont(font, size)
            if self.rtl:
                self.canvas.drawRightString(WIDTH - MARGIN - indent, self.y, part)
            else:
                self.canvas.drawString(MARGIN + indent, self.y, part)


def _money(amount) -> str:
    return formats.number_format(amount, decimal_pos=2) + " EUR"


def _fee_text(loan: Loan) -> str:
    if not loan.fee_amount:
        return _("Rental fee: none")
    period = {
        FeePeriod.ONCE: _("once"),
        FeePeriod.WEEK: _("per week"),
        FeePeriod.MONTH: _("per month"),
    }[loan.fee_period]
    return _("Rental fee: %(amount)s %(period)s") % {"amount": _money(loan.fee_amount), "period": period}


def _header(writer: _Writer, loan: Loan, title: str) -> None:
    organization = loan.organization
    writer.line(organization.name, size=14, bold=True)
    details = [
        organization_address(organization),
        str(organization.phone) if organization.phone else "",
        opening_hours_text(organization),
    ]
    writer.line(" - ".join(d for d in details if d), size=9)
    writer.space(8)
    writer.line(title, size=16, bold=True)
    writer.space(4)
    writer.line(_("Loan number: %(number)s") % {"number": loan.pk})
    writer.line(_("Borrower: %(name)s") % {"name": loan.participant.display_name})


def _items(writer: _Writer, loan: Loan, *, only_open: bool = False) -> None:
    writer.space(6)
    writer.line(_("What you receive"), size=12, bold=True)
    for item in loan.items.select_related("device").order_by("id"):
        if only_open and item.closed_at is not None:
            continue
        device = item.device
        parts = [
            device_label(device.kind),
            " ".join(p for p in (device.make, device.model) if p),
            _("asset tag %(tag)s") % {"tag": device.asset_tag},
        ]
        if device.serial:
            parts.append(_("serial number %(serial)s") % {"serial": device.serial})
        writer.line("- " + ", ".join(p for p in parts if p), indent=4)
        if item.accessories:
            writer.line(_("Accessories: %(list)s") % {"list": item.accessories}, indent=12)


def _signatures(writer: _Writer, loan: Loan | None = None) -> None:
    """The two signature lines; the borrower's signature drawn on the tablet is printed on its line."""
    writer.space(24)
    canvas = writer.canvas
    half = (WIDTH - 2 * MARGIN) / 2
    writer.space(30)
    if loan is not None and loan.agreement_signature:
        from reportlab.lib.utils import ImageReader

        canvas.drawImage(
            ImageReader(io.BytesIO(bytes(loan.agreement_signature))),
            MARGIN,
            writer.y + 1,
            width=half - 10 * mm,
            height=26,
            preserveAspectRatio=True,
            anchor="sw",
            mask="auto",
        )
    canvas.line(MARGIN, writer.y, MARGIN + half - 10 * mm, writer.y)
    canvas.line(MARGIN + half, writer.y, WIDTH - MARGIN, writer.y)
    writer.text_at(MARGIN, writer.y - 12, _("Signature of the borrower"), size=9, width=half - 10 * mm)
    writer.text_at(MARGIN + half, writer.y - 12, _("Signature for the organisation"), size=9, width=half)
    writer.space(22)
    writer.line(_("Date: ____________________"), size=9)


def _qr_block(writer: _Writer, loan: Loan) -> None:
    """The loan card's QR code with its explanation beside it (on the right in Arabic, the code on the left)."""
    size = 38 * mm
    writer.space(size + 10)
    url = loan_card_url(loan)
    qr_x = WIDTH - MARGIN - size if writer.rtl else MARGIN
    draw_qr(writer.canvas, url, qr_x, writer.y, size)  # vector, mask scored, 4-module quiet zone inside `size`
    text_x = MARGIN + size + 6 * mm  # mirrored by text_at in Arabic
    writer.text_at(text_x, writer.y + size - 14, _("Your loan card"), size=11, bold=True)
    writer.text_at(
        text_x,
        writer.y + size - 30,
        _("Scan this code with your phone to see what you borrowed, until when, and whom to call."),
        size=9,
    )
    writer.canvas.setFont("Helvetica", 8)
    if writer.rtl:
        writer.canvas.drawRightString(WIDTH - text_x, writer.y + 6, url)
    else:
        writer.canvas.drawString(text_x, writer.y + 6, url)


def agreement_pdf(loan: Loan) -> bytes:
    """The loan agreement and receipt the participant signs and takes home."""
    buffer = io.BytesIO()
    with translation.override(document_language(loan)):
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setTitle(_("Loan agreement and receipt"))
        writer = _Writer(canvas, document_language(loan))
        _header(writer, loan, _("Loan agreement and receipt"))
        writer.line(_("Start date: %(date)s") % {"date": formats.date_format(loan.started_on, "DATE_FORMAT")})
        if loan.cohort_id:
            due = _("Bring it back by %(date)s (the end of the course %(course)s).") % {
                "date": formats.date_format(loan.due_on, "DATE_FORMAT"),
                "course": loan.cohort.name,
            }
        else:
            due = _("Bring it back by %(date)s.") % {"date": formats.date_format(loan.due_on, "DATE_FORMAT")}
        writer.line(due, bold=True)
        _items(writer, loan)
        writer.space(6)
        writer.line(_("Money"), size=12, bold=True)
        writer.line(_fee_text(loan))
        writer.line(
            _("Deposit: %(amount)s (given back when you return everything)") % {"amount": _money(loan.deposit_amount)}
        )

        writer.space(6)
        writer.line(_("The rules in plain words"), size=12, bold=True)
        rules = [
            _("The device belongs to %(organization)s. You may use it at home. Please take good care of it.")
            % {"organization": loan.organization.name},
            _("Bring it back with everything listed above by the date above."),
        ]
        if loan.renewal_days and loan.max_renewals:
            rules.append(
                _("You may ask to keep it longer %(count)s time(s), %(days)s days each time.")
                % {"count": loan.max_renewals, "days": loan.renewal_days}
            )
        rules += [
            _("Late? There is no fine. We will send you a reminder and call you."),
            _("Lost, stolen or broken? Tell us as soon as you can. You will not be blamed for an accident."),
            _("Before the device goes to someone else, everything on it is erased. Keep copies of your files."),
        ]
        for rule in rules:
            writer.line("- " + rule, indent=4)
        writer.space(6)
        _qr_block(writer, loan)
        _signatures(writer, loan)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def handover_pdf(loan: Loan) -> bytes:
    """The handover document of a loan-to-own: the devices now belong to the participant."""
    buffer = io.BytesIO()
    with translation.override(document_language(loan)):
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setTitle(_("Handover document"))
        writer = _Writer(canvas, document_language(loan))
        _header(writer, loan, _("Handover document"))
        when = loan.closed_at or loan.updated_at
        writer.line(
            _("Date of handover: %(date)s") % {"date": formats.date_format(translation_localdate(when), "DATE_FORMAT")}
        )
        writer.space(6)
        writer.line(
            _("%(organization)s gives the devices below to %(name)s. From today they belong to %(name)s.")
            % {"organization": loan.organization.name, "name": loan.participant.display_name}
        )
        writer.line(_("They are given as they are, free of charge, without a warranty."))
        writer.space(4)
        writer.line(_("What you receive"), size=12, bold=True)
        for item in loan.items.select_related("device").order_by("id"):
            if item.return_condition:  # returned before the handover
                continue
            device = item.device
            text = ", ".join(
                p
                for p in (
                    device_label(device.kind),
                    " ".join(p for p in (device.make, device.model) if p),
                    _("asset tag %(tag)s") % {"tag": device.asset_tag},
                    _("serial number %(serial)s") % {"serial": device.serial} if device.serial else "",
                )
                if p
            )
            writer.line("- " + text, indent=4)
        _signatures(writer)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def translation_localdate(value):
    from django.utils import timezone

    return timezone.localtime(value).date()
