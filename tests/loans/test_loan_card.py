"""The public loan card JSON, the agreement PDF and the overdue follow-up tasks."""

import datetime
import io
import unicodedata

import pytest
from django.conf import settings
from pypdf import PdfReader

from loans import documents, services
from loans.tasks import loans_daily_task
from organizations.calendar import opening_hours_set
from organizations.models import StaffTask

from .conftest import backdate

pytestmark = pytest.mark.django_db


def test_the_public_card_shows_only_what_the_participant_needs(api, lend, device_a, org_a):
    opening_hours_set(
        organization=org_a,
        periods=[{"weekday": day, "opens": datetime.time(9), "closes": datetime.time(16)} for day in range(5)],
    )
    loan = lend(devices=[device_a])
    response = api.as_user(None).get(f"/api/v1/public/loans/{loan.public_token}/")
    assert response.status_code == 200
    data = response.data
    assert data["first_name"] == "Marc"
    assert "Dubois" not in str(data)
    assert [(i["kind"], i["asset_tag"], i["returned"]) for i in data["items"]] == [("laptop", "OA-0001", False)]
    assert data["due_on"] == loan.due_on.isoformat()
    assert data["renewals_left"] == 2 and data["status"] == "active"
    # The week in the participant's words (Marc reads French), from the organisation's hours.
    assert data["organization"]["name"] == "Org A"
    assert data["organization"]["opening_hours"] == "lun–ven 09:00–16:00"
    assert "serial" not in str(data).lower() and "phone" not in str(data["items"])


def test_an_unknown_or_revoked_token_is_not_found(api, staff_of_org_a, lend):
    loan = lend()
    client = api.as_user(None)
    assert client.get("/api/v1/public/loans/not-a-token/").status_code == 404
    api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/revoke-token/")
    assert api.as_user(None).get(f"/api/v1/public/loans/{loan.public_token}/").status_code == 404


def test_a_rotated_token_replaces_the_old_one(api, staff_of_org_a, lend):
    loan = lend()
    old = loan.public_token
    url = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/rotate-token/").data["public_url"]
    new = url.rsplit("/l/", 1)[1]  # the token is shown only inside the card link, to roles that may reveal it
    assert new != old and len(new) >= 22
    client = api.as_user(None)
    assert client.get(f"/api/v1/public/loans/{old}/").status_code == 404
    assert client.get(f"/api/v1/public/loans/{new}/").status_code == 200


def test_the_public_card_is_rate_limited_per_address(api, lend, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "public_token", "3/minute")
    client = api.as_user(None)
    codes = [client.get("/api/v1/public/loans/guess/", REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    assert client.get("/api/v1/public/loans/guess/", REMOTE_ADDR="10.0.0.2").status_code == 404


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    ("language", "title"),
    [("nl", "Uitleenovereenkomst en ontvangstbewijs"), ("fr", "Contrat de prêt et reçu"), ("en", "Loan agreement")],
)
def test_the_agreement_is_in_the_participants_language_with_the_loan_card(
    lend, participant_a, device_a, language, title
):
    participant_a.preferred_language = language
    participant_a.save()
    loan = lend(devices=[device_a], accessories="charger")
    text = _pdf_text(documents.agreement_pdf(loan))
    assert title in text
    assert "Marc Dubois" in text and "OA-0001" in text and device_a.serial in text and "charger" in text
    assert f"{settings.SITE_URL}/l/{loan.public_token}" in text
    assert "Org A" in text


def test_the_agreement_pdf_endpoint(api, staff_of_org_a, lend):
    loan = lend()
    response = api.as_user(staff_of_org_a).get(f"/api/v1/loans/{loan.pk}/agreement-pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_handover_document_names_the_new_owner(lend, device_a):
    loan = services.loan_give(loan=lend(devices=[device_a]), by=None)
    text = _pdf_text(documents.handover_pdf(loan))
    assert "Marc Dubois" in text and "OA-0001" in text and "Document de remise" in text


def test_a_long_overdue_loan_gets_one_follow_up_task(lend):
    late = backdate(lend(), due_days_ago=8)  # follow-up after 7 days
    backdate(lend(), due_days_ago=3)
    loans_daily_task.delay()
    loans_daily_task.delay()
    task = StaffTask.objects.get()
    assert task.kind == "loan_follow_up" and task.related == late and task.participant == late.participant
    assert task.key == f"loan-follow-up:{late.pk}:{late.due_on}"


def test_the_public_card_lists_the_participants_own_code_and_digicheques_only(api, lend, staff_of_org_a, org_a):
    from connectivity import services as connectivity_services
    from tests.connectivity.factories import CodeBatchFactory, DigichequeFactory, EligibilityCodeFactory
    from tests.factories import ParticipantFactory

    loan = lend()
    batch = CodeBatchFactory(organization=org_a)
    mine = EligibilityCodeFactory(batch=batch, code="TEI-MINE-0001")
    someone_elses = EligibilityCodeFactory(batch=batch, code="TEI-OTHER-0002")
    connectivity_services.code_assign(
        code=mine,
        participant=loan.participant,
        eligibility_basis="course_participant",
        by=staff_of_org_a,
        household_ref="H-1",
    )
    connectivity_services.code_assign(
        code=someone_elses,
        participant=ParticipantFactory(organization=org_a),
        eligibility_basis="course_participant",
        by=staff_of_org_a,
        household_ref="H-2",
    )
    cheque = DigichequeFactory(batch__organization=org_a, serial="DC-77777")
    connectivity_services.digicheque_issue(cheque=cheque, participant=loan.participant, by=staff_of_org_a)

    data = api.as_user(None).get(f"/api/v1/public/loans/{loan.public_token}/").data
    assert [c["code"] for c in data["codes"]] == ["TEI-MINE-0001"]
    assert "TEI-OTHER-0002" not in str(data)
    assert len(data["digicheques"]) == 1


@pytest.mark.parametrize("pdf", ["agreement", "handover"])
def test_arabic_documents_are_shaped_right_to_left(lend, participant_a, device_a, pdf):
    participant_a.preferred_language = "ar"
    participant_a.save()
    loan = lend(devices=[device_a], accessories="charger")
    if pdf == "agreement":
        content, title, rule = documents.agreement_pdf(loan), "اتفاقية الإعارة والإيصال", "لا توجد غرامة"
    else:
        loan = services.loan_give(loan=loan, by=None)
        content, title, rule = documents.handover_pdf(loan), "وثيقة التسليم", "من دون ضمان"
    text = _pdf_text(content)
    assert title in text and rule in text
    assert "Marc Dubois" in text and "OA-0001" in text and "Org A" in text
    assert "حاسوب محمول" in text and "Laptop" not in text  # the device kind in the participant's words
    assert "Loan agreement" not in text and "Contrat" not in text and "Handover" not in text
    assert b"DejaVuSans" in content  # the Arabic font is embedded, not Helvetica's missing glyphs
    if pdf == "agreement":
        assert f"{settings.SITE_URL}/l/{loan.public_token}" in text
