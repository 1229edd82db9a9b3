import datetime

import pytest

from loans import services
from loans.models import Loan
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory


@pytest.fixture
def policy_a(org_a):
    return LoanPolicyFactory(organization=org_a, name="Take-home laptop rental")


@pytest.fixture
def participant_a(org_a):
    return ParticipantFactory(organization=org_a, display_name="Marc Dubois", preferred_language="fr")


@pytest.fixture
def device_a(org_a):
    return DeviceFactory(organization=org_a, asset_tag="OA-0001")


@pytest.fixture
def lend(org_a, policy_a, participant_a, staff_of_org_a):
    """Check out devices of org A through the loans service (default: a new laptop to Marc)."""

    def lend(*, devices=None, participant=None, policy=None, **kwargs):
        return services.loan_checkout(
            organization=org_a,
            participant=participant or participant_a,
            policy=policy or policy_a,
            devices=devices or [DeviceFactory(organization=org_a)],
            by=staff_of_org_a,
            **kwargs,
        )

    return lend


def set_due(loan, *, days_from_today: int) -> Loan:
    Loan.objects.filter(pk=loan.pk).update(
        started_on=services.today() - datetime.timedelta(days=60),
        due_on=services.today() + datetime.timedelta(days=days_from_today),
    )
    loan.refresh_from_db()
    return loan
