"""The Today page as work to act on: days late, a tel: link, the last SMS and its status, record a call, send the
reminder again, renewal requests from the card approved or refused, the card's pending notice; scoping, query
count and pagination."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from loans.choices import CallOutcome
from loans.models import Loan, LoanCall
from loans.services import loan_call_record, renewal_due_on, today
from messaging.choices import MessageStatus
from messaging.models import OutboundMessage
from messaging.services import sms_queue
from organizations.choices import StaffTaskKind
from organizations.models import StaffTask
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .conftest import set_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "locmem"


def login(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def overdue_loan(lend, *, days_late=5, participant=None):
    return set_due(lend(participant=participant) if participant else lend(), days_from_today=-days_late)


def call_data(loan, **fields):
    return {f"call-{loan.pk}-{name}": value for name, value in fields.items()}


def reminder(loan, key, status=MessageStatus.QUEUED):
    message = sms_queue(
        organization=loan.organization,
        participant=loan.participant,
        template="loan_reminder",
        context={"date": loan.due_on, "offset": 3, "link": "https://example.org/l/x"},
        idempotency_key=key,
        related=loan,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(status=status)
    return message


# --- the overdue list ---------------------------------------------------------------------------------------


def test_the_overdue_list_shows_days_late_a_tel_link_and_the_last_sms_with_its_status(staff_of_org_a, lend):
    loan = overdue_loan(lend, days_late=5)
    older = reminder(loan, "older", MessageStatus.FAILED)
    OutboundMessage.objects.filter(pk=older.pk).update(created_at=older.created_at - datetime.timedelta(days=2))
    reminder(loan, "newer", MessageStatus.DELIVERED)
    html = login(staff_of_org_a).get("/desk/").content.decode()
    assert "5 days late" in html
    assert f'href="tel:{loan.participant.phone.as_e164}"' in html
    assert "Last SMS:" in html and "Delivered" in html and "Failed" not in html  # the last one only


def test_days_late_count_from_the_due_date_and_a_loan_is_listed_once_its_grace_days_passed(staff_of_org_a, lend, org_a):
    in_grace = overdue_loan(lend, days_late=2)
    past_grace = overdue_loan(lend, days_late=4)
    Loan.objects.filter(pk__in=[in_grace.pk, past_grace.pk]).update(grace_days=3)
    html = login(staff_of_org_a).get("/desk/").content.decode()
    assert f'id="loan-{past_grace.pk}"' in html and "4 days late" in html
    assert f'id="loan-{in_grace.pk}"' not in html


# --- record a call ------------------------------------------------------------------------------------------


def test_recording_a_call_with_a_next_date_shows_call_again_and_puts_the_loan_on_that_days_list(staff_of_org_a, lend):
    loan = overdue_loan(lend)
    tomorrow = today() + datetime.timedelta(days=1)
    client = login(staff_of_org_a)
    response = client.post(
        f"/desk/loans/{loan.pk}/calls",
        call_data(loan, outcome=CallOutcome.NEEDS_TIME, note="Brings it Friday", next_on=tomorrow.isoformat()),
    )
    assert response.status_code == 302
    call = LoanCall.objects.get(loan=loan)
    assert (call.outcome, call.note, call.next_on, call.by) == (
        CallOutcome.NEEDS_TIME,
        "Brings it Friday",
        tomorrow,
        staff_of_org_a,
    )
    html = client.get("/desk/").content.decode()
    assert f"Call again on {tomorrow:%d/%m/%Y}" in html and "Brings it Friday" in html
    assert f'id="call-{call.pk}"' not in html  # not today's list yet
    from frontend.selectors import desk_to_call

    assert [c.pk for c in desk_to_call(staff_of_org_a, on=tomorrow)] == [call.pk]
    assert desk_to_call(staff_of_org_a, on=today()) == []


def test_a_call_to_make_today_is_on_the_to_call_list_until_a_newer_call_is_recorded(staff_of_org_a, lend):
    loan = overdue_loan(lend)
    first = loan_call_record(loan=loan, outcome=CallOutcome.NO_ANSWER, next_on=today(), by=staff_of_org_a)
    client = login(staff_of_org_a)
    assert f'id="call-{first.pk}"' in client.get("/desk/").content.decode()
    client.post(f"/desk/loans/{loan.pk}/calls", call_data(loan, outcome=CallOutcome.WILL_RETURN, note=""))
    assert f'id="call-{first.pk}"' not in client.get("/desk/").content.decode()


def test_a_next_date_in_the_past_is_refused_next_to_its_field_and_nothing_is_written(staff_of_org_a, lend):
    loan = overdue_loan(lend)
    yesterday = today() - datetime.timedelta(days=1)
    response = login(staff_of_org_a).post(
        f"/desk/loans/{loan.pk}/calls", call_data(loan, outcome=CallOutcome.NO_ANSWER, next_on=yesterday.isoformat())
    )
    assert response.status_code == 400
    html = response.content.decode()
    error_at = html.index("This date has passed")
    assert html.index(f'id="overdue-{loan.pk}-next"') > error_at > html.index(f'for="overdue-{loan.pk}-next"')
    assert f'value="{yesterday.isoformat()}"' in html  # what was typed stays
    assert LoanCall.objects.count() == 0


def test_an_unknown_outcome_is_refused_next_to_its_field_and_nothing_is_written(staff_of_org_a, lend):
    loan = overdue_loan(lend)
    response = login(staff_of_org_a).post(f"/desk/loans/{loan.pk}/calls", call_data(loan, outcome="shouted"))
    assert response.status_code == 400
    html = response.content.decode()
    error_at = html.index("Select a valid choice")
    assert html.index(f'id="overdue-{loan.pk}-outcome"') > error_at > html.index(f'for="overdue-{loan.pk}-outcome"')
    assert LoanCall.objects.count() == 0


def test_the_service_refuses_an_unknown_outcome_and_a_past_date_naming_the_field(staff_of_org_a, lend):
    from core.errors import DomainError

    loan = overdue_loan(lend)
    with pytest.raises(DomainError) as unknown:
        loan_call_record(loan=loan, outcome="nope", by=staff_of_org_a)
    with pytest.raises(DomainError) as past:
        loan_call_record(
            loan=loan, outcome=CallOutcome.OTHER, next_on=today() - datetime.timedelta(days=1), by=staff_of_org_a
        )
    assert set(unknown.value.fields) == {"outcome"} and set(past.value.fields) == {"next_on"}
    assert LoanCall.objects.count() == 0


# --- send the reminder again --------------------------------------------------------------------------------


def test_sending_the_reminder_again_twice_the_same_day_sends_once(
    staff_of_org_a, lend, django_capture_on_commit_callbacks
):
    loan = overdue_loan(lend, days_late=6)
    client = login(staff_of_org_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/desk/loans/{loan.pk}/remind", follow=True)
    second = client.post(f"/desk/loans/{loan.pk}/remind", follow=True)
    messages = OutboundMessage.objects.filter(object_id=loan.pk, template="loan_reminder")
    assert messages.count() == 1
    message = messages.get()
    assert message.idempotency_key == f"loan-reminder-again:{loan.pk}:{today().isoformat()}"
    assert message.requested_by == staff_of_org_a and message.language == "fr"
    assert "devait revenir" in message.body  # the overdue wording, in the participant's language
    assert "Reminder sent again to Marc Dubois." in first.content.decode()
    assert "already sent again today" in second.content.decode()


def test_the_reminder_is_not_sent_again_without_sms_consent(staff_of_org_a, lend, org_a):
    loan = overdue_loan(lend, participant=ParticipantFactory(organization=org_a, sms_consent=False))
    response = login(staff_of_org_a).post(f"/desk/loans/{loan.pk}/remind", follow=True)
    assert "has not agreed to receive SMS" in response.content.decode()
    assert OutboundMessage.objects.count() == 0


# --- renewal requests from the card -------------------------------------------------------------------------


@pytest.fixture
def requested(lend):
    """A loan whose participant pressed "ask for more time" on the card (staff approve renewals)."""
    loan = set_due(lend(), days_from_today=2)
    assert Client().post(f"/l/{loan.public_token}/renew").status_code == 302
    task = StaffTask.objects.get()
    assert task.kind == StaffTaskKind.RENEWAL_REQUEST and task.related == loan
    return loan, task


def test_a_card_request_is_a_task_on_today_linked_to_its_loan_with_approve_and_refuse(staff_of_org_a, requested):
    loan, task = requested
    html = login(staff_of_org_a).get("/desk/").content.decode()
    assert f"/desk/loans/{loan.pk}/" in html
    assert f"/desk/tasks/{task.pk}/approve-renewal" in html and f"/desk/tasks/{task.pk}/refuse-renewal" in html
    assert f"Approve: due on {renewal_due_on(loan):%d/%m/%Y}" in html


def test_approving_renews_to_the_renewal_date_and_closes_the_task(staff_of_org_a, requested):
    loan, task = requested
    expected = renewal_due_on(loan)
    response = login(staff_of_org_a).post(f"/desk/tasks/{task.pk}/approve-renewal", follow=True)
    loan.refresh_from_db()
    task.refresh_from_db()
    assert loan.due_on == expected and loan.renewals_count == 1
    assert task.done_at is not None and task.done_by == staff_of_org_a and expected.isoformat() in task.outcome
    assert f"now due on {expected:%d/%m/%Y}" in response.content.decode()


def test_a_request_already_answered_says_so_and_changes_nothing(staff_of_org_a, requested):
    loan, task = requested
    client = login(staff_of_org_a)
    client.post(f"/desk/tasks/{task.pk}/approve-renewal")
    loan.refresh_from_db()
    due, renewals = loan.due_on, loan.renewals_count
    for action in ("approve-renewal", "refuse-renewal"):
        response = client.post(f"/desk/tasks/{task.pk}/{action}", follow=True)
        assert "This request was already answered." in response.content.decode()
    loan.refresh_from_db()
    assert (loan.due_on, loan.renewals_count) == (due, renewals)
    assert OutboundMessage.objects.filter(template="renewal_refused").count() == 0


def test_refusing_closes_the_task_and_queues_an_sms_in_the_participants_language(
    staff_of_org_a, requested, django_capture_on_commit_callbacks
):
    loan, task = requested
    loan.participant.preferred_language = "nl"
    loan.participant.save()
    due = loan.due_on
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff_of_org_a).post(f"/desk/tasks/{task.pk}/refuse-renewal", follow=True)
    assert "Renewal refused" in response.content.decode()
    task.refresh_from_db()
    loan.refresh_from_db()
    assert task.done_at is not None and "Refused" in task.outcome
    assert loan.due_on == due and loan.renewals_count == 0
    sms = OutboundMessage.objects.get(template="renewal_refused")
    assert sms.language == "nl" and sms.participant == loan.participant and sms.related == loan
    assert "niet verlengen" in sms.body and f"{due.day}/{due.month}" in sms.body


def test_the_card_shows_the_pending_request_instead_of_the_button(requested):
    loan, task = requested
    html = Client().get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert f"Your request was received on {task.created_at:%d/%m/%Y}; the team will answer." in html
    assert "Ask for more time" not in html and f"/l/{loan.public_token}/renew" not in html
    arabic = Client().get(f"/l/{loan.public_token}?lang=ar").content.decode()
    assert "وسيرد عليك الفريق" in arabic


def test_the_card_offers_the_button_again_once_the_request_is_answered(staff_of_org_a, requested):
    loan, task = requested
    login(staff_of_org_a).post(f"/desk/tasks/{task.pk}/refuse-renewal")
    html = Client().get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert "Your request was received" not in html and "Ask for more time" in html


# --- another organisation -----------------------------------------------------------------------------------


def test_another_organisations_loan_and_task_answer_404_and_nothing_changes(staff_of_org_a, org_b, staff_of_org_b):
    from loans import services

    participant = ParticipantFactory(organization=org_b)
    loan = services.loan_checkout(
        organization=org_b,
        participant=participant,
        policy=LoanPolicyFactory(organization=org_b),
        devices=[DeviceFactory(organization=org_b)],
        by=staff_of_org_b,
    )
    set_due(loan, days_from_today=-3)
    Client().post(f"/l/{loan.public_token}/renew")
    task = StaffTask.objects.get(organization=org_b)
    client = login(staff_of_org_a)
    assert client.post(f"/desk/loans/{loan.pk}/calls", call_data(loan, outcome="other")).status_code == 404
    assert client.post(f"/desk/loans/{loan.pk}/remind").status_code == 404
    assert client.post(f"/desk/tasks/{task.pk}/approve-renewal").status_code == 404
    assert client.post(f"/desk/tasks/{task.pk}/refuse-renewal").status_code == 404
    html = client.get("/desk/").content.decode()
    assert participant.display_name not in html
    task.refresh_from_db()
    assert task.done_at is None
    assert LoanCall.objects.count() == 0 and OutboundMessage.objects.count() == 0


# --- speed: pinned and flat queries, pagination -------------------------------------------------------------


def _overdue_with_sms_and_call(lend, staff, n):
    for i in range(n):
        loan = overdue_loan(lend, days_late=3 + i % 20)
        reminder(loan, f"bulk-{loan.pk}")
        loan_call_record(loan=loan, outcome=CallOutcome.NO_ANSWER, next_on=today(), by=staff)


def _queries(client, url="/desk/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_today_takes_the_same_pinned_number_of_queries_for_3_and_60_overdue_loans(
    staff_of_org_a, lend, requested, django_assert_max_num_queries
):
    client = login(staff_of_org_a)
    _overdue_with_sms_and_call(lend, staff_of_org_a, 3)
    few = _queries(client)
    _overdue_with_sms_and_call(lend, staff_of_org_a, 57)
    many = _queries(client)
    assert few == many
    # 16 with a renewal request on the page (its loan and its organisation's calendar), whatever the rows
    with django_assert_max_num_queries(16):
        client.get("/desk/")


def test_overdue_loans_come_50_to_a_page_most_late_first(staff_of_org_a, lend):
    loans = [overdue_loan(lend, days_late=58 - i) for i in range(55)]
    client = login(staff_of_org_a)
    first = client.get("/desk/").content.decode()
    second = client.get("/desk/?page=2").content.decode()
    assert "Overdue (55)" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('<li class="card" id="loan-') == 50 and second.count('<li class="card" id="loan-') == 5
    assert f'id="loan-{loans[0].pk}"' in first and f'id="loan-{loans[-1].pk}"' in second
    assert "?page=2#overdue" in first and "?page=1#overdue" in second
    assert 'id="loan-' in client.get("/desk/?page=99").content.decode()  # past the end: the last page


def test_refusing_a_request_whose_loan_was_returned_closes_it_without_an_sms(
    staff_of_org_a, requested, django_capture_on_commit_callbacks
):
    from loans.services import loan_return

    loan, task = requested
    loan_return(loan=loan, by=staff_of_org_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff_of_org_a).post(f"/desk/tasks/{task.pk}/refuse-renewal", follow=True)
    assert "already closed: the request is closed, no SMS sent" in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is not None
    assert OutboundMessage.objects.filter(template="renewal_refused").count() == 0
