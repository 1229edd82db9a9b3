import pytest

from loans import services
from tests.factories import ParticipantFactory

from .factories import DeviceFactory, LoanPolicyFactory


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
    """Check out devices of org A to a participant through the service (defaults: a new laptop)."""

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


@pytest.fixture
def loan_of_org_b(org_b):
    """An open loan of another organisation: what org A's staff must never see or count."""
    return services.loan_checkout(
        organization=org_b,
        participant=ParticipantFactory(organization=org_b),
        policy=LoanPolicyFactory(organization=org_b),
        devices=[DeviceFactory(organization=org_b)],
        by=None,
    )


def backdate(loan, *, due_days_ago: int, started_days_ago: int = 60):
    """Make a loan started long ago and due `due_days_ago` days ago (negative: in the future)."""
    import datetime

    from loans.models import Loan

    Loan.objects.filter(pk=loan.pk).update(
        started_on=services.today() - datetime.timedelta(days=started_days_ago),
        due_on=services.today() - datetime.timedelta(days=due_days_ago),
    )
    loan.refresh_from_db()
    return loan
