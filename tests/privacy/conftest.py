"""A participant with one of everything the database can hold about a person."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from connectivity import services as connectivity_services
from connectivity.models import CodeRevealLog
from loans import services as loan_services
from loans.models import CentreSession
from messaging.backends import locmem
from messaging.choices import OptOutChannel
from messaging.models import SmsOptOut
from organizations.choices import StaffTaskKind
from organizations.services import staff_task_ensure
from privacy import services
from privacy.choices import ConsentChannel
from tests.connectivity.factories import (
    CodeBatchFactory,
    DigichequeBatchFactory,
    DigichequeFactory,
    EligibilityCodeFactory,
    ProgrammeFactory,
)
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory
from tests.messaging.factories import OutboundMessageFactory

NAME = "Amina Verhaegen-Secret"
PHONE = "+32470555123"
REFERENCE = "DOSSIER-778"
NOTE = "Lives at the shelter on Rue Haute"


@pytest.fixture(autouse=True)
def _sms_settings(settings):
    settings.SMS_BACKEND = "locmem"
    settings.SMS_SENDING_HOURS = ("00:00", "23:59:59")
    settings.SITE_URL = "https://lendwise.brussels"
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture
def policy_a(org_a):
    return LoanPolicyFactory(organization=org_a, name="Take-home laptop rental")


@pytest.fixture
def build_record(org_a, policy_a, staff_of_org_a):
    """`build_record(participant=None, close=True)` -> the participant with one of every kind of record."""

    def build(*, participant=None, close: bool = True, organization=None, policy=None, by=None):
        organization = organization or org_a
        by = by or staff_of_org_a
        policy = policy or (policy_a if organization == org_a else LoanPolicyFactory(organization=organization))
        person = participant or ParticipantFactory(
            organization=organization,
            display_name=NAME,
            phone=PHONE,
            reference=REFERENCE,
            note=NOTE,
            age_band="30-44",
            gender="woman",
            preferred_language="fr",
            sms_consent=False,
        )
        services.consent_record(participant=person, given=True, channel=ConsentChannel.IN_PERSON, by=by)
        loan = loan_services.loan_checkout(
            organization=organization,
            participant=person,
            policy=policy,
            devices=[DeviceFactory(organization=organization)],
            note=f"Called {NAME} on {PHONE}",
            accessories="charger",
            by=by,
        )
        loan_services.payment_record(loan=loan, kind="deposit", amount=Decimal("20"), note=f"paid by {NAME}", by=by)
        if close:
            loan = loan_services.loan_return(loan=loan, by=by)
        loan_services.waitlist_add(
            organization=organization, participant=person, device_kind="tablet", by=by, note=f"{NAME} wants a tablet"
        )
        from loans.models import WaitlistEntry

        WaitlistEntry.objects.filter(participant=person).update(status="cancelled", closed_at=timezone.now())
        programme = ProgrammeFactory()
        code = EligibilityCodeFactory(batch=CodeBatchFactory(organization=organization, programme=programme))
        connectivity_services.code_assign(
            code=code, participant=person, eligibility_basis="cpas_client", household_ref="Rue Haute 12", by=by
        )
        CodeRevealLog.objects.create(organization=organization, code=code, by=by, reason=f"read to {NAME}")
        if close:
            connectivity_services.code_revoke(code=code, reason=f"{NAME} moved away", by=by)
        cheque = DigichequeFactory(batch=DigichequeBatchFactory(organization=organization))
        connectivity_services.digicheque_issue(cheque=cheque, participant=person, by=by)
        if close:
            connectivity_services.digicheque_redeem(
                cheque=cheque, purpose=f"helped {NAME} at home", redeemed_on=datetime.date.today(), by=by
            )
        OutboundMessageFactory(organization=organization, participant=person, to=PHONE, body=f"Bonjour {NAME}")
        SmsOptOut.objects.create(
            organization=organization, participant=person, phone=PHONE, channel=OptOutChannel.STAFF, keyword="stop"
        )
        staff_task_ensure(
            organization=organization,
            kind=StaffTaskKind.LOAN_FOLLOW_UP,
            key=f"test-follow-up:{loan.pk}",
            title=f"Call {NAME} about loan #{loan.pk}",
            due_on=datetime.date.today(),
            participant=person,
            related=loan,
        )
        centre_pc = DeviceFactory(organization=organization, centre_use=True)
        began = timezone.now() - datetime.timedelta(hours=3)
        CentreSession.objects.create(
            organization=organization,
            device=centre_pc,
            participant=person,
            started_at=began,
            day=timezone.localdate(began),
            ends_at=began + datetime.timedelta(minutes=40),
            ended_at=began + datetime.timedelta(minutes=40),
            limit_overridden=True,
            override_reason=f"{NAME} has an exam",
        )
        person.refresh_from_db()
        return person

    return build
