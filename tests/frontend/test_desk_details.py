"""The organisation's address, practical note and logo in the participant's language (#20 item 6): set at the
desk by an administrator, shown on the loan card, the agreement, the code letter and in SMS that use them.
A bad picture is refused next to its field and writes nothing; another organisation's is 404."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from loans import documents
from messaging import texts
from messaging.services.wordings import wording_check, wording_preview, wording_save
from organizations.details import LOGO_MAX_BYTES, organization_address, organization_note
from organizations.models import Organization, OrganizationLogo

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "address": "Kasteleinsstraat 10, 1050 Elsene",
    "address_nl": "Kasteleinsstraat 10, 1050 Elsene",
    "address_fr": "Rue du Châtelain 10, 1050 Ixelles",
    "address_en": "",
    "address_ar": "شارع شاتلان 10، 1050 إكسل",
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png(size=(1200, 600), noisy=True) -> SimpleUploadedFile:
    """A large, busy picture: far above 5 KB before resizing."""
    rng = random.Random(4)
    image = Image.new("RGB", size, (11, 61, 145))
    if noisy:
        pixels = image.load()
        for _ in range(20000):
            pixels[rng.randrange(size[0]), rng.randrange(size[1])] = (rng.randrange(256),) * 3
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def _save(client, org, **extra):
    return client.post(f"/desk/hours/details/?organization={org.pk}", {**ADDRESSES, **extra})


def test_an_administrator_sets_the_address_per_language_and_each_language_falls_back(org_a, admin_of_org_a):
    response = _save(_client(admin_of_org_a), org_a)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert organization_address(org_a, "fr") == "Rue du Châtelain 10, 1050 Ixelles"
    assert organization_address(org_a, "ar") == ADDRESSES["address_ar"]
    assert organization_address(org_a, "en") == ADDRESSES["address"]  # no English wording: as on the door
    assert organization_address(org_a, "tr") == ADDRESSES["address"]


def test_the_note_on_hours_reads_in_the_participants_language(org_a, admin_of_org_a):
    data = {f"d{d}_{i}_{end}": "" for d in range(7) for i in range(2) for end in ("opens", "closes")}
    data.update(
        d0_0_opens="09:00", d0_0_closes="12:00", hours_note="Koffie op woensdag", hours_note_fr="Café le mercredi"
    )
    assert _client(admin_of_org_a).post(f"/desk/hours/?organization={org_a.pk}", data).status_code == 302
    org_a.refresh_from_db()
    assert organization_note(org_a, "fr") == "Café le mercredi"
    assert organization_note(org_a, "nl") == "Koffie op woensdag"


def test_the_card_shows_the_address_in_the_chosen_language_and_the_logo_on_its_first_line(
    client, lend, org_a, admin_of_org_a
):
    assert _save(_client(admin_of_org_a), org_a, logo=_png()).status_code == 302
    logo = OrganizationLogo.objects.get(organization=org_a)
    assert len(bytes(logo.png)) <= LOGO_MAX_BYTES
    assert Image.open(io.BytesIO(bytes(logo.png))).height <= 80
    loan = lend()
    page = client.get(f"/l/{loan.public_token}?lang=fr")
    html = page.content.decode()
    assert "Rue du Châtelain 10" in html and "Kasteleinsstraat" not in html
    first_line = html.split('id="card-from"', 1)[1].split("</p>", 1)[0]
    assert '<img class="logo" src="data:image/png;base64,' in first_line
    assert len(page.content) < 30 * 1024
    html = client.get(f"/l/{loan.public_token}?lang=ar").content.decode()
    assert ADDRESSES["address_ar"] in html


def test_the_agreement_prints_the_address_in_the_participants_language(lend, org_a, participant_a):
    Organization.objects.filter(pk=org_a.pk).update(**ADDRESSES)
    participant_a.preferred_language = "fr"
    participant_a.save(update_fields=["preferred_language"])
    loan = lend()
    loan.refresh_from_db()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.agreement_pdf(loan))).pages)
    assert "Rue du Châtelain 10" in text


def test_an_sms_wording_may_name_the_address_in_the_participants_language(org_a, admin_of_org_a):
    Organization.objects.filter(pk=org_a.pk).update(**ADDRESSES)
    org_a.refresh_from_db()
    body = "{org}: un {device} vous attend au {address}. Avant le {date}. {phone}"
    wording_check("waitlist_offer", body)
    preview = wording_preview(org_a, "waitlist_offer", "fr", body)
    assert "Rue du Châtelain 10, 1050 Ixelles" in preview.text
    wording_save(org_a, "waitlist_offer", "fr", body, by=admin_of_org_a, confirm_segments=True)
    rendered = texts.render(
        "waitlist_offer",
        "fr",
        org=org_a.name,
        phone="02 123 45 67",
        context={"date": org_a.created_at.date()},
        wording=body,
        details=lambda language: {"address": organization_address(org_a, language), "hours": ""},
    )
    assert rendered.startswith(org_a.name) and "Rue du Châtelain" in rendered


# --- bad input, roles and other organisations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"not a picture at all", content_type="image/png"), "not a picture"),
        (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, content_type="image/png"), "not a picture"),
    ],
)
def test_a_bad_logo_is_refused_next_to_its_field_and_nothing_is_written(org_a, admin_of_org_a, upload, message):
    response = _save(_client(admin_of_org_a), org_a, logo=upload)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html.index(message) > html.index('name="logo"') - 600  # shown with the logo field
    org_a.refresh_from_db()
    assert org_a.address_fr == ""  # the addresses of the same form were not written either
    assert not OrganizationLogo.objects.filter(organization=org_a).exists()


def test_an_address_too_long_is_refused_next_to_its_field(org_a, admin_of_org_a):
    response = _save(_client(admin_of_org_a), org_a, address_fr="x" * 300)
    assert response.status_code == 400
    assert "id_address_fr_error" in response.content.decode() or "at most 255" in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.address_fr == ""


def test_the_logo_can_be_removed(org_a, admin_of_org_a):
    client = _client(admin_of_org_a)
    _save(client, org_a, logo=_png(noisy=False))
    assert OrganizationLogo.objects.filter(organization=org_a).exists()
    assert _save(client, org_a, logo_remove="on").status_code == 302
    assert not OrganizationLogo.objects.filter(organization=org_a).exists()


def test_a_volunteer_reads_but_cannot_change_the_details(org_a, volunteer_of_org_a):
    client = _client(volunteer_of_org_a)
    assert 'id="details-form"' not in client.get(f"/desk/hours/?organization={org_a.pk}").content.decode()
    assert _save(client, org_a).status_code == 403
    org_a.refresh_from_db()
    assert org_a.address_fr == ""


def test_another_organisations_details_are_404(org_a, org_b, admin_of_org_b):
    assert _save(_client(admin_of_org_b), org_a).status_code == 404
    org_a.refresh_from_db()
    assert org_a.address_fr == ""


def test_the_api_reads_and_writes_the_address_per_language(api, org_a, admin_of_org_a, staff_of_org_b):
    response = api.as_user(admin_of_org_a).patch(
        f"/api/v1/organizations/{org_a.pk}/", {"address_fr": "Rue du Châtelain 10"}, format="json"
    )
    assert response.status_code == 200 and response.json()["address_fr"] == "Rue du Châtelain 10"
    bad = api.as_user(admin_of_org_a).patch(
        f"/api/v1/organizations/{org_a.pk}/", {"address_ar": "x" * 300}, format="json"
    )
    assert bad.status_code == 400 and "address_ar" in bad.json()["fields"]
    other = api.as_user(staff_of_org_b).patch(f"/api/v1/organizations/{org_a.pk}/", {"address_fr": "x"}, format="json")
    assert other.status_code == 404
