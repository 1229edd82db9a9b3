"""The daily retention run: exactly the participants past their organisation's date, history included, once."""

import datetime
import json
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db.models import Q

from connectivity import services as connectivity_services
from connectivity.models import Digicheque, EligibilityCode
from core.errors import DomainError
from loans import services as loan_services
from loans.models import Loan, LoanItem, WaitlistEntry
from organizations.models import Participant
from privacy import selectors, services, tasks
from privacy.choices import AnonymisationRule
from privacy.models import Anonymisation, PrivacyLogEntry, RetentionRule
from privacy.selectors import retention_due_on
from reports.selectors import organization_report
from tests.connectivity.factories import DigichequeFactory
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory

from .conftest import NAME, NOTE, PHONE, REFERENCE

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2029, 3, 15, 3, 30, tzinfo=datetime.UTC)
PERSONAL = [NAME, "Amina", PHONE, "470555123", "470 55 51 23", REFERENCE, NOTE, "Rue Haute", "rue haute"]


def months_ago(months: int, days: int = 0) -> datetime.datetime:
    year, month = divmod(NOW.month - 1 - months, 12)
    return NOW.replace(year=NOW.year + year, month=month + 1) - datetime.timedelta(days=days)


def age(participant, *, closed_at: datetime.datetime, created_at: datetime.datetime | None = None):
    """Move everything of the participant back in time: registered and closed at the given moments."""
    created_at = created_at or closed_at - datetime.timedelta(days=90)
    Participant.objects.filter(pk=participant.pk).update(created_at=created_at)
    Loan.objects.filter(participant=participant).exclude(closed_at=None).update(closed_at=closed_at)
    EligibilityCode.objects.filter(participant=participant).update(status_changed_at=closed_at)
    Digicheque.objects.filter(participant=participant).update(status_changed_at=closed_at)
    WaitlistEntry.objects.filter(participant=participant).update(created_at=created_at, closed_at=closed_at)
    return participant


def history_dump(participant_ids) -> str:
    """Every history row that belongs to the participants or their loans, codes, cheques, messages, tasks."""
    rows = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        names = {f.name for f in model._meta.fields}
        if model.__name__ == "HistoricalParticipant":
            queryset = model.objects.filter(id__in=participant_ids)
        elif "participant" in names:
            queryset = model.objects.filter(participant_id__in=participant_ids)
        elif "loan" in names:
            queryset = model.objects.filter(loan__participant_id__in=participant_ids)
        else:
            continue
        rows += json.loads(serializers.serialize("json", queryset))
    return json.dumps(rows, ensure_ascii=False)


def state() -> str:
    """The whole personal side of the database, to compare two runs."""
    models = [
        Participant,
        Participant.history.model,
        Loan,
        Loan.history.model,
        EligibilityCode,
        Digicheque,
        WaitlistEntry,
        Anonymisation,
        PrivacyLogEntry,
    ]
    return json.dumps(
        [json.loads(serializers.serialize("json", m.objects.order_by("pk"))) for m in models], sort_keys=True
    )


@pytest.fixture
def people(build_record, org_a, org_b, admin_of_org_b):
    """Org A keeps 24 months (the default), org B 6 months."""
    RetentionRule.objects.create(organization=org_b, months=6)
    due = {
        "closed_25_months_ago": age(build_record(), closed_at=months_ago(25)),
        "never_borrowed_30_months_ago": age(
            ParticipantFactory(organization=org_a, gender="man", age_band="18-29"), closed_at=months_ago(30)
        ),
        "org_b_closed_7_months_ago": age(build_record(organization=org_b, by=admin_of_org_b), closed_at=months_ago(7)),
    }
    kept = {
        "closed_23_months_ago": age(build_record(), closed_at=months_ago(23)),
        "closed_one_day_short": age(build_record(), closed_at=months_ago(24) + datetime.timedelta(days=1)),
        "loan_still_open": age(build_record(close=False), closed_at=months_ago(40)),
        "registered_last_year": age(ParticipantFactory(organization=org_a), closed_at=months_ago(12)),
        "org_b_closed_5_months_ago": age(build_record(organization=org_b, by=admin_of_org_b), closed_at=months_ago(5)),
    }
    return due, kept


def _report(org):
    return organization_report(
        organization=org,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2029, 3, 31),
        suppress=False,
    )


def test_it_anonymises_exactly_the_participants_past_their_date(people):
    due, kept = people
    with time_machine.travel(NOW, tick=False):
        assert tasks.participants_anonymise_due_task.delay().get() == len(due)

    anonymised = set(Anonymisation.objects.values_list("participant_id", flat=True))
    assert anonymised == {p.pk for p in due.values()}
    for name, person in due.items():
        person.refresh_from_db()
        assert (person.display_name, str(person.phone), person.reference, person.note) == (
            services.ANONYMISED,
            "",
            "",
            "",
        ), name
        assert not person.sms_consent and not person.is_active
    for name, person in kept.items():
        person.refresh_from_db()
        assert person.display_name != services.ANONYMISED, name
    record = Anonymisation.objects.get(participant=due["closed_25_months_ago"])
    assert record.rule == AnonymisationRule.RETENTION and record.retention_months == 24
    assert record.at == NOW and record.by is None
    assert Anonymisation.objects.get(participant=due["org_b_closed_7_months_ago"]).retention_months == 6


def test_what_funder_figures_need_stays_and_the_report_counts_do_not_change(people, org_a, org_b):
    due, _kept = people
    with time_machine.travel(NOW, tick=False):
        before = (_report(org_a), _report(org_b))
        services.participants_anonymise_due()
        after = (_report(org_a), _report(org_b))
    assert before == after
    assert before[0]["people"]["reached"] == 4 and before[0]["people"]["by_gender"]  # figures to compare
    never = Participant.objects.get(pk=due["never_borrowed_30_months_ago"].pk)
    assert (never.gender, never.age_band) == ("man", "18-29")
    person = Participant.objects.get(pk=due["closed_25_months_ago"].pk)
    assert (person.gender, person.age_band) == ("woman", "30-44")
    assert Loan.objects.filter(participant=person).count() == 1  # the loan is still counted, linked to no one


def test_history_rows_and_related_free_text_are_anonymised(people):
    due, kept = people
    target = due["closed_25_months_ago"]
    assert Participant.history.filter(id=target.pk).count() >= 2
    before = history_dump([target.pk])
    assert NAME in before and PHONE in before  # the test would prove nothing otherwise
    with time_machine.travel(NOW, tick=False):
        services.participants_anonymise_due()

    after = history_dump([target.pk])
    for text in PERSONAL:
        assert text not in after, text
    live = json.dumps(
        [
            json.loads(serializers.serialize("json", model.objects.filter(query)))
            for model, query in [
                (Participant, Q(pk=target.pk)),
                (Loan, Q(participant=target)),
                (EligibilityCode, Q(participant=target)),
                (Digicheque, Q(participant=target)),
                (WaitlistEntry, Q(participant=target)),
                (apps.get_model("loans", "Payment"), Q(loan__participant=target)),
                (apps.get_model("messaging", "OutboundMessage"), Q(participant=target)),
                (apps.get_model("messaging", "SmsOptOut"), Q(participant=target)),
                (apps.get_model("organizations", "StaffTask"), Q(participant=target)),
                (apps.get_model("connectivity", "CodeRevealLog"), Q(code__participant=target)),
            ]
        ],
        ensure_ascii=False,
    )
    for text in PERSONAL:
        assert text not in live, text
    # The loan card's link is dead.
    loan = Loan.objects.get(participant=target)
    assert loan.token_revoked_at is not None
    # Someone kept still has everything.
    assert NAME in history_dump([kept["closed_23_months_ago"].pk])


def test_a_second_run_changes_nothing(people):
    with time_machine.travel(NOW, tick=False):
        first = services.participants_anonymise_due()
        snapshot = state()
        assert services.participants_anonymise_due() == 0
    assert first == 3
    assert state() == snapshot


def test_anonymisation_is_final_and_recorded_without_values(people):
    due, _kept = people
    with time_machine.travel(NOW, tick=False):
        services.participants_anonymise_due()
    entries = PrivacyLogEntry.objects.filter(action="anonymise")
    assert entries.count() == 3
    text = json.dumps(list(entries.values("detail")), ensure_ascii=False)
    assert "display_name" in text
    for value in PERSONAL:
        assert value not in text
    with time_machine.travel(NOW + datetime.timedelta(days=400), tick=False):
        # A year later the four closed ones kept the first time are due; the open loan keeps its person.
        assert services.participants_anonymise_due() == 4
    assert Anonymisation.objects.filter(participant__in=due.values(), at=NOW).count() == 3
    assert Anonymisation.objects.count() == 7


def test_a_shorter_retention_period_applies_at_the_next_run(people, org_a):
    _due, kept = people
    RetentionRule.objects.create(organization=org_a, months=12)
    with time_machine.travel(NOW, tick=False):
        services.participants_anonymise_due()
    assert Anonymisation.objects.filter(participant=kept["closed_23_months_ago"]).exists()
    assert not Anonymisation.objects.filter(participant=kept["loan_still_open"]).exists()


def test_the_beat_runs_it_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == tasks.participants_anonymise_due_task.name
    assert entry["schedule"].hour == {3}


def test_the_retention_period_cannot_be_set_outside_1_to_120_months(api, org_a, admin_of_org_a, staff_of_org_a):
    url = f"/api/v1/privacy/organizations/{org_a.pk}/retention/"
    client = api.as_user(admin_of_org_a)
    assert client.get(url).json() == {"months": 24}
    response = client.put(url, {"months": 0}, format="json")
    assert response.status_code == 400 and "months" in response.json()["fields"]
    response = client.put(url, {"months": "soon"}, format="json")
    assert response.status_code == 400 and "months" in response.json()["fields"]
    assert not RetentionRule.objects.exists()
    assert client.put(url, {"months": 36}, format="json").json() == {"months": 36}
    assert RetentionRule.objects.get(organization=org_a).months == 36
    assert api.as_user(staff_of_org_a).put(url, {"months": 6}, format="json").status_code == 403
    assert RetentionRule.objects.get(organization=org_a).months == 36


def test_another_organisations_retention_is_not_found(api, org_b, staff_of_org_a, admin_of_org_a):
    url = f"/api/v1/privacy/organizations/{org_b.pk}/retention/"
    assert api.as_user(admin_of_org_a).get(url).status_code == 404
    assert api.as_user(admin_of_org_a).put(url, {"months": 6}, format="json").status_code == 404


def test_a_retention_period_without_months_is_a_400_not_a_crash(api, org_a, admin_of_org_a):
    url = f"/api/v1/privacy/organizations/{org_a.pk}/retention/"
    for body in ({}, {"months": 121}):
        response = api.as_user(admin_of_org_a).put(url, body, format="json")
        assert response.status_code == 400 and "months" in response.json()["fields"]
    assert not RetentionRule.objects.exists() and not PrivacyLogEntry.objects.exists()


def test_a_loan_opened_after_the_run_read_its_list_keeps_the_persons_data(people, org_a, policy_a, staff_of_org_a):
    """The run reads who is due, then takes each person under their lock: a desk lending them a laptop in
    between (the same lock in loan_checkout) must keep their data, not anonymise a borrower."""

    due, _kept = people
    person = due["closed_25_months_ago"]
    read_list = selectors.participants_past_retention

    def list_then_lend(**kwargs):
        ids = read_list(**kwargs)
        if person.pk in ids:
            loan_services.loan_checkout(
                organization=org_a,
                participant=person,
                policy=policy_a,
                devices=[DeviceFactory(organization=org_a)],
                by=staff_of_org_a,
            )
        return ids

    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(services, "participants_past_retention", list_then_lend),
    ):
        assert services.participants_anonymise_due() == len(due) - 1

    person.refresh_from_db()
    assert person.display_name == NAME and person.is_active
    assert not Anonymisation.objects.filter(participant=person).exists()
    assert Loan.objects.open().filter(participant=person).count() == 1


@pytest.mark.parametrize("given", ["loan", "waiting_list_place", "digicheque"])
def test_an_anonymised_person_gets_nothing_new(people, org_a, policy_a, staff_of_org_a, given):
    """The desk's form was opened before the night's run: what it gives is refused under the lock, not
    attached to an anonymised record."""
    due, _kept = people
    stale = due["closed_25_months_ago"]
    with time_machine.travel(NOW, tick=False):
        services.participants_anonymise_due()
    device, cheque = DeviceFactory(organization=org_a), DigichequeFactory(batch__organization=org_a)

    with pytest.raises(DomainError) as refused:
        if given == "loan":
            loan_services.loan_checkout(
                organization=org_a, participant=stale, policy=policy_a, devices=[device], by=staff_of_org_a
            )
        elif given == "waiting_list_place":
            loan_services.waitlist_add(organization=org_a, participant=stale, device_kind="laptop", by=staff_of_org_a)
        else:
            connectivity_services.digicheque_issue(cheque=cheque, participant=stale, by=staff_of_org_a)

    assert refused.value.code == "participant_inactive"
    assert not LoanItem.objects.filter(device=device).exists()
    assert not WaitlistEntry.objects.filter(participant=stale, status="waiting").exists()
    cheque.refresh_from_db()
    assert cheque.participant_id is None


@pytest.mark.parametrize("still_open", ["device_out", "waiting_list", "unused_digicheque"])
def test_nothing_is_due_for_deletion_while_something_is_open(build_record, org_a, staff_of_org_a, still_open):
    """The date the export and the desk show follows the run's rule: no date while anything is still open."""

    person = age(build_record(), closed_at=months_ago(30))
    assert retention_due_on(person) is not None
    if still_open == "device_out":  # the loan is closed but one item of the kit never came back
        loan = Loan.objects.filter(participant=person).first()
        LoanItem.objects.filter(loan=loan).update(closed_at=None)
    elif still_open == "waiting_list":
        loan_services.waitlist_add(organization=org_a, participant=person, device_kind="laptop", by=staff_of_org_a)
    else:
        cheque = DigichequeFactory(batch__organization=org_a)
        connectivity_services.digicheque_issue(cheque=cheque, participant=person, by=staff_of_org_a)

    assert retention_due_on(person) is None
    with time_machine.travel(NOW, tick=False):
        assert services.participants_anonymise_due() == 0
