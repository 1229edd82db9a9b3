"""Money at the counter: the policy's terms before lending, the fee and deposit paid at checkout ("received by"
the user), the loan page's paid / owed / refundable, payments and refunds there, and check-in that shows the
deposit to give back and records the refund in the same step. Bad amounts are refused next to their field and
nothing is written; another organisation's loan and payment are 404."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.formats import date_format

from inventory.choices import DeviceStatus
from loans import services
from loans.choices import FeePeriod, LoanStatus, PaymentKind
from loans.models import Loan, Payment
from organizations.models import OpeningHours
from tests.loans.factories import LoanPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of_org_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_of_org_a)
    return client


@pytest.fixture
def rental(org_a):
    return LoanPolicyFactory(
        organization=org_a,
        name="Laptop rental",
        period_days=84,
        fee_amount=5,
        fee_period=FeePeriod.MONTH,
        deposit_amount=20,
        max_renewals=2,
        renewal_days=14,
    )


def _step3(device, participant):
    return f"/desk/checkout/policy/?devices={device.pk}&participant={participant.pk}"


def _paid_loan(lend, rental, staff, *, deposit="20.00", fee="15.00"):
    loan = lend(policy=rental)
    services.checkout_payments(loan=loan, method="cash", fee=Decimal(fee), deposit=Decimal(deposit), by=staff)
    return loan


# --- the fee a loan comes to ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "days", "expected"),
    [
        (FeePeriod.ONCE, 84, "5"),
        (FeePeriod.WEEK, 14, "10"),
        (FeePeriod.WEEK, 15, "15"),
        (FeePeriod.MONTH, 84, "15"),
        (FeePeriod.MONTH, 28, "5"),
    ],
)
def test_the_fee_counts_started_weeks_or_months(period, days, expected):
    start = datetime.date(2026, 3, 2)
    due = services.loan_fee_due(
        fee_amount=Decimal("5"), fee_period=period, started_on=start, due_on=start + datetime.timedelta(days=days)
    )
    assert due == Decimal(expected)


# --- step 3 of checkout -----------------------------------------------------------------------------------


def test_step_3_shows_each_policys_terms_with_the_due_date_moved_to_an_opening_day(
    desk, org_a, rental, participant_a, device_a
):
    for weekday in range(5):  # open Monday to Friday
        OpeningHours.objects.create(
            organization=org_a, weekday=weekday, opens=datetime.time(9), closes=datetime.time(17)
        )
    html = desk.get(_step3(device_a, participant_a)).content.decode()
    terms = services.policy_terms(rental)
    assert terms.due_on.weekday() < 5
    row = html[html.index("Laptop rental</th>") :].split("</tr>")[0]
    assert "84 days" in row
    assert date_format(terms.due_on, "DATE_FORMAT") in row
    assert "2 × 14 days" in row
    assert "15.00 €" in row and "5.00 € per month" in row  # 84 days: 3 started months of 5 €
    assert "20.00 €" in row


def test_checkout_records_fee_and_deposit_paid_in_cash_received_by_the_user(
    desk, rental, participant_a, device_a, staff_of_org_a
):
    response = desk.post(_step3(device_a, participant_a), {"policy": rental.pk, "payment": "cash"})
    assert response.status_code == 302, response.content.decode()[:2000]
    loan = Loan.objects.get()
    payments = {p.kind: p for p in Payment.objects.filter(loan=loan)}
    assert payments[PaymentKind.FEE].amount == Decimal("15.00")
    assert payments[PaymentKind.DEPOSIT].amount == Decimal("20.00")
    assert {p.received_by for p in payments.values()} == {staff_of_org_a}
    assert {p.method for p in payments.values()} == {"cash"}
    page = desk.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert 'id="money-owed"><strong>0.00 €' in page
    assert 'id="money-refundable"><strong>20.00 €' in page


def test_not_paid_yet_records_nothing_and_the_loan_page_shows_what_is_owed(desk, rental, participant_a, device_a):
    desk.post(_step3(device_a, participant_a), {"policy": rental.pk, "payment": "later"})
    loan = Loan.objects.get()
    assert not Payment.objects.exists()
    page = desk.get(f"/desk/loans/{loan.pk}/").content.decode()
    assert 'id="money-owed"><strong>35.00 €' in page
    assert 'id="money-refundable"><strong>0.00 €' in page


def test_a_deposit_paid_in_part_is_recorded_as_typed(desk, rental, participant_a, device_a):
    desk.post(
        _step3(device_a, participant_a),
        {"policy": rental.pk, "payment": "transfer", "fee_paid": "0", "deposit_paid": "10"},
    )
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount, payment.method) == (PaymentKind.DEPOSIT, Decimal("10.00"), "transfer")


@pytest.mark.parametrize(("field", "value"), [("deposit_paid", "-20"), ("fee_paid", "abc")])
def test_a_bad_amount_at_checkout_is_refused_next_to_its_field_and_lends_nothing(
    desk, rental, participant_a, device_a, field, value
):
    response = desk.post(_step3(device_a, participant_a), {"policy": rental.pk, "payment": "cash", field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Loan.objects.exists() and not Payment.objects.exists()
    device_a.refresh_from_db()
    assert device_a.status == DeviceStatus.AVAILABLE


# --- the loan page -------------------------------------------------------------------------------------


def test_a_payment_is_recorded_on_the_loan_page(desk, lend, rental, staff_of_org_a):
    loan = lend(policy=rental)
    response = desk.post(f"/desk/loans/{loan.pk}/payments", {"kind": "fee", "amount": "5", "method": "transfer"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.received_by == staff_of_org_a and payment.method == "transfer"


@pytest.mark.parametrize(("data", "field"), [({"amount": "-5"}, "amount"), ({"amount": "5", "kind": "gift"}, "kind")])
def test_a_bad_payment_is_refused_next_to_its_field(desk, lend, rental, data, field):
    loan = lend(policy=rental)
    response = desk.post(f"/desk/loans/{loan.pk}/payments", {"kind": "deposit", "method": "cash", **data})
    assert response.status_code == 400
    assert response.context["payment_form"].errors[field]
    assert not Payment.objects.exists()


def test_a_refund_larger_than_the_deposit_is_refused_and_a_smaller_one_is_kept(desk, lend, rental, staff_of_org_a):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    deposit = Payment.objects.get(kind=PaymentKind.DEPOSIT)
    url = f"/desk/loans/{loan.pk}/payments/{deposit.pk}/refund"
    response = desk.post(url, {"refund_amount": "25"})
    assert response.status_code == 400
    assert "No more than 20.00 EUR" in str(response.context["refund_form"].errors["refund_amount"])
    deposit.refresh_from_db()
    assert deposit.refunded_at is None
    assert desk.post(url, {"refund_amount": "15", "note": "charger missing"}).status_code == 302
    deposit.refresh_from_db()
    assert deposit.refunded_amount == Decimal("15.00") and deposit.refunded_by == staff_of_org_a
    assert "charger missing" in deposit.note
    assert services.loan_money(loan).refundable == Decimal("0.00")  # what is kept is not owed back
    assert desk.post(url, {}).status_code == 400  # once only


def test_another_organisations_loan_and_payment_are_404(client, lend, rental, staff_of_org_a, staff_of_org_b):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    deposit = Payment.objects.get(kind=PaymentKind.DEPOSIT)
    client.force_login(staff_of_org_b)
    assert client.post(f"/desk/loans/{loan.pk}/payments", {"kind": "fee", "amount": "5"}).status_code == 404
    assert client.post(f"/desk/loans/{loan.pk}/payments/{deposit.pk}/refund", {}).status_code == 404
    assert client.get(f"/desk/loans/{loan.pk}/renew").status_code == 404
    assert Payment.objects.count() == 2 and not Payment.objects.filter(refunded_at__isnull=False).exists()


def test_a_payment_of_another_loan_is_404_under_this_loan(desk, lend, rental, staff_of_org_a):
    first = _paid_loan(lend, rental, staff_of_org_a)
    second = lend(policy=rental)
    deposit = Payment.objects.get(loan=first, kind=PaymentKind.DEPOSIT)
    assert desk.post(f"/desk/loans/{second.pk}/payments/{deposit.pk}/refund", {}).status_code == 404


# --- check-in ---------------------------------------------------------------------------------------------


def _tag(loan):
    return loan.items.get().device.asset_tag


def test_check_in_shows_the_deposit_first_then_takes_back_and_refunds_in_one_step(desk, lend, rental, staff_of_org_a):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    shown = desk.post("/desk/checkin/", {"tag": _tag(loan), "condition": "good"})
    assert shown.status_code == 200
    assert "Deposit to give back: 20.00 €" in shown.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE  # shown, nothing written yet
    response = desk.post(
        "/desk/checkin/",
        {"tag": _tag(loan), "condition": "good", "deposit_shown": loan.pk, "refund_deposit": "on"},
        follow=True,
    )
    text = response.content.decode()
    assert "Deposit given back: 20.00 €." in text and "It is available to lend again." in text
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED
    assert Payment.objects.get(kind=PaymentKind.DEPOSIT).refunded_amount == Decimal("20.00")


def test_the_check_in_link_of_the_loan_page_shows_the_deposit_at_once(desk, lend, rental, staff_of_org_a):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    page = desk.get(f"/desk/checkin/?tag={_tag(loan)}").content.decode()
    assert "Deposit to give back: 20.00 €" in page
    assert f'name="deposit_shown" value="{loan.pk}"' in page


def test_a_check_in_refund_larger_than_the_deposit_keeps_the_loan_open(desk, lend, rental, staff_of_org_a):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    response = desk.post(
        "/desk/checkin/",
        {
            "tag": _tag(loan),
            "condition": "good",
            "deposit_shown": loan.pk,
            "refund_deposit": "on",
            "refund_amount": "50",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["refund_amount"]
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE  # the return rolled back with the refused refund
    assert loan.items.get().device.status == DeviceStatus.ON_LOAN
    assert not Payment.objects.filter(refunded_at__isnull=False).exists()


def test_a_deposit_kept_at_check_in_is_said_and_stays_refundable(desk, lend, rental, staff_of_org_a):
    loan = _paid_loan(lend, rental, staff_of_org_a)
    response = desk.post(
        "/desk/checkin/", {"tag": _tag(loan), "condition": "good", "deposit_shown": loan.pk}, follow=True
    )
    assert "The deposit of 20.00 € was not given back" in response.content.decode()
    assert services.loan_money(loan).refundable == Decimal("20.00")


@pytest.mark.parametrize(
    ("wipe", "condition", "said"),
    [
        (True, "good", "It goes to be wiped"),
        (False, "damaged", "It goes to repair"),
        (False, "good", "It is available to lend again."),
    ],
)
def test_check_in_says_where_the_device_went(desk, lend, org_a, wipe, condition, said):
    policy = LoanPolicyFactory(organization=org_a, fee_amount=0, deposit_amount=0, wipe_on_return=wipe)
    loan = lend(policy=policy)
    response = desk.post("/desk/checkin/", {"tag": _tag(loan), "condition": condition}, follow=True)
    assert said in response.content.decode()
    assert "can be lent again" not in response.content.decode() or not wipe


# --- the API shares the services ------------------------------------------------------------------------


def test_the_api_lends_with_payment_shows_money_and_returns_with_a_refund(
    api, staff_of_org_a, rental, participant_a, device_a
):
    client = api.as_user(staff_of_org_a)
    terms = client.get(f"/api/v1/loan-policies/{rental.pk}/terms/").json()
    assert terms["fee_due"] == "15.00" and terms["deposit"] == "20.00" and terms["due_on"]
    body = {"participant": participant_a.pk, "policy": rental.pk, "devices": [device_a.pk], "paid_now": "cash"}
    loan_id = client.post("/api/v1/loans/", body, format="json").json()["id"]
    money = client.get(f"/api/v1/loans/{loan_id}/money/").json()
    assert (money["paid"], money["owed"], money["refundable"]) == ("35.00", "0.00", "20.00")
    too_much = client.post(
        f"/api/v1/loans/{loan_id}/return/", {"refund_deposit": True, "refund_amount": "21"}, format="json"
    )
    assert too_much.status_code == 400 and "refund_amount" in too_much.json()["fields"]
    assert Loan.objects.get(pk=loan_id).status == LoanStatus.ACTIVE
    done = client.post(f"/api/v1/loans/{loan_id}/return/", {"refund_deposit": True}, format="json")
    assert done.status_code == 200
    assert client.get(f"/api/v1/loans/{loan_id}/money/").json()["refundable"] == "0.00"


def test_the_api_refuses_a_negative_deposit_at_checkout_and_another_organisations_money(
    api, staff_of_org_a, staff_of_org_b, rental, participant_a, device_a
):
    client = api.as_user(staff_of_org_a)
    body = {"participant": participant_a.pk, "policy": rental.pk, "devices": [device_a.pk], "paid_now": "cash"}
    response = client.post("/api/v1/loans/", {**body, "deposit_paid": "-1"}, format="json")
    assert response.status_code == 400 and "deposit_paid" in response.json()["fields"]
    assert not Loan.objects.exists()
    loan_id = client.post("/api/v1/loans/", body, format="json").json()["id"]
    other = api.as_user(staff_of_org_b)
    assert other.get(f"/api/v1/loans/{loan_id}/money/").status_code == 404
    assert other.get(f"/api/v1/loan-policies/{rental.pk}/terms/").status_code == 404


# --- queries do not grow -----------------------------------------------------------------------------------


def test_step_3_and_the_loan_page_take_the_same_queries_for_1_and_8_policies_or_payments(
    desk, org_a, lend, rental, participant_a, device_a, staff_of_org_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(url).status_code == 200
        return len(queries)

    step3 = _step3(device_a, participant_a)
    loan = _paid_loan(lend, rental, staff_of_org_a)
    few = (count(step3), count(f"/desk/loans/{loan.pk}/"))
    for index in range(7):
        LoanPolicyFactory(organization=org_a, name=f"Policy {index}")
        services.payment_record(loan=loan, kind="fee", amount=Decimal("5"), by=staff_of_org_a)
    assert (count(step3), count(f"/desk/loans/{loan.pk}/")) == few
