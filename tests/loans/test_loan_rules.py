"""Three rules of the loan policy that loan_checkout (the one write path) keeps, through the API:

- a policy that requires the signed agreement lends only with `agreement_signed: true` (400 naming the
  field otherwise, nothing written, the device stays on the shelf);
- a policy for one device kind lends a kit of that kind plus extras (e-ID card reader, 4G modem,
  accessories); any other device is refused with 409 naming its asset tag;
- a loan is overdue once its due date and its grace days have passed: the list filter and its tallied
  total, `is_overdue`, the loan card and the follow-up tasks count from there.

No test depends on the day it runs: dates are relative to today, or the clock is fixed with time_machine.
"""

import datetime

import pytest
import time_machine
from django.db.models import Count

from core.errors import DomainError
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import DeviceEvent
from loans import selectors, services
from loans.choices import KIT_EXTRA_KINDS
from loans.models import Loan, LoanItem, LoanTally
from messaging.models import OutboundMessage
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from tests.factories import ParticipantFactory

from .conftest import backdate
from .factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


def _payload(participant, policy, devices, **extra):
    return {"participant": participant.pk, "policy": policy.pk, "devices": [d.pk for d in devices], **extra}


def _nothing_written(*devices):
    assert Loan.objects.count() == 0 and LoanItem.objects.count() == 0
    assert DeviceEvent.objects.filter(device__in=devices).count() == 0
    assert OutboundMessage.objects.count() == 0
    for device in devices:
        device.refresh_from_db()
        assert device.status == DeviceStatus.AVAILABLE


# --- the signed agreement ----------------------------------------------------------------------------


@pytest.fixture
def signed_policy(org_a):
    return LoanPolicyFactory(organization=org_a, name="Signed laptop loan", agreement_required=True)


@pytest.mark.parametrize("extra", [{}, {"agreement_signed": False}])
def test_a_policy_requiring_the_agreement_refuses_an_unsigned_checkout_and_writes_nothing(
    api, staff_of_org_a, participant_a, signed_policy, device_a, extra, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(staff_of_org_a).post(
            "/api/v1/loans/", _payload(participant_a, signed_policy, [device_a], **extra), format="json"
        )
    assert response.status_code == 400, response.data
    assert response.data["code"] == "agreement_required"
    assert list(response.data["fields"]) == ["agreement_signed"]
    _nothing_written(device_a)


def test_the_device_leaves_with_the_agreement_signed(api, staff_of_org_a, participant_a, signed_policy, device_a):
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, signed_policy, [device_a], agreement_signed=True), format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["agreement_required"] is True and response.data["agreement_signed_at"]
    device_a.refresh_from_db()
    assert device_a.status == DeviceStatus.ON_LOAN


def test_a_policy_without_the_requirement_lends_unsigned_and_the_signature_can_follow(
    api, staff_of_org_a, participant_a, policy_a, device_a
):
    assert policy_a.agreement_required is False
    client = api.as_user(staff_of_org_a)
    response = client.post("/api/v1/loans/", _payload(participant_a, policy_a, [device_a]), format="json")
    assert response.status_code == 201 and response.data["agreement_signed_at"] is None
    signed = client.post(f"/api/v1/loans/{response.data['id']}/agreement-signed/")
    assert signed.status_code == 200 and signed.data["agreement_signed_at"]


def test_a_loan_opened_unsigned_before_the_rule_is_marked_signed_and_another_organisations_is_404(
    api, staff_of_org_a, staff_of_org_b, lend, loan_of_org_b
):
    loan = lend()
    Loan.objects.filter(pk=loan.pk).update(agreement_required=True)  # as a loan made before the rule
    assert api.as_user(staff_of_org_b).post(f"/api/v1/loans/{loan.pk}/agreement-signed/").status_code == 404
    assert Loan.objects.get(pk=loan.pk).agreement_signed_at is None
    response = api.as_user(staff_of_org_a).post(f"/api/v1/loans/{loan.pk}/agreement-signed/")
    assert response.status_code == 200 and response.data["agreement_signed_at"]


def test_a_malformed_agreement_flag_is_a_400_naming_it(api, staff_of_org_a, participant_a, signed_policy, device_a):
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, signed_policy, [device_a], agreement_signed="perhaps"), format="json"
    )
    assert response.status_code == 400 and "agreement_signed" in response.data["fields"]
    _nothing_written(device_a)


def test_the_service_itself_refuses_the_unsigned_checkout(org_a, participant_a, signed_policy, device_a):
    with pytest.raises(DomainError) as refused:
        services.loan_checkout(
            organization=org_a, participant=participant_a, policy=signed_policy, devices=[device_a], by=None
        )
    assert refused.value.status_code == 400 and list(refused.value.fields) == ["agreement_signed"]
    _nothing_written(device_a)


# --- what a kit may hold -----------------------------------------------------------------------------


def test_the_kit_extras_are_data_in_the_model():
    assert KIT_EXTRA_KINDS == {DeviceKind.EID_READER, DeviceKind.MODEM_4G, DeviceKind.ACCESSORY}


def test_a_laptop_policy_lends_a_laptop_with_its_extras(api, staff_of_org_a, participant_a, policy_a, org_a):
    policy_a.device_kind = DeviceKind.LAPTOP
    policy_a.save()
    kit = [DeviceFactory(organization=org_a, kind=DeviceKind.EID_READER), DeviceFactory(organization=org_a)]
    kit += [DeviceFactory(organization=org_a, kind=kind) for kind in (DeviceKind.MODEM_4G, DeviceKind.ACCESSORY)]
    response = api.as_user(staff_of_org_a).post("/api/v1/loans/", _payload(participant_a, policy_a, kit), format="json")
    assert response.status_code == 201, response.data
    assert len(response.data["items"]) == 4


@pytest.mark.parametrize("other_kind", [DeviceKind.TABLET, DeviceKind.SMARTPHONE, DeviceKind.LAPTOP])
def test_a_policy_for_one_kind_refuses_another_main_device_in_the_kit_naming_it(
    api, staff_of_org_a, participant_a, policy_a, org_a, other_kind
):
    """A tablet policy lends a tablet; a laptop or smartphone in its kit is refused (409, its asset tag)."""
    policy_a.device_kind = DeviceKind.TABLET if other_kind != DeviceKind.TABLET else DeviceKind.LAPTOP
    policy_a.save()
    main = DeviceFactory(organization=org_a, kind=policy_a.device_kind, asset_tag="OA-MAIN")
    stray = DeviceFactory(organization=org_a, kind=other_kind, asset_tag="OA-STRAY")
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [main, stray]), format="json"
    )
    assert response.status_code == 409, response.data
    assert response.data["code"] == "policy_kind_mismatch"
    assert "OA-STRAY" in response.data["detail"] and "OA-STRAY" in response.data["fields"]["devices"][0]
    _nothing_written(main, stray)


def test_a_laptop_policy_refuses_an_e_id_reader_on_its_own(api, staff_of_org_a, participant_a, policy_a, org_a):
    policy_a.device_kind = DeviceKind.LAPTOP
    policy_a.save()
    reader = DeviceFactory(organization=org_a, kind=DeviceKind.EID_READER)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [reader]), format="json"
    )
    assert response.status_code == 409 and response.data["code"] == "policy_kind_mismatch"
    assert "devices" in response.data["fields"]
    _nothing_written(reader)


def test_a_policy_for_any_kind_lends_any_kit(api, staff_of_org_a, participant_a, policy_a, org_a):
    assert policy_a.device_kind == ""
    kit = [DeviceFactory(organization=org_a), DeviceFactory(organization=org_a, kind=DeviceKind.TABLET)]
    response = api.as_user(staff_of_org_a).post("/api/v1/loans/", _payload(participant_a, policy_a, kit), format="json")
    assert response.status_code == 201, response.data


def test_another_organisations_device_in_a_kit_is_not_found(api, staff_of_org_a, participant_a, policy_a, org_a, org_b):
    mine, theirs = DeviceFactory(organization=org_a), DeviceFactory(organization=org_b, kind=DeviceKind.EID_READER)
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/loans/", _payload(participant_a, policy_a, [mine, theirs]), format="json"
    )
    assert response.status_code == 400 and "devices" in response.data["fields"]
    _nothing_written(mine, theirs)


# --- grace days --------------------------------------------------------------------------------------


@pytest.fixture
def grace_policy(org_a):
    return LoanPolicyFactory(
        organization=org_a, name="Laptop with grace", grace_days=3, follow_up_after_days=7, period_days=14
    )


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12))


def test_a_loan_is_overdue_only_once_its_grace_days_have_passed(api, staff_of_org_a, lend, grace_policy):
    loan = lend(policy=grace_policy)
    assert loan.grace_days == 3
    loan = Loan.objects.get(pk=loan.pk)
    assert loan.overdue_after == loan.due_on + datetime.timedelta(days=3)
    client = api.as_user(staff_of_org_a)
    for days_late, overdue in [(0, False), (1, False), (3, False), (4, True)]:
        with time_machine.travel(_noon(loan.due_on + datetime.timedelta(days=days_late)), tick=False):
            listed = client.get("/api/v1/loans/?overdue=true").data
            assert listed["count"] == len(listed["results"]) == int(overdue), days_late  # tallied total, rows
            assert client.get("/api/v1/loans/?overdue=false").data["count"] == int(not overdue)
            assert client.get(f"/api/v1/loans/{loan.pk}/").data["is_overdue"] is overdue
            assert client.get("/api/v1/loans/").data["results"][0]["is_overdue"] is overdue
            card = client.get(f"/api/v1/public/loans/{loan.public_token}/").data
            assert card["is_overdue"] is overdue and card["due_on"] == loan.due_on.isoformat()
            assert Loan.objects.overdue(on=services.today()).exists() is overdue


def test_without_grace_days_a_loan_is_overdue_the_day_after_its_due_date(api, staff_of_org_a, lend):
    loan = lend()
    assert loan.grace_days == 0
    client = api.as_user(staff_of_org_a)
    with time_machine.travel(_noon(loan.due_on), tick=False):
        assert client.get("/api/v1/loans/?overdue=true").data["count"] == 0
    with time_machine.travel(_noon(loan.due_on + datetime.timedelta(days=1)), tick=False):
        assert client.get("/api/v1/loans/?overdue=true").data["count"] == 1


def test_renewing_and_moving_the_due_date_carry_the_grace_days_and_the_tallies_follow(
    staff_of_org_a, lend, grace_policy
):
    loan = lend(policy=grace_policy)
    services.loan_renew(loan=loan, by=staff_of_org_a)
    loan = Loan.objects.get(pk=loan.pk)
    assert loan.overdue_after == loan.due_on + datetime.timedelta(days=3)
    backdate(loan, due_days_ago=2)  # a bulk UPDATE moving the due date
    loan.refresh_from_db()
    assert loan.overdue_after == services.today() + datetime.timedelta(days=1)
    tallies = {(t.organization_id, t.status, t.overdue_after): t.loans for t in LoanTally.objects.all() if t.loans}
    counted = Loan.objects.values("organization", "status", "overdue_after").annotate(n=Count("id"))
    assert tallies == {(r["organization"], r["status"], r["overdue_after"]): r["n"] for r in counted}
    assert selectors.loan_total_for_user(staff_of_org_a, status="active", due_before=services.today()) == 0


def test_the_overdue_list_walks_the_overdue_index_in_its_order(api, staff_of_org_a, org_a, grace_policy, lend):
    """Ordered by the last day of grace: a loan with grace comes after one without that fell due the same day."""
    plain = lend()
    graced = lend(policy=grace_policy, participant=ParticipantFactory(organization=org_a))
    backdate(plain, due_days_ago=10)
    backdate(graced, due_days_ago=10)
    ids = [row["id"] for row in api.as_user(staff_of_org_a).get("/api/v1/loans/?overdue=true").data["results"]]
    assert ids == [plain.pk, graced.pk]
    from django.db import connection

    if connection.vendor == "sqlite":  # PostgreSQL's plan depends on its statistics (docs/loans.md: the 1M-loan plan)
        sql, params = (
            Loan.objects.overdue(on=services.today())
            .filter(organization=org_a)
            .order_by("overdue_after", "id")
            .values("pk")[:50]
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "loan_open_overdue_id" in plan, plan


def test_follow_up_tasks_count_from_the_end_of_the_grace_days(lend, grace_policy):
    loan = lend(policy=grace_policy)
    # grace 3 + follow-up after 7 days overdue: the task comes 10 days after the due date, not 7 or 9.
    for days_late, tasks in [(7, 0), (9, 0), (10, 1), (11, 1)]:
        services.loan_follow_ups_ensure(on=loan.due_on + datetime.timedelta(days=days_late))
        assert StaffTask.objects.filter(kind=StaffTaskKind.LOAN_FOLLOW_UP).count() == tasks, days_late


def test_the_reports_count_a_loan_in_its_grace_days_as_not_overdue(org_a, lend, grace_policy):
    from reports.selectors import organization_report

    loan = lend(policy=grace_policy)
    start = loan.started_on
    for days_late, overdue in [(3, 0), (4, 1)]:
        with time_machine.travel(_noon(loan.due_on + datetime.timedelta(days=days_late)), tick=False):
            report = organization_report(
                organization=org_a, period_start=start, period_end=services.today(), suppress=False
            )
            assert report["loans"]["overdue"] == overdue, days_late


def test_a_policy_with_negative_grace_days_is_a_400_naming_the_field(api, admin_of_org_a, org_a):
    response = api.as_user(admin_of_org_a).post(
        "/api/v1/loan-policies/",
        {"organization": org_a.pk, "name": "Bad grace", "period_days": 14, "grace_days": -1},
        format="json",
    )
    assert response.status_code == 400 and "grace_days" in response.data["fields"]
