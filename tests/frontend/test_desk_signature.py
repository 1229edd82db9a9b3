"""The agreement signed on the tablet: the PNG is checked, kept with the loan and drawn on the agreement PDF;
the paper button stays; bad signatures are refused next to the field and nothing is written; another
organisation's loan is 404."""

import base64
import io

import pytest
from django.test import Client
from PIL import Image, ImageDraw
from pypdf import PdfReader

from loans import documents
from loans.models import Loan

pytestmark = pytest.mark.django_db


def signature_data_url(*, blank: bool = False) -> str:
    image = Image.new("RGBA", (400, 120), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(20, 90), (120, 20), (220, 100), (380, 30)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


def _images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_signature_drawn_on_the_tablet_is_kept_and_printed_on_the_agreement(desk, lend):
    loan = lend()
    before = _images_in(documents.agreement_pdf(loan))
    response = desk.post(f"/desk/loans/{loan.pk}/agreement-signed", {"signature": signature_data_url()})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.agreement_signed_at is not None
    assert bytes(loan.agreement_signature).startswith(b"\x89PNG")
    assert _images_in(documents.agreement_pdf(loan)) == before + 1


def test_the_paper_button_still_signs_without_an_image(desk, lend):
    loan = lend()
    page = desk.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert "The participant signed the agreement" in page and "data-signature=" in page
    assert desk.post(f"/desk/loans/{loan.pk}/agreement-signed").status_code == 302
    loan.refresh_from_db()
    assert loan.agreement_signed_at is not None and loan.agreement_signature is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "The signature is empty"),
        (signature_data_url(blank=True), "The signature is empty"),
        ("data:image/jpeg;base64,AAAA", "must be a PNG"),
        ("data:image/png;base64,not-base64!!", "could not be read"),
        ("data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode(), "could not be read"),
    ],
)
def test_a_bad_signature_is_refused_next_to_its_field_and_nothing_is_written(desk, lend, value, message):
    loan = lend()
    response = desk.post(f"/desk/loans/{loan.pk}/agreement-signed", {"signature": value})
    assert response.status_code == 400
    assert 'id="id_signature_error"' in response.content.decode()
    assert message in response.content.decode()
    loan.refresh_from_db()
    assert loan.agreement_signed_at is None and loan.agreement_signature is None


def test_checkout_step_3_takes_the_tablet_signature_as_the_signed_agreement(desk, org_a, participant_a, device_a):
    from tests.loans.factories import LoanPolicyFactory

    policy = LoanPolicyFactory(organization=org_a, agreement_required=True, fee_amount=0, deposit_amount=0)
    url = f"/desk/checkout/policy/?devices={device_a.pk}&participant={participant_a.pk}"
    response = desk.post(url, {"policy": policy.pk, "signature": signature_data_url()})
    assert response.status_code == 302, response.content.decode()[:2000]
    loan = Loan.objects.get()
    assert loan.agreement_signed_at is not None and loan.agreement_signature


def test_another_organisations_loan_is_404(client, lend, staff_of_org_b):
    loan = lend()
    client.force_login(staff_of_org_b)
    response = client.post(f"/desk/loans/{loan.pk}/agreement-signed", {"signature": signature_data_url()})
    assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.agreement_signature is None


def test_the_api_takes_a_signature_and_refuses_a_bad_one(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(staff_of_org_a)
    bad = client.post(f"/api/v1/loans/{loan.pk}/agreement-signed/", {"signature": "data:image/gif;base64,R0"})
    assert bad.status_code == 400 and "signature" in bad.json()["fields"]
    good = client.post(f"/api/v1/loans/{loan.pk}/agreement-signed/", {"signature": signature_data_url()})
    assert good.status_code == 200 and good.json()["agreement_signed_at"]
