"""The printable letter that hands a code to its participant, in the participant's language.

Dutch, French and English are laid out by reportlab. Arabic is shaped with arabic-reshaper, wrapped,
then each line is put in visual order with python-bidi and drawn right-aligned in DejaVu Sans
(shipped in connectivity/fonts), as STACK-NOTES.md recommends.
"""

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from organizations.calendar import opening_hours_text
from organizations.details import organization_address

LETTER_LANGUAGES = ("nl", "fr", "en", "ar")
RTL_LANGUAGES = ("ar",)
FALLBACK_LANGUAGE = "fr"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
RTL_FONT = "LendwiseDejaVuSans"
PAGE_WIDTH = A4[0] - 40 * mm


def letter_language(participant) -> str:
    language = participant.preferred_language
    return language if language in LETTER_LANGUAGES else FALLBACK_LANGUAGE


def register_rtl_font() -> None:
    if RTL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(RTL_FONT, str(FONT_PATH)))


def _blocks(code) -> list[tuple[str, str]]:
    """The letter as (kind, text) in the active language; kinds: org, body, code, heading, step, space."""
    participant, programme, pack, organization = code.participant, code.programme, code.pack, code.organization
    blocks = [
        ("org", organization.name),
        ("body", formats.date_format(timezone.localdate(), "DATE_FORMAT")),
        ("space", ""),
        ("body", _("Hello %(name)s,") % {"name": participant.first_name}),
        (
            "body",
            _("Here is your personal code for %(programme)s (%(provider)s), pack %(pack)s.")
            % {"programme": programme.name, "provider": programme.provider, "pack": pack.name},
        ),
        ("code", code.code),
        (
            "body",
            _("Price: %(price)s EUR a month. Data: %(data)s.")
            % {"price": formats.localize(pack.monthly_price), "data": pack.data_allowance or "-"},
        ),
    ]
    if code.expires_on:
        blocks.append(
            ("body", _("Activate the code before %(date)s.") % {"date": formats.date_format(code.expires_on)})
        )
    blocks += [("space", ""), ("heading", _("How to activate your code"))]
    steps = []
    if programme.activation_url:
        steps.append(_("Go to %(url)s.") % {"url": programme.activation_url})
    if programme.activation_phone:
        steps.append(_("Or call %(phone)s.") % {"phone": programme.activation_phone})
    if not steps:
        steps.append(_("Contact %(provider)s.") % {"provider": programme.provider})
    steps += [
        _("Choose to become a customer with a code from a social organisation."),
        _("Type the code exactly as it is written above."),
        _("Have your identity card ready."),
    ]
    if pack.modem_included or code.modem_id:
        steps.append(_("Plug in the 4G modem and wait until its light stays on."))
    blocks += [("step", step) for step in steps]
    blocks += [
        ("space", ""),
        ("body", _("Keep this code to yourself: nobody from the provider or from us will ask you for it by phone.")),
        (
            "body",
            _("Questions? Come by or call %(organization)s: %(phone)s (%(hours)s).")
            % {
                "organization": organization.name,
                "phone": organization.phone.as_national if organization.phone else "-",
                "hours": opening_hours_text(organization) or "-",
            },
        ),
    ]
    address = organization_address(organization)
    if address:
        blocks.append(("body", address))
    return blocks


def _ltr_story(blocks) -> list:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=12, leading=16)
    code_style = ParagraphStyle("code", parent=body, fontName="Courier-Bold", fontSize=20, leading=26)
    story, steps = [], []

    def flush_steps():
        if steps:
            story.append(ListFlowable(list(steps), bulletType="1", leftIndent=12))
            steps.clear()

    for kind, text in blocks:
        if kind != "step":
            flush_steps()
        if kind == "org":
            story.append(Paragraph(escape(text), styles["Heading2"]))
        elif kind == "heading":
            story.append(Paragraph(escape(text), styles["Heading3"]))
        elif kind == "space":
            story.append(Spacer(1, 6 * mm))
        elif kind == "code":
            story.append(_code_box(_("Your code"), text, body, code_style))
        elif kind == "step":
            steps.append(ListItem(Paragraph(escape(text), body)))
        else:
            story.append(Paragraph(escape(text), body))
    flush_steps()
    return story


def rtl_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Arabic `text` shaped, wrapped to `width` points, each line in visual order (draw it right-aligned):
    the full bidirectional algorithm per paragraph (core.rtl)."""
    from core.rtl import visual_lines

    return visual_lines(text, font, size, width)


def _rtl_story(blocks) -> list:
    from core.rtl import visual

    register_rtl_font()
    body = ParagraphStyle("rtl", fontName=RTL_FONT, fontSize=12, leading=18, alignment=TA_RIGHT)
    heading = ParagraphStyle("rtl-heading", parent=body, fontSize=15, leading=22, spaceBefore=4)
    code_style = ParagraphStyle("code", fontName="Courier-Bold", fontSize=20, leading=26)

    def lines(text, style):
        width = PAGE_WIDTH - 10 * mm
        return [Paragraph(escape(line), style) for line in rtl_lines(text, style.fontName, style.fontSize, width)]

    story, number = [], 0
    for kind, text in blocks:
        if kind == "space":
            story.append(Spacer(1, 6 * mm))
        elif kind == "code":
            label = visual(_("Your code"))
            story.append(_code_box(label, text, body, code_style, rtl=True))
        elif kind == "step":
            number += 1
            story += lines(f"{number}. {text}", body)
        else:
            story += lines(text, heading if kind in ("org", "heading") else body)
    return story


def _code_box(label, value, label_style, code_style, *, rtl=False):
    cells = [Paragraph(escape(label), label_style), Paragraph(escape(value), code_style)]
    widths = [45 * mm, 120 * mm]
    if rtl:
        cells.reverse()
        widths.reverse()
    return Table(
        [cells],
        colWidths=widths,
        style=TableStyle([("BOX", (0, 0), (-1, -1), 1, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
    )


def blocks_pdf(blocks, *, title: str, author: str, language: str) -> bytes:
    """A participant's A4 document from (kind, text) blocks, right to left in Arabic: the code letter and
    the privacy export. Call it inside `translation.override(language)`."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
        lang=language,
    )
    doc.build(_rtl_story(blocks) if language in RTL_LANGUAGES else _ltr_story(blocks))
    return buffer.getvalue()


def render_code_letter(code) -> bytes:
    language = letter_language(code.participant)
    with translation.override(language):
        return blocks_pdf(
            _blocks(code), title=_("Your internet code"), author=code.organization.name, language=language
        )
