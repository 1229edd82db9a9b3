"""Assigning, revealing, activating, revoking and expiring eligibility codes."""

import datetime
import io

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectivity import services
from connectivity.models import CodeRevealLog, EligibilityCode
from connectivity.selectors import public_items_for_participant
from connectivity.tasks import code_recheck_tasks_task, codes_expire_task
from core.errors import DomainError
from inventory.models import Device, DeviceEvent
from organizations.models import StaffTask
from tests.factories import ParticipantFactory

from .factories import EligibilityCodeFactory, ModemFactory, ProgrammeFactory

# The clock fixed for every test here (#18): expiry and re-check dates are relative to this fixed today.
FIXED_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


def _days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


URL = "/api/v1/connectivity/codes/"


@pytest.fixture
def code(org_a):
    return EligibilityCodeFactory(batch__organization=org_a, code="TEI-SECRET-0042")


@pytest.fixture
def person(org_a):
    return ParticipantFactory(organization=org_a, display_name="Amina Diallo", preferred_language="fr")


def _assign(code, participant, by, household="Rue Haute 12", **extra):
    return services.code_assign(
        code=code,
        participant=participant,
        eligibility_basis="course_participant",
        household_ref=household,
        by=by,
        **extra,
    )


def test_it_assigns_an_available_code(code, person, staff_of_org_a):
    _assign(code, person, staff_of_org_a)
    code.refresh_from_db()
    assert code.status == "assigned" and code.participant == person and code.assigned_by == staff_of_org_a
    assert code.household_ref == "rue haute 12" and code.household_exclusive
    assert code.history.first().history_user == staff_of_org_a


@pytest.mark.parametrize("status", ["assigned", "activated", "expired", "revoked"])
def test_it_refuses_to_assign_a_code_that_is_not_available(org_a, person, staff_of_org_a, status):
    other = ParticipantFactory(organization=org_a)
    code = EligibilityCodeFactory(
        batch__organization=org_a,
        status=status,
        participant=other if status in ("assigned", "activated") else None,
        eligibility_basis="other" if status in ("assigned", "activated") else "",
        revoked_reason="lost" if status == "revoked" else "",
    )
    with pytest.raises(DomainError) as error:
        _assign(code, person, staff_of_org_a, household="elsewhere")
    assert error.value.code == "code_not_available"
    code.refresh_from_db()
    assert code.status == status and code.participant != person


def test_it_refuses_a_code_past_its_expiry_date(org_a, person, staff_of_org_a):
    code = EligibilityCodeFactory(batch__organization=org_a, expires_on=_days_from_today(-1))  # relative (#18)
    with pytest.raises(DomainError) as error:
        _assign(code, person, staff_of_org_a)
    assert error.value.code == "code_expired"
    assert EligibilityCode.objects.get(pk=code.pk).status == "available"


def test_it_refuses_a_second_code_for_the_same_household(org_a, code, person, staff_of_org_a):
    _assign(code, person, staff_of_org_a, household="Rue Haute 12")
    second = EligibilityCodeFactory(batch=code.batch, pack=code.pack)
    with pytest.raises(DomainError) as error:
        _assign(second, ParticipantFactory(organization=org_a), staff_of_org_a, household="  RUE  haute 12 ")
    assert error.value.code == "household_has_code" and "household_ref" in error.value.fields
    assert EligibilityCode.objects.get(pk=second.pk).status == "available"


def test_the_database_holds_the_household_rule_too(org_a, code, person, staff_of_org_a):
    _assign(code, person, staff_of_org_a, household="rue haute 12")
    second = EligibilityCodeFactory(batch=code.batch, pack=code.pack)
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityCode.objects.filter(pk=second.pk).update(
            status="assigned",
            participant=ParticipantFactory(organization=org_a),
            eligibility_basis="other",
            household_ref="rue haute 12",
            household_exclusive=True,
        )


def test_a_household_may_hold_codes_of_programmes_without_the_rule(org_a, person, staff_of_org_a):
    programme = ProgrammeFactory(one_per_household=False)
    first = EligibilityCodeFactory(batch__organization=org_a, batch__programme=programme)
    second = EligibilityCodeFactory(batch=first.batch, pack=first.pack)
    _assign(first, person, staff_of_org_a, household="")
    _assign(second, ParticipantFactory(organization=org_a), staff_of_org_a, household="")
    assert EligibilityCode.objects.filter(status="assigned").count() == 2


def test_a_revoked_code_frees_the_household(org_a, code, person, staff_of_org_a):
    _assign(code, person, staff_of_org_a)
    services.code_revoke(code=code, reason="Moved away", by=staff_of_org_a)
    second = EligibilityCodeFactory(batch=code.batch, pack=code.pack)
    _assign(second, ParticipantFactory(organization=org_a), staff_of_org_a)
    assert EligibilityCode.objects.get(pk=second.pk).status == "assigned"


def test_it_requires_a_household_in_a_one_per_household_programme(code, person, staff_of_org_a):
    with pytest.raises(DomainError) as error:
        _assign(code, person, staff_of_org_a, household="")
    assert error.value.status_code == 400 and "household_ref" in error.value.fields


def test_it_refuses_a_national_register_number_as_household(code, person, staff_of_org_a):
    with pytest.raises(DomainError) as error:
        _assign(code, person, staff_of_org_a, household="85.07.30-033.28")
    assert error.value.code == "national_number"
    assert EligibilityCode.objects.get(pk=code.pk).status == "available"


def test_it_hands_over_a_modem_with_the_code(org_a, code, person, staff_of_org_a):
    modem = ModemFactory(organization=org_a)
    _assign(code, person, staff_of_org_a, modem=modem)
    modem.refresh_from_db()
    assert modem.status == "given_away"
    event = DeviceEvent.objects.get(device=modem)
    assert (event.from_status, event.to_status, event.by) == ("available", "given_away", staff_of_org_a)
    assert EligibilityCode.objects.get(pk=code.pk).modem_handover == "given"


def test_it_refuses_a_modem_that_is_not_available_and_writes_nothing(org_a, code, person, staff_of_org_a):
    modem = ModemFactory(organization=org_a, status="on_loan")
    with pytest.raises(DomainError) as error:
        _assign(code, person, staff_of_org_a, modem=modem)
    assert error.value.code == "device_not_available"
    assert EligibilityCode.objects.get(pk=code.pk).status == "available"
    assert not DeviceEvent.objects.exists()


def test_it_reveals_a_code_and_logs_who_saw_it(api, code, staff_of_org_a):
    response = api.as_user(staff_of_org_a).post(f"{URL}{code.pk}/reveal/", {"reason": "phone call"})
    assert response.status_code == 200 and response.json()["code"] == "TEI-SECRET-0042"
    assert response["Cache-Control"] == "no-store"
    log = CodeRevealLog.objects.get()
    assert (log.by, log.code, log.purpose, log.reason) == (staff_of_org_a, code, "reveal", "phone call")


def test_lists_and_details_never_show_the_code(api, code, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    for url in (URL, f"{URL}{code.pk}/"):
        body = client.get(url).content.decode()
        assert "TEI-SECRET-0042" not in body and "•••••••••••042" in body
    assert not CodeRevealLog.objects.exists()


def test_volunteers_cannot_reveal_codes(api, code, volunteer_of_org_a):
    assert api.as_user(volunteer_of_org_a).post(f"{URL}{code.pk}/reveal/").status_code == 403
    assert not CodeRevealLog.objects.exists()


@pytest.mark.parametrize("action", ["reveal", "assign", "activate", "revoke", "recheck", "send-sms"])
def test_staff_of_org_b_get_404_for_org_a_codes(api, code, staff_of_org_b, action):
    assert api.as_user(staff_of_org_b).post(f"{URL}{code.pk}/{action}/", {}).status_code == 404
    assert api.as_user(staff_of_org_b).get(f"{URL}{code.pk}/").status_code == 404
    assert api.as_user(staff_of_org_b).get(f"{URL}{code.pk}/letter/").status_code == 404
    assert not CodeRevealLog.objects.exists()


def test_the_api_assigns_and_names_bad_fields(api, org_a, org_b, code, person, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    stranger = ParticipantFactory(organization=org_b)
    response = client.post(
        f"{URL}{code.pk}/assign/", {"participant": stranger.pk, "eligibility_basis": "national_number"}
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"participant", "eligibility_basis"}
    assert EligibilityCode.objects.get(pk=code.pk).status == "available"
    response = client.post(
        f"{URL}{code.pk}/assign/",
        {"participant": person.pk, "eligibility_basis": "cpas_client", "household_ref": "Rue Haute 12"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "assigned" and response.json()["participant_name"] == "Amina Diallo"
    response = client.post(
        f"{URL}{code.pk}/assign/",
        {"participant": person.pk, "eligibility_basis": "cpas_client", "household_ref": "Rue Haute 12"},
    )
    assert response.status_code == 409 and response.json()["code"] == "code_not_available"


def test_it_activates_an_assigned_code_only(code, person, staff_of_org_a):
    with pytest.raises(DomainError):
        services.code_activate(code=code, by=staff_of_org_a)
    _assign(code, person, staff_of_org_a)
    services.code_activate(code=code, by=staff_of_org_a)
    assert code.status == "activated" and code.activated_on == timezone.localdate()
    with pytest.raises(DomainError) as error:
        services.code_activate(code=code, activated_on=timezone.localdate() + datetime.timedelta(days=2), by=None)
    assert error.value.fields == {"activated_on": ["The activation date cannot be in the future."]}


def test_it_revokes_with_a_reason_only(api, code, staff_of_org_a):
    response = api.as_user(staff_of_org_a).post(f"{URL}{code.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = api.as_user(staff_of_org_a).post(f"{URL}{code.pk}/revoke/", {"reason": "Letter lost"})
    assert response.status_code == 200 and response.json()["revoked_reason"] == "Letter lost"
    response = api.as_user(staff_of_org_a).post(f"{URL}{code.pk}/revoke/", {"reason": "again"})
    assert response.status_code == 409


def test_the_daily_task_expires_unused_codes_once(org_a, code, person, staff_of_org_a):
    # dates relative to today (#18): yesterday is past expiry, next year is not
    stale = EligibilityCodeFactory(batch=code.batch, pack=code.pack, expires_on=_days_from_today(-1))
    assigned_stale = EligibilityCodeFactory(batch=code.batch, pack=code.pack, expires_on=_days_from_today(365))
    _assign(assigned_stale, person, staff_of_org_a)
    EligibilityCode.objects.filter(pk=assigned_stale.pk).update(expires_on=_days_from_today(-1))
    assert codes_expire_task.delay().get() == 2
    assert codes_expire_task.delay().get() == 0
    assert EligibilityCode.objects.get(pk=stale.pk).status == "expired"
    assert EligibilityCode.objects.get(pk=assigned_stale.pk).status == "expired"
    assert EligibilityCode.objects.get(pk=code.pk).status == "available"


def test_recheck_dates_raise_one_task_for_staff(org_a, person, staff_of_org_a):
    programme = ProgrammeFactory(recheck_interval_months=6)
    code = EligibilityCodeFactory(batch__organization=org_a, batch__programme=programme)
    # a fixed day on purpose, not the clock (#18): the service is given `today`, and 31 January is the
    # month-end case (six months on is 31 July, not a day past the end of a shorter month)
    _assign(code, person, staff_of_org_a, today=datetime.date(2026, 1, 31))
    assert code.recheck_on == datetime.date(2026, 7, 31)
    EligibilityCode.objects.filter(pk=code.pk).update(recheck_on=timezone.localdate() + datetime.timedelta(days=3))
    code_recheck_tasks_task.delay()
    code_recheck_tasks_task.delay()
    task = StaffTask.objects.get()
    assert task.kind == "code_recheck" and task.participant == person and task.organization == org_a
    code.refresh_from_db()
    services.code_recheck_record(code=code, still_eligible=True, by=staff_of_org_a)
    task.refresh_from_db()
    assert task.done_at is not None
    code.refresh_from_db()
    assert code.recheck_on > timezone.localdate() + datetime.timedelta(days=150)


def test_a_failed_recheck_revokes_the_code(org_a, person, staff_of_org_a):
    programme = ProgrammeFactory(recheck_interval_months=6)
    code = EligibilityCodeFactory(batch__organization=org_a, batch__programme=programme)
    _assign(code, person, staff_of_org_a)
    services.code_recheck_record(code=code, still_eligible=False, reason="No longer a CPAS client", by=staff_of_org_a)
    assert code.status == "revoked" and code.revoked_reason == "No longer a CPAS client"


@pytest.mark.parametrize(
    "language, phrases",
    [
        ("nl", ["Hallo Amina", "Uw code", "Hoe activeert u uw code"]),
        ("fr", ["Bonjour Amina", "Votre code", "Comment activer votre code"]),
        ("en", ["Hello Amina", "Your code", "How to activate your code"]),
    ],
)
def test_the_letter_is_in_the_participants_language(api, code, person, staff_of_org_a, language, phrases):
    from pypdf import PdfReader

    person.preferred_language = language
    person.save()
    _assign(code, person, staff_of_org_a)
    response = api.as_user(staff_of_org_a).get(f"{URL}{code.pk}/letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "TEI-SECRET-0042" in text and "https://example.org/activate" in text
    for phrase in phrases:
        assert phrase in text
    assert CodeRevealLog.objects.get().purpose == "letter"


def test_the_arabic_letter_is_shaped_right_to_left(api, code, person, staff_of_org_a):
    import unicodedata

    from pypdf import PdfReader

    person.preferred_language = "ar"
    person.save()
    _assign(code, person, staff_of_org_a)
    response = api.as_user(staff_of_org_a).get(f"{URL}{code.pk}/letter/")
    assert response.status_code == 200
    text = unicodedata.normalize("NFKC", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    assert "TEI-SECRET-0042" in text and "https://example.org/activate" in text
    assert "Hello" not in text and "Bonjour" not in text
    assert "إليك رمزك الشخصي" in text and "لديك أسئلة" in text


def test_the_letter_is_refused_for_an_unassigned_code(api, code, staff_of_org_a):
    response = api.as_user(staff_of_org_a).get(f"{URL}{code.pk}/letter/")
    assert response.status_code == 409 and not CodeRevealLog.objects.exists()


def test_the_participant_sees_their_own_code_on_their_card(org_a, code, person, staff_of_org_a):
    _assign(code, person, staff_of_org_a)
    items = public_items_for_participant(person)
    assert items["codes"][0]["code"] == "TEI-SECRET-0042" and items["codes"][0]["status"] == "assigned"
    assert public_items_for_participant(ParticipantFactory(organization=org_a)) == {"codes": [], "digicheques": []}


def test_the_code_list_costs_the_same_queries_for_1_and_50_rows(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    first = EligibilityCodeFactory(batch__organization=org_a)
    counts = []
    for total in (1, 50):
        while EligibilityCode.objects.count() < total:
            code = EligibilityCodeFactory(batch=first.batch, pack=first.pack)
            _assign(code, ParticipantFactory(organization=org_a), staff_of_org_a, household=f"house {code.pk}")
        client.get(URL)  # warm up per-user caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_modem_of_another_organisation_does_not_exist(api, org_b, code, person, staff_of_org_a):
    modem_b = ModemFactory(organization=org_b)
    response = api.as_user(staff_of_org_a).post(
        f"{URL}{code.pk}/assign/",
        {"participant": person.pk, "eligibility_basis": "other", "household_ref": "x 1", "modem": modem_b.pk},
    )
    assert response.status_code == 400 and "modem" in response.json()["fields"]
    assert Device.objects.get(pk=modem_b.pk).status == "available"
