import cv2
import numpy as np
import pypdfium2
import pytest
from django.urls import reverse

from inventory.labels import LabelSheet, render_labels
from inventory.models import Device

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db


def _decode_all(pdf: bytes, page_index: int = 0) -> set[str]:
    page = pypdfium2.PdfDocument(pdf)[page_index]
    image = page.render(scale=300 / 72).to_pil().convert("L")
    found, texts, _points, _codes = cv2.QRCodeDetector().detectAndDecodeMulti(np.array(image))
    return {text for text in texts if text} if found else set()


def _decode_label(pdf: bytes, sheet: LabelSheet, slot: int) -> str:
    """Crop one label out of the rendered page and decode its QR code."""
    scale = 300 / 72
    page = pypdfium2.PdfDocument(pdf)[0]
    image = np.array(page.render(scale=scale).to_pil().convert("L"))
    column, row = slot % sheet.columns, slot // sheet.columns
    left = int((sheet.margin_x + column * sheet.label_width) * scale)
    top = int((sheet.margin_y + row * sheet.label_height) * scale)
    crop = image[top : top + int(sheet.label_height * scale), left : left + int(sheet.label_width * scale)]
    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(crop)
    return text


def test_a_label_decodes_back_to_its_scan_url(org_a, settings):
    settings.SITE_URL = "https://lend.example.org"
    # fixed codes keep the test deterministic: in a trial OpenCV missed 1-2 of 240 random codes, with any mask
    codes = ["k7m2pq9xat", "23456789ab", "zyxwvutsrq", "hjkmnpqrst"]
    devices = [DeviceFactory(organization=org_a, label_code=code) for code in codes]
    sheet = LabelSheet()
    pdf = render_labels(Device.objects.select_related("organization").order_by("asset_tag"), sheet=sheet)
    assert pdf.startswith(b"%PDF")
    for slot, device in enumerate(sorted(devices, key=lambda d: d.asset_tag)):
        assert _decode_label(pdf, sheet, slot) == f"https://lend.example.org/s/{device.label_code}"


def test_a_sheet_holds_3_by_8_labels_and_then_starts_a_new_page(org_a):
    for _i in range(25):
        DeviceFactory(organization=org_a)
    pdf = render_labels(Device.objects.select_related("organization"))
    assert len(pypdfium2.PdfDocument(pdf)) == 2
    pdf = render_labels(Device.objects.select_related("organization"), sheet=LabelSheet(columns=2, rows=5))
    assert len(pypdfium2.PdfDocument(pdf)) == 3


def test_the_labels_endpoint_returns_a_pdf_with_the_organisation_and_tag(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a, asset_tag="OA-0042", label_code="k7m2pq9xat")
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/devices/labels/", {"devices": [device.id], "columns": 2, "rows": 7}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert "OA-0042" in text and "Org A" in text
    assert _decode_all(response.content) == {f"http://127.0.0.1:8000/s/{device.label_code}"}


def test_the_labels_endpoint_refuses_a_bad_grid(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/devices/labels/", {"devices": [device.id], "columns": 0}, format="json"
    )
    assert response.status_code == 400 and "columns" in response.data["fields"]


def test_scanning_a_label_opens_the_device_for_its_organisations_members(client, org_a, volunteer_of_org_a):
    device = DeviceFactory(organization=org_a)
    client.force_login(volunteer_of_org_a)
    response = client.get(f"/s/{device.label_code}")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:inventory_device_change", args=[device.pk])


@pytest.mark.parametrize("who", ["anonymous", "staff_of_org_b", "funder_user"])
def test_scanning_reveals_nothing_to_others(client, org_a, persona, who):
    device = DeviceFactory(organization=org_a)
    user = persona(who)
    if user:
        client.force_login(user)
    known = client.get(f"/s/{device.label_code}")
    unknown = client.get("/s/zzzzzzzzzz")
    assert known.status_code == unknown.status_code == 404
    assert known.content == unknown.content
    assert device.asset_tag.encode() not in known.content
