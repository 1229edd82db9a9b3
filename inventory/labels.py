"""QR asset-label sheets: A4, a grid of labels (3 x 8 by default), each with the organisation's name,
the asset tag and a QR code of the short scan URL `<SITE_URL>/s/<label code>`."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from core.qr import draw_qr

from .models import Device


@dataclass(frozen=True)
class LabelSheet:
    columns: int = 3
    rows: int = 8
    margin_x: float = 7 * mm
    margin_y: float = 12 * mm
    padding: float = 2.5 * mm

    @property
    def label_width(self) -> float:
        return (A4[0] - 2 * self.margin_x) / self.columns

    @property
    def label_height(self) -> float:
        return (A4[1] - 2 * self.margin_y) / self.rows


def scan_url(device: Device, base_url: str | None = None) -> str:
    return f"{(base_url or settings.SITE_URL).rstrip('/')}/s/{device.label_code}"


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def render_labels(
    devices: Iterable[Device], *, sheet: LabelSheet | None = None, base_url: str | None = None, start_at: int = 1
) -> bytes:
    """A PDF with one label per device, in order, filling each page left to right, top to bottom.

    `start_at` (1 = top left) skips the labels already used on a half-used first sheet.

    `devices` should come with `organization` selected (one query for the whole sheet).
    """
    sheet = sheet or LabelSheet()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("Asset labels")
    per_page = sheet.columns * sheet.rows
    width, height, pad = sheet.label_width, sheet.label_height, sheet.padding
    qr_size = min(height - 2 * pad, width * 0.5)
    skip = min(max(start_at, 1), per_page) - 1
    index = -1
    for index, device in enumerate(devices, start=skip):
        slot = index % per_page
        if slot == 0 and index:
            pdf.showPage()
        column, row = slot % sheet.columns, slot // sheet.columns
        left = sheet.margin_x + column * width
        bottom = A4[1] - sheet.margin_y - (row + 1) * height
        # the 4-module quiet zone is inside qr_size (core.qr); the label's padding adds to it
        draw_qr(pdf, scan_url(device, base_url), left + pad, bottom + pad, qr_size)
        text_x = left + pad + qr_size + pad
        text_width = left + width - pad - text_x
        top = bottom + height - pad
        pdf.setFont("Helvetica", 7)
        pdf.drawString(text_x, top - 7, _fit(device.organization.name, "Helvetica", 7, text_width))
        tag_size = 13 if len(device.asset_tag) <= 8 else 10
        pdf.setFont("Helvetica-Bold", tag_size)
        pdf.drawString(text_x, top - 9 - tag_size, _fit(device.asset_tag, "Helvetica-Bold", tag_size, text_width))
        pdf.setFont("Helvetica", 6.5)
        detail = " ".join(part for part in (device.make, device.model) if part) or device.get_kind_display()
        pdf.drawString(text_x, top - 13 - tag_size - 7, _fit(detail, "Helvetica", 6.5, text_width))
        if device.serial:
            pdf.drawString(text_x, top - 13 - tag_size - 15, _fit(f"S/N {device.serial}", "Helvetica", 6.5, text_width))
    if index < skip:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(20 * mm, A4[1] - 20 * mm, "-")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
