"""The API of working an overdue loan: calls about a loan, and the answers to a renewal request from the card."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loans.choices import CallOutcome
from loans.models import Loan, LoanCall
from loans.services import loan_call_record, renewal_due_on, today
from messaging.models import OutboundMessage
from organizations.models import StaffTask

pytestmark = pytest.mark.django_db


def _overdue(loan, days=4):
    Loan.objects.filter(pk=loan.pk).update(
        started_on=today() - datetime.timedelta(days=40), due_on=today() - datetime.timedelta(days=days)
    )
    loan.refresh_from_db()
    return loan


def test_staff_record_a_call_and_list_the_calls_of_a_loan(api, staff_of_org_a, lend):
    loan = _overdue(lend())
    client = api.as_user(staff_of_org_a)
    next_on = (today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        f"/api/v1/loans/{loan.pk}/calls/", {"outcome": "no_answer", "note": "Voicemail", "next_on": next_on}
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "no_answer" and response.json()["by"] == "staff_a"
    listed = client.get(f"/api/v1/loans/{loan.pk}/calls/").json()
    assert [(c["note"], c["next_on"]) for c in listed] == [("Voicemail", next_on)]


def test_bad_input_is_400_naming_the_field_and_nothing_is_written(api, staff_of_org_a, lend):
    loan = _overdue(lend())
    client = api.as_user(staff_of_org_a)
    unknown = client.post(f"/api/v1/loans/{loan.pk}/calls/", {"outcome": "shouted"})
    past = client.post(
        f"/api/v1/loans/{loan.pk}/calls/",
        {"outcome": "other", "next_on": (today() - datetime.timedelta(days=1)).isoformat()},
    )
    assert unknown.status_code == 400 and "outcome" in str(unknown.json())
    assert past.status_code == 400 and "next_on" in past.json()["fields"]
    assert LoanCall.objects.count() == 0


def test_listing_calls_takes_the_same_queries_for_1_and_10_calls(api, staff_of_org_a, lend):
    loan = _overdue(lend())
    client = api.as_user(staff_of_org_a)
    counts = []
    for n in (1, 9):
        for _i in range(n):
            loan_call_record(loan=loan, outcome=CallOutcome.NO_ANSWER, by=staff_of_org_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/loans/{loan.pk}/calls/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.fixture
def task(lend):
    loan = lend()
    Client().post(f"/l/{loan.public_token}/renew")
    return StaffTask.objects.get()


def test_approving_a_renewal_request_renews_and_closes_it(api, staff_of_org_a, task):
    loan = task.related
    expected = renewal_due_on(loan)
    response = api.as_user(staff_of_org_a).post(f"/api/v1/staff-tasks/{task.pk}/approve-renewal/")
    assert response.status_code == 200, response.content
    assert response.json()["due_on"] == expected.isoformat()
    task.refresh_from_db()
    assert task.done_at is not None
    again = api.as_user(staff_of_org_a).post(f"/api/v1/staff-tasks/{task.pk}/approve-renewal/")
    assert again.status_code == 409 and again.json()["code"] == "task_already_done"
    loan.refresh_from_db()
    assert loan.due_on == expected and loan.renewals_count == 1


def test_refusing_a_renewal_request_closes_it_and_queues_the_sms(
    api, staff_of_org_a, task, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "locmem"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(staff_of_org_a).post(f"/api/v1/staff-tasks/{task.pk}/refuse-renewal/")
    assert response.status_code == 200 and response.json()["done_at"]
    sms = OutboundMessage.objects.get(template="renewal_refused")
    assert sms.language == "fr" and "prolonger" in sms.body


def test_another_organisations_loan_and_task_are_404(api, staff_of_org_b, task):
    client = api.as_user(staff_of_org_b)
    loan_id = task.object_id
    assert client.get(f"/api/v1/loans/{loan_id}/calls/").status_code == 404
    assert client.post(f"/api/v1/loans/{loan_id}/calls/", {"outcome": "other"}).status_code == 404
    assert client.post(f"/api/v1/staff-tasks/{task.pk}/approve-renewal/").status_code == 404
    assert client.post(f"/api/v1/staff-tasks/{task.pk}/refuse-renewal/").status_code == 404
    task.refresh_from_db()
    assert task.done_at is None and LoanCall.objects.count() == 0


def test_a_task_that_is_no_renewal_request_is_refused(api, staff_of_org_a, org_a):
    from organizations.services import staff_task_ensure

    other = staff_task_ensure(organization=org_a, kind="other", key="x", title="Something", due_on=today())
    response = api.as_user(staff_of_org_a).post(f"/api/v1/staff-tasks/{other.pk}/approve-renewal/")
    assert response.status_code == 409 and response.json()["code"] == "not_a_renewal_request"
