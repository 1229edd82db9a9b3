"""A small programme with known figures for October 2026.

Grant "Laptops for A" (funder "Fund of A", org A) paid 8 laptops received in October (100 EUR each)
and holds a code batch and a cheque batch. A second grant of org A from another funder paid one
tablet, and org B has its own device: neither may appear in the funder's figures.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from connectivity.choices import CodeStatus, DigichequeStatus, DigichequeUse
from inventory.choices import DeviceKind, DeviceSource, DeviceStatus
from loans.choices import LoanStatus
from loans.models import Loan, LoanItem
from organizations.models import Grant
from tests.connectivity.factories import (
    CodeBatchFactory,
    DigichequeBatchFactory,
    DigichequeFactory,
    EligibilityCodeFactory,
    PackFactory,
)
from tests.factories import FunderFactory, GrantFactory, ParticipantFactory
from tests.inventory.factories import DeviceFactory, RepairTicketFactory
from tests.loans.factories import LoanPolicyFactory

START = datetime.date(2026, 10, 1)
END = datetime.date(2026, 10, 31)
PERIOD = {"period_start": START.isoformat(), "period_end": END.isoformat()}
SECRET_CODE = "TEI-SECRETXYZ123"


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_loan(
    *, organization, participant, policy, devices, started_on, due_on, status=LoanStatus.ACTIVE, closed_on=None
):
    closed_at = at(closed_on) if closed_on else None
    loan = Loan.objects.create(
        organization=organization,
        participant=participant,
        policy=policy,
        started_on=started_on,
        due_on=due_on,
        status=status,
        closed_at=closed_at,
    )
    for device in devices:
        LoanItem.objects.create(loan=loan, device=device, closed_at=closed_at)
    return loan


@pytest.fixture
def grant_a(funder_user, org_a) -> Grant:
    return Grant.objects.get(organization=org_a, funder__users=funder_user)


@pytest.fixture
def programme_data(org_a, org_b, grant_a):
    """Known figures: see the module docstring; returns the objects tests need."""
    other_grant = GrantFactory(organization=org_a, funder=FunderFactory(name="Other fund"), name="Tablets")
    policy = LoanPolicyFactory(organization=org_a)
    statuses = (
        [DeviceStatus.ON_LOAN] * 2
        + [DeviceStatus.AVAILABLE] * 3
        + [
            DeviceStatus.LOST,
            DeviceStatus.IN_REPAIR,
            DeviceStatus.GIVEN_AWAY,
        ]
    )
    laptops = [
        DeviceFactory(
            organization=org_a,
            grant=grant_a,
            kind=DeviceKind.LAPTOP,
            source=DeviceSource.DONATED if index < 6 else DeviceSource.PURCHASED,
            intake_date=datetime.date(2026, 10, 2),
            value=Decimal("100.00"),
            status=status,
        )
        for index, status in enumerate(statuses)
    ]
    RepairTicketFactory(device=laptops[6], sent_on=datetime.date(2026, 10, 20))
    tablet = DeviceFactory(organization=org_a, grant=other_grant, kind=DeviceKind.TABLET, intake_date=START)
    DeviceFactory(organization=org_b, kind=DeviceKind.LAPTOP, intake_date=START)

    women = [
        ParticipantFactory(organization=org_a, display_name=f"Fatima Secretname{i}", gender="woman", age_band="45-64")
        for i in range(5)
    ]
    men = [
        ParticipantFactory(organization=org_a, display_name=f"Jan Hiddenname{i}", gender="man", age_band="65+")
        for i in range(2)
    ]
    people = women + men
    # 7 loans of grant laptops touching October; one before (not counted), one of the other grant's tablet.
    make_loan(
        organization=org_a,
        participant=people[0],
        policy=policy,
        devices=[laptops[0]],
        started_on=datetime.date(2026, 10, 3),
        due_on=datetime.date(2026, 11, 30),
    )
    make_loan(
        organization=org_a,
        participant=people[1],
        policy=policy,
        devices=[laptops[1]],
        started_on=datetime.date(2026, 9, 20),
        due_on=datetime.date(2026, 10, 10),
    )  # overdue, open
    make_loan(
        organization=org_a,
        participant=people[2],
        policy=policy,
        devices=[laptops[2]],
        started_on=datetime.date(2026, 10, 5),
        due_on=datetime.date(2026, 10, 25),
        status=LoanStatus.RETURNED,
        closed_on=datetime.date(2026, 10, 20),
    )
    make_loan(
        organization=org_a,
        participant=people[3],
        policy=policy,
        devices=[laptops[3]],
        started_on=datetime.date(2026, 10, 5),
        due_on=datetime.date(2026, 10, 12),
        status=LoanStatus.RETURNED,
        closed_on=datetime.date(2026, 10, 15),
    )  # late
    make_loan(
        organization=org_a,
        participant=people[4],
        policy=policy,
        devices=[laptops[5]],
        started_on=datetime.date(2026, 10, 6),
        due_on=datetime.date(2026, 11, 6),
        status=LoanStatus.LOST,
        closed_on=datetime.date(2026, 10, 22),
    )
    make_loan(
        organization=org_a,
        participant=people[5],
        policy=policy,
        devices=[laptops[7]],
        started_on=datetime.date(2026, 10, 7),
        due_on=datetime.date(2026, 11, 7),
        status=LoanStatus.GIVEN,
        closed_on=datetime.date(2026, 10, 8),
    )
    make_loan(
        organization=org_a,
        participant=people[6],
        policy=policy,
        devices=[laptops[4]],
        started_on=datetime.date(2026, 10, 9),
        due_on=datetime.date(2026, 10, 30),
        status=LoanStatus.RETURNED,
        closed_on=datetime.date(2026, 10, 29),
    )
    make_loan(
        organization=org_a,
        participant=people[6],
        policy=policy,
        devices=[laptops[4]],
        started_on=datetime.date(2026, 8, 1),
        due_on=datetime.date(2026, 8, 30),
        status=LoanStatus.RETURNED,
        closed_on=datetime.date(2026, 8, 29),
    )
    make_loan(
        organization=org_a,
        participant=people[0],
        policy=policy,
        devices=[tablet],
        started_on=datetime.date(2026, 10, 3),
        due_on=datetime.date(2026, 10, 30),
        status=LoanStatus.RETURNED,
        closed_on=datetime.date(2026, 10, 29),
    )

    pack = PackFactory(name="FIVE")
    batch = CodeBatchFactory(organization=org_a, programme=pack.programme, grant=grant_a)
    EligibilityCodeFactory(
        batch=batch,
        pack=pack,
        code=SECRET_CODE,
        status=CodeStatus.ACTIVATED,
        participant=people[0],
        eligibility_basis="cpas_client",
        assigned_at=at(datetime.date(2026, 10, 4)),
        activated_on=datetime.date(2026, 10, 6),
    )
    EligibilityCodeFactory(
        batch=batch,
        pack=pack,
        status=CodeStatus.ASSIGNED,
        participant=people[1],
        eligibility_basis="cpas_client",
        assigned_at=at(datetime.date(2026, 10, 5)),
    )
    EligibilityCodeFactory(batch=batch, pack=pack)  # in stock
    cheques = DigichequeBatchFactory(organization=org_a, grant=grant_a, unit_value=Decimal("25.00"))
    DigichequeFactory(
        batch=cheques,
        status=DigichequeStatus.REDEEMED,
        use=DigichequeUse.PARTICIPANT,
        participant=people[2],
        issued_at=at(datetime.date(2026, 10, 10)),
        price_charged=Decimal("5.00"),
        redeemed_on=datetime.date(2026, 10, 20),
    )
    for _i in range(5):
        DigichequeFactory(batch=cheques)
    return {"grant": grant_a, "other_grant": other_grant, "people": people, "laptops": laptops}
