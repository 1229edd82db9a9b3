"""Delivering a code by SMS through the messaging app, after commit, once per request."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from connectivity import services
from connectivity.models import CodeRevealLog
from connectivity.services import codes as code_services
from core.errors import DomainError
from tests.factories import ParticipantFactory

from .factories import EligibilityCodeFactory

URL = "/api/v1/connectivity/codes/"
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def assigned_code(org_a, staff_of_org_a):
    person = ParticipantFactory(organization=org_a, display_name="Amina", preferred_language="fr", phone="+32477889900")
    code = EligibilityCodeFactory(batch__organization=org_a, code="TEI-SECRET-0042")
    services.code_assign(
        code=code, participant=person, eligibility_basis="other", household_ref="Rue Haute 12", by=staff_of_org_a
    )
    return code


def test_it_queues_the_sms_after_commit_with_a_key_per_request(
    monkeypatch, django_capture_on_commit_callbacks, assigned_code, staff_of_org_a
):
    calls = []
    monkeypatch.setattr(code_services, "_sms_queue", lambda: lambda **kwargs: calls.append(kwargs))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.code_deliver_sms(code=assigned_code, by=staff_of_org_a)
    assert calls == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    [call] = calls
    assert call["template"] == "code_delivery" and call["related"] == assigned_code
    assert call["context"]["code"] == "TEI-SECRET-0042" and call["idempotency_key"] == first
    assert call["participant"] == assigned_code.participant and call["organization"] == assigned_code.organization
    with django_capture_on_commit_callbacks(execute=True):
        second = services.code_deliver_sms(code=assigned_code, by=staff_of_org_a)
    assert second != first and len(calls) == 2
    assert CodeRevealLog.objects.filter(purpose="sms").count() == 2


@pytest.mark.parametrize("problem", ["no_phone", "no_sms_consent", "code_not_held"])
def test_it_refuses_to_send_when_it_cannot_reach_the_person(monkeypatch, org_a, assigned_code, staff_of_org_a, problem):
    calls = []
    monkeypatch.setattr(code_services, "_sms_queue", lambda: lambda **kwargs: calls.append(kwargs))
    participant = assigned_code.participant
    if problem == "no_phone":
        participant.phone = ""
        participant.save()
    elif problem == "no_sms_consent":
        participant.sms_consent = False
        participant.save()
    else:
        assigned_code = EligibilityCodeFactory(batch=assigned_code.batch, pack=assigned_code.pack)
    assigned_code.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.code_deliver_sms(code=assigned_code, by=staff_of_org_a)
    assert error.value.code == problem
    assert calls == [] and not CodeRevealLog.objects.filter(purpose="sms").exists()


def test_the_code_reaches_the_in_memory_sms_backend(
    api, settings, django_capture_on_commit_callbacks, assigned_code, staff_of_org_a
):
    from messaging.backends import locmem

    settings.SMS_BACKEND = "locmem"
    locmem.outbox.clear()
    # Clock fixed (#18): the message leaves only inside the sending hours, so the test sends at 10:00 in
    # Brussels today, whatever the hour it runs at (it failed in the last second of the day and at night).
    ten_today = datetime.datetime.combine(timezone.localdate(), datetime.time(10), tzinfo=BRUSSELS)
    with time_machine.travel(ten_today, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(staff_of_org_a).post(f"{URL}{assigned_code.pk}/send-sms/")
    assert response.status_code == 202, response.json()
    [sent] = locmem.outbox
    assert "TEI-SECRET-0042" in sent["body"] and sent["to"] == "+32477889900"
    assert sent["key"] == response.json()["idempotency_key"]
    locmem.outbox.clear()
