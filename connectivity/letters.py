"""The printable letter that hands a code to its participant, in the participant's language."""

import io
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

LETTER_LANGUAGES = ("nl", "fr", "en")
FALLBACK_LANGUAGE = "fr"  # Arabic needs shaping and a shipped font: not done yet, French is the region's lingua franca


def letter_language(participant) -> str:
    language = participant.preferred_language
    return language if language in LETTER_LANGUAGES else FALLBACK_LANGUAGE


def _text(value) -> str:
    return escape(str(value))


def render_code_letter(code) -> bytes:
    participant, programme, pack, organization = code.participant, code.programme, code.pack, code.organization
    with translation.override(letter_language(participant)):
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=_("Your internet code"),
            author=organization.name,
        )
        styles = getSampleStyleSheet()
        body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=12, leading=16)
        code_style = ParagraphStyle("code", parent=body, fontName="Courier-Bold", fontSize=20, leading=26)
        story = [
            Paragraph(_text(organization.name), styles["Heading2"]),
            Paragraph(_text(formats.date_format(timezone.localdate(), "DATE_FORMAT")), body),
            Spacer(1, 8 * mm),
            Paragraph(_text(_("Hello %(name)s,") % {"name": participant.first_name}), body),
            Spacer(1, 3 * mm),
            Paragraph(
                _text(
                    _("Here is your personal code for %(programme)s (%(provider)s), pack %(pack)s.")
                    % {"programme": programme.name, "provider": programme.provider, "pack": pack.name}
                ),
                body,
            ),
            Spacer(1, 4 * mm),
            Table(
                [[Paragraph(_text(_("Your code")), body), Paragraph(_text(code.code), code_style)]],
                colWidths=[45 * mm, 120 * mm],
                style=TableStyle([("BOX", (0, 0), (-1, -1), 1, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
            ),
            Spacer(1, 4 * mm),
            Paragraph(
                _text(
                    _("Price: %(price)s EUR a month. Data: %(data)s.")
                    % {"price": formats.localize(pack.monthly_price), "data": pack.data_allowance or "-"}
                ),
                body,
            ),
        ]
        if code.expires_on:
            story.append(
                Paragraph(
                    _text(
                        _("Activate the code before %(date)s.")
                        % {"date": formats.date_format(code.expires_on, "DATE_FORMAT")}
                    ),
                    body,
                )
            )
        story += [Spacer(1, 6 * mm), Paragraph(_text(_("How to activate your code")), styles["Heading3"])]
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
        story.append(
            ListFlowable([ListItem(Paragraph(_text(step), body)) for step in steps], bulletType="1", leftIndent=12)
        )
        story += [
            Spacer(1, 6 * mm),
            Paragraph(
                _text(
                    _("Keep this code to yourself: nobody from the provider or from us will ask you for it by phone.")
                ),
                body,
            ),
            Spacer(1, 3 * mm),
            Paragraph(
                _text(
                    _("Questions? Come by or call %(organization)s: %(phone)s (%(hours)s).")
                    % {
                        "organization": organization.name,
                        "phone": organization.phone.as_national if organization.phone else "-",
                        "hours": organization.opening_hours or "-",
                    }
                ),
                body,
            ),
        ]
        doc.build(story)
        return buffer.getvalue()
