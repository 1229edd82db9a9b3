"""Signing on the tablet in Chromium at 768 px: the participant draws in the box on the loan page, the PNG is
kept and drawn on the agreement; without JavaScript the box is not shown and the paper button signs."""

import io

import pytest
from pypdf import PdfReader

from loans import documents, services
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def unsigned_loan(org_a, staff_of_org_a):
    return services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a, display_name="Amina El Idrissi"),
        policy=LoanPolicyFactory(organization=org_a, fee_amount=0, deposit_amount=0),
        devices=[DeviceFactory(organization=org_a, asset_tag="OA-0042")],
        by=staff_of_org_a,
    )


def test_the_participant_signs_on_the_screen_and_the_agreement_shows_it(site, new_page, unsigned_loan):  # noqa: F811
    page = new_page(viewport={"width": 768, "height": 1024}, has_touch=True)
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/loans/{unsigned_loan.pk}/")
    canvas = page.locator("#sign canvas")
    canvas.wait_for(state="visible")
    assert not serious_violations(page)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.7 - 0.5 * (step % 2)), steps=4)
    page.mouse.up()
    assert page.input_value("#id_signature").startswith("data:image/png;base64,")
    page.click("button:has-text('Save the signature')")
    page.wait_for_selector("text=The signed agreement is recorded.")
    screenshot(page, "desk-loan-signed")
    unsigned_loan.refresh_from_db()
    assert unsigned_loan.agreement_signed_at is not None
    assert bytes(unsigned_loan.agreement_signature).startswith(b"\x89PNG")
    pdf = documents.agreement_pdf(unsigned_loan)
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_without_javascript_the_paper_button_remains(site, new_page, unsigned_loan):  # noqa: F811
    page = new_page(viewport={"width": 768, "height": 1024}, java_script_enabled=False)
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/loans/{unsigned_loan.pk}/")
    assert not page.locator("#sign canvas").is_visible()
    assert not page.locator("button:has-text('Save the signature')").is_visible()
    page.click("button:has-text('The participant signed the agreement')")
    page.wait_for_selector("text=The signed agreement is recorded.")
    unsigned_loan.refresh_from_db()
    assert unsigned_loan.agreement_signed_at is not None and unsigned_loan.agreement_signature is None
