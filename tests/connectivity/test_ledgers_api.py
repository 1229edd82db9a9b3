"""Ledgers are never deleted through the API, by anyone (the superuser too): codes, cheques, payments and SMS
answer 405 to DELETE and the row stays; revoke, void and refund are the way (issue 20, item 3)."""

from decimal import Decimal

import pytest

from connectivity.models import Digicheque, EligibilityCode
from connectivity.services import digicheque_batch_create
from loans import services as loan_services
from loans.models import Payment
from messaging.models import OutboundMessage

from .factories import EligibilityCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root-ledger", "root@example.org", "pw-for-tests-1")


def test_no_ledger_row_can_be_deleted_through_the_api(api, org_a, staff_of_org_a, superuser):
    from tests.factories import ParticipantFactory
    from tests.loans.factories import DeviceFactory, LoanPolicyFactory

    loan = loan_services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a),
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    code = EligibilityCodeFactory(batch__organization=org_a)
    batch = digicheque_batch_create(
        organization=org_a,
        supplier="S",
        unit_value=Decimal("10"),
        purchase_price=Decimal("10"),
        first_number=1,
        last_number=1,
        by=staff_of_org_a,
    )
    cheque = batch.cheques.get()
    payment = loan_services.payment_record(loan=loan, kind="deposit", amount=Decimal("20"), by=staff_of_org_a)
    rows = [
        (f"/api/v1/connectivity/codes/{code.pk}/", EligibilityCode, code.pk),
        (f"/api/v1/connectivity/digicheques/{cheque.pk}/", Digicheque, cheque.pk),
        (f"/api/v1/loan-payments/{payment.pk}/", Payment, payment.pk),
    ]
    message = OutboundMessage.objects.create(
        organization=org_a,
        participant=loan.participant,
        template="loan_confirmation",
        body="x",
        to="+32470000000",
        idempotency_key="ledger-test",
        encoding="gsm7",
        segments=1,
    )
    rows.append((f"/api/v1/sms/messages/{message.pk}/", OutboundMessage, message.pk))
    for user in (staff_of_org_a, superuser):
        client = api.as_user(user)
        for url, model, pk in rows:
            assert client.get(url).status_code == 200, url  # the row is there to see
            assert client.delete(url).status_code == 405, url  # and no method deletes it
            assert model.objects.filter(pk=pk).exists(), url
    bad = api.as_user(superuser).delete("/api/v1/loan-payments/999999/")  # bad input: an unknown id
    assert bad.status_code in (404, 405)
