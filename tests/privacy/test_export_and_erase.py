"""Export everything held about one participant; erase them on request. Admins only, own organisation only."""

import io
import json
import unicodedata

import pytest
from django.db.models import ForeignKey, OneToOneField
from django.utils import translation
from pypdf import PdfReader

from inventory.choices import DeviceKind
from inventory.texts import DEVICE_LABELS
from loans.models import CentreSession, Loan
from organizations.models import Participant
from privacy import services
from privacy.documents import CHOICES
from privacy.models import Anonymisation, PrivacyLogEntry
from tests.factories import ParticipantFactory

from .conftest import NAME, PHONE

pytestmark = pytest.mark.django_db

# Every model that points at Participant, and where the export shows it (None: not personal data).
EXPORTED = {
    "loans.Loan": "loans",
    "loans.WaitlistEntry": "waiting_list",
    "loans.CohortMember": "courses",
    "connectivity.EligibilityCode": "internet_codes",
    "connectivity.Digicheque": "digicheques",
    "messaging.OutboundMessage": "messages",
    "messaging.SmsOptOut": "sms_opt_outs",
    "organizations.StaffTask": "staff_tasks",
    "privacy.ConsentRecord": "consents",
    "privacy.Anonymisation": "profile",
    "loans.CentreSession": "centre_sessions",
}


def _url(participant, what):
    if what == "erase":
        return f"/api/v1/privacy/participants/{participant.pk}/erase/"
    return f"/api/v1/privacy/participants/{participant.pk}/export/{what}/"


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return unicodedata.normalize("NFKC", text)


def test_the_json_export_contains_every_kind_of_record(api, build_record, admin_of_org_a):
    person = build_record()
    response = api.as_user(admin_of_org_a).get(_url(person, "json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="participant-{person.pk}.json"'
    data = json.loads(response.content)
    assert data["profile"]["name"] == NAME and data["profile"]["phone"] == PHONE
    for section in (
        "consents",
        "sms_opt_outs",
        "loans",
        "payments",
        "waiting_list",
        "internet_codes",
        "digicheques",
        "messages",
        "staff_tasks",
        "centre_sessions",
    ):
        assert data[section], f"{section} is empty"
    assert data["centre_sessions"][0]["override_reason"] == f"{NAME} has an exam"
    assert data["loans"][0]["items"][0]["device"].startswith("T-")
    assert data["internet_codes"][0]["code"].startswith("•")  # masked: the whole code is a logged reveal
    assert data["messages"][0]["text"] == f"Bonjour {NAME}"
    assert PrivacyLogEntry.objects.get(action="export_json").participant_id_ref == person.pk


def test_no_model_pointing_at_participants_is_left_out_of_the_export():
    pointing = {
        related.related_model._meta.label
        for related in Participant._meta.related_objects
        if isinstance(related.field, ForeignKey | OneToOneField)
        and not related.related_model.__name__.startswith("Historical")
    }
    assert pointing == set(EXPORTED), "add the new model to privacy.selectors.participant_export and to EXPORTED"


def test_the_pdf_export_is_readable_in_the_participants_language(api, build_record, admin_of_org_a):
    person = build_record()
    response = api.as_user(admin_of_org_a).get(_url(person, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert NAME in text
    for title in (
        "Tout ce que nous gardons sur vous",
        "Vos prêts",
        "Vos codes internet",
        "SMS que nous vous avons envoyés",
    ):
        assert title in text, title
    assert "Statut: Rendu" in text  # labels, not stored values
    assert "returned" not in text
    Participant.objects.filter(pk=person.pk).update(preferred_language="nl")
    text = _pdf_text(api.as_user(admin_of_org_a).get(_url(person, "pdf")).content)
    assert "Alles wat we over je bewaren" in text and "Je leningen" in text


def test_the_pdf_export_in_arabic_is_drawn_right_to_left(api, build_record, admin_of_org_a):
    person = build_record()
    Participant.objects.filter(pk=person.pk).update(preferred_language="ar")
    response = api.as_user(admin_of_org_a).get(_url(person, "pdf"))
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "إعارات" in text or "ﺇﻋﺎﺭﺍﺕ" in text or _arabic(text)
    # statuses, methods and device kinds in Arabic too, not in the English of the staff screens
    for english in ("Returned", "Laptop", "Deposit", "Cash", "In person", "Woman", "30 to 44"):
        assert english not in text


def _arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


def test_every_label_the_export_prints_has_its_arabic():
    """A choice added to a status or a kind the export prints must come with its Arabic (privacy/choice_labels.py)."""
    with translation.override("ar"):
        missing = [
            (section, key, value, str(label))
            for (section, key), choices in CHOICES.items()
            for value, label in choices.choices
            if not _arabic(str(label))
        ]
        missing += [("kind", kind, str(label)) for kind, label in DEVICE_LABELS.items() if not _arabic(str(label))]
    assert not missing
    assert set(DEVICE_LABELS) == set(DeviceKind.values), "every device kind has the participant's word"


@pytest.mark.parametrize("what", ["json", "pdf", "erase"])
def test_another_organisations_participant_is_not_found(api, admin_of_org_a, org_b, what):
    other = ParticipantFactory(organization=org_b, display_name="Someone of B")
    client = api.as_user(admin_of_org_a)
    response = client.post(_url(other, what)) if what == "erase" else client.get(_url(other, what))
    assert response.status_code == 404
    assert not PrivacyLogEntry.objects.exists() and not Anonymisation.objects.exists()


@pytest.mark.parametrize("who", ["staff_of_org_a", "volunteer_of_org_a"])
@pytest.mark.parametrize("what", ["json", "pdf", "erase"])
def test_members_without_the_admin_role_are_refused(api, persona, org_a, who, what):
    person = ParticipantFactory(organization=org_a)
    client = api.as_user(persona(who))
    response = client.post(_url(person, what)) if what == "erase" else client.get(_url(person, what))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Anonymisation.objects.exists() and not PrivacyLogEntry.objects.exists()


def test_anonymous_and_funder_users_are_refused(api, org_a, funder_user):
    person = ParticipantFactory(organization=org_a)
    assert api.as_user(None).post(_url(person, "erase")).status_code == 401
    # a funder user is a member nowhere: no participant exists for them (404, not 403)
    assert api.as_user(funder_user).get(_url(person, "json")).status_code == 404


def test_an_unknown_participant_is_not_found(api, admin_of_org_a):
    assert api.as_user(admin_of_org_a).post("/api/v1/privacy/participants/999999/erase/").status_code == 404


def test_erase_is_refused_while_a_loan_is_open(api, build_record, admin_of_org_a):
    person = build_record(close=False)
    response = api.as_user(admin_of_org_a).post(_url(person, "erase"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "participant_has_open_loan" and "open loan" in body["detail"]
    person.refresh_from_db()
    assert person.display_name == NAME and str(person.phone) != ""
    assert not Anonymisation.objects.exists() and not PrivacyLogEntry.objects.filter(action="erase").exists()


def test_erase_is_refused_while_a_device_is_still_with_them(admin_of_org_a, build_record):
    from core.errors import DomainError
    from loans.models import LoanItem

    person = build_record()
    loan = Loan.objects.get(participant=person)
    LoanItem.objects.filter(loan=loan).update(closed_at=None)  # e.g. a kit item never checked in
    with pytest.raises(DomainError) as refused:
        services.participant_erase(participant=person, by=admin_of_org_a)
    assert refused.value.code == "participant_has_device"


def test_erase_anonymises_at_once_and_logs_without_the_values(api, build_record, admin_of_org_a):
    person = build_record()
    response = api.as_user(admin_of_org_a).post(_url(person, "erase"))
    assert response.status_code == 200
    assert response.json()["rule"] == "request"
    person.refresh_from_db()
    assert person.display_name == services.ANONYMISED and str(person.phone) == "" and not person.sms_consent
    entry = PrivacyLogEntry.objects.get(action="erase")
    assert entry.by == admin_of_org_a and entry.participant_id_ref == person.pk
    logged = json.dumps(entry.detail, ensure_ascii=False)
    assert "phone" in logged and NAME not in logged and PHONE not in logged and "Rue Haute" not in logged
    # The export now shows nothing personal; a second erase is refused with a clear reason.
    exported = api.as_user(admin_of_org_a).get(_url(person, "json")).content.decode()
    assert NAME not in exported and PHONE not in exported
    # a session past the daily limit still says it was overridden, no longer why
    session = CentreSession.objects.get(participant=person)
    assert session.limit_overridden and session.override_reason == services.ANONYMISED
    again = api.as_user(admin_of_org_a).post(_url(person, "erase"))
    assert again.status_code == 409 and again.json()["code"] == "already_anonymised"
    assert Anonymisation.objects.count() == 1


def test_the_privacy_log_is_for_admins_of_the_organisation(
    api, build_record, admin_of_org_a, staff_of_org_a, admin_of_org_b
):
    person = build_record()
    api.as_user(admin_of_org_a).get(_url(person, "json"))
    assert api.as_user(admin_of_org_a).get("/api/v1/privacy/log/").json()["count"] == 1
    assert api.as_user(staff_of_org_a).get("/api/v1/privacy/log/").json()["count"] == 0
    assert api.as_user(admin_of_org_b).get("/api/v1/privacy/log/").json()["count"] == 0


@pytest.mark.parametrize(
    "held, code, words",
    [
        ("code", "participant_has_code", "internet code"),
        ("cheque", "participant_has_digicheque", "digicheque"),
        ("waiting", "participant_on_waiting_list", "waiting list"),
    ],
)
def test_erase_is_refused_while_they_hold_a_code_a_cheque_or_a_waiting_list_place(
    api, build_record, admin_of_org_a, held, code, words
):
    from connectivity.models import Digicheque, EligibilityCode
    from loans.models import WaitlistEntry

    person = build_record()
    if held == "code":
        EligibilityCode.objects.filter(participant=person).update(status="assigned")
    elif held == "cheque":
        Digicheque.objects.filter(participant=person).update(status="issued")
    else:
        WaitlistEntry.objects.filter(participant=person).update(status="waiting", closed_at=None)
    response = api.as_user(admin_of_org_a).post(_url(person, "erase"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == code and words in body["detail"]
    person.refresh_from_db()
    assert person.display_name == NAME and str(person.phone) != ""
    assert not Anonymisation.objects.exists() and not PrivacyLogEntry.objects.filter(action="erase").exists()


def test_the_pdf_prints_dates_as_people_read_them_in_brussels_time(api, build_record, admin_of_org_a):
    import re

    from django.utils import formats, timezone, translation

    person = build_record()
    text = _pdf_text(api.as_user(admin_of_org_a).get(_url(person, "pdf")).content)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)  # no raw ISO timestamps
    with translation.override("fr"):
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"le {today}" in text or today in text
