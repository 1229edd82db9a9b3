"""Rows of every kind an API list shows, made through the services where there is one.

`grow(organization, user, n)` adds `n` more rows of each kind to one organisation, each with its own
related objects (participant, device, policy, grant, batch...), so a serializer that walks a relation
per row costs one more query per row and the query-count test sees it. The same rows are the
demo-like data the Schemathesis run works on.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.files.base import ContentFile

from connectivity import services as connectivity_services
from connectivity.choices import EligibilityBasis
from inventory.choices import DeviceKind, DeviceStatus
from loans import services as loan_services
from messaging import services as messaging_services
from messaging.choices import OptOutChannel
from messaging.models import SmsOptOut, SmsWording
from messaging.services.wordings import PLACEHOLDERS as WORDING_PLACEHOLDERS
from organizations import services as organization_services
from organizations.choices import Role, StaffTaskKind
from organizations.models import Closure
from reports.models import ReportSubscription
from tests.connectivity.factories import CodeBatchFactory, EligibilityCodeFactory, PackFactory, ProgrammeFactory
from tests.factories import (
    FunderFactory,
    GrantFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.inventory.factories import DeviceFactory, DonorFactory, RepairTicketFactory, WipeRecordFactory
from tests.loans.factories import CohortFactory, LoanPolicyFactory

_serial = itertools.count(1)


def grow(organization, user, n: int) -> None:
    """Add n rows of every listed kind to `organization`, as seen by `user` (a member of it)."""
    for _i in range(n):
        number = next(_serial)
        _one_of_each(organization, user, number)


def _one_of_each(organization, user, number: int) -> None:
    tag = f"Q{number:05d}"
    # organisations, memberships, funders, grants
    other = OrganizationFactory(name=f"Sister organisation {tag}")
    MembershipFactory(user=user, organization=other, role=Role.STAFF)
    MembershipFactory(user=UserFactory(username=f"colleague-{tag}"), organization=organization, role=Role.VOLUNTEER)
    organization_services.invitation_create(
        organization=organization, email=f"invited-{tag.lower()}@example.org", role=Role.STAFF, by=user
    )
    funder = FunderFactory(name=f"Funder {tag}")
    grant = GrantFactory(organization=organization, funder=funder, name=f"Grant {tag}")
    # Closed days far ahead of today (none moves a due date of these rows), one per row set.
    closed = datetime.date.today() + datetime.timedelta(days=4 * 365 + number)
    Closure.objects.create(organization=organization, starts_on=closed, ends_on=closed, reason=f"Closed {tag}")

    # inventory
    donor = DonorFactory(organization=organization, name=f"Donor {tag}")
    laptop = DeviceFactory(
        organization=organization,
        asset_tag=f"{organization.short_code}-{tag}L",
        serial=f"SNL{tag}",
        donor=donor,
        grant=grant,
        status=DeviceStatus.AVAILABLE,
    )
    tablet = DeviceFactory(
        organization=organization,
        asset_tag=f"{organization.short_code}-{tag}T",
        serial=f"SNT{tag}",
        kind=DeviceKind.TABLET,
        donor=donor,
        status=DeviceStatus.AVAILABLE,
    )
    spare = DeviceFactory(
        organization=organization, asset_tag=f"{organization.short_code}-{tag}S", serial=f"SNS{tag}", donor=donor
    )
    record = WipeRecordFactory(device=spare, recorded_by=user)
    # a certificate to download, so the certificate route is reached and not only its 404
    record.certificate_file.save("certificate.pdf", ContentFile(b"%PDF-1.4\n% a wipe certificate\n"), save=True)
    repair = RepairTicketFactory(device=spare, created_by=user)

    # participants, loans (a kit of two), payments, waiting list, course
    participant = ParticipantFactory(organization=organization, display_name=f"Person {tag}")
    waiting = ParticipantFactory(organization=organization, display_name=f"Waiting {tag}")
    policy = LoanPolicyFactory(organization=organization, name=f"Policy {tag}")
    cohort = CohortFactory(organization=organization, name=f"Course {tag}")
    loan = loan_services.loan_checkout(
        organization=organization,
        participant=participant,
        policy=policy,
        cohort=cohort,
        devices=[laptop, tablet],
        accessories="charger",
        due_on=datetime.date.today() + datetime.timedelta(days=20),
        by=user,
    )
    loan_services.payment_record(loan=loan, kind="deposit", amount=Decimal("20.00"), by=user)
    loan_services.waitlist_add(
        organization=organization, participant=waiting, device_kind=DeviceKind.CHROMEBOOK, by=user
    )

    # connectivity: a programme and pack each, a batch with a code given to the participant, cheques
    programme = ProgrammeFactory(name=f"Programme {tag}")
    pack = PackFactory(programme=programme, name=f"P{tag}")
    batch = CodeBatchFactory(organization=organization, programme=programme, grant=grant, imported_by=user)
    code = EligibilityCodeFactory(batch=batch, pack=pack, code=f"TEI-{tag}")
    connectivity_services.code_assign(
        code=code,
        participant=participant,
        eligibility_basis=EligibilityBasis.CPAS_CLIENT,
        household_ref=f"Rue {tag}",
        by=user,
    )
    connectivity_services.code_reveal(code=code, by=user, reason="query-count rows")
    cheques = connectivity_services.digicheque_batch_create(
        organization=organization,
        supplier=f"Supplier {tag}",
        unit_value=Decimal("25.00"),
        purchase_price=Decimal("50.00"),
        serials=[f"DC-{tag}-1", f"DC-{tag}-2"],
        expires_on=datetime.date.today() + datetime.timedelta(days=3650),
        grant=grant,
        by=user,
    )
    first, second = cheques.cheques.order_by("id")
    connectivity_services.digicheque_issue(cheque=first, participant=participant, by=user)
    connectivity_services.digicheque_spend(cheque=second, repair_ticket=repair, by=user)

    # messaging: an SMS about the loan, an organisation's own wording, an opt-out
    messaging_services.sms_queue(
        organization=organization,
        participant=participant,
        template="loan_confirmation",
        context={"date": loan.due_on.isoformat(), "link": "https://example.org/l/x"},
        idempotency_key=f"rows:{tag}",
        related=loan,
    )
    key = sorted(WORDING_PLACEHOLDERS)[number % len(WORDING_PLACEHOLDERS)]
    SmsWording.objects.update_or_create(
        organization=organization,
        key=key,
        language=("nl", "fr", "en", "ar")[(number // len(WORDING_PLACEHOLDERS)) % 4],
        defaults={"body": "{org}: " + f"wording {tag}" + " {phone}", "updated_by": user},
    )
    SmsOptOut.objects.create(
        organization=organization,
        participant=waiting,
        phone=waiting.phone,
        channel=OptOutChannel.STAFF,
        keyword="STOP",
    )

    # staff tasks, report subscriptions
    organization_services.staff_task_ensure(
        organization=organization,
        kind=StaffTaskKind.LOAN_FOLLOW_UP,
        key=f"rows:{tag}",
        title=f"Call {tag}",
        due_on=datetime.date.today(),
        participant=participant,
        related=loan,
    )
    ReportSubscription.objects.create(user=user, organization=organization, email=f"{tag.lower()}@example.org")
    ReportSubscription.objects.create(user=user, grant=grant, email=f"g{tag.lower()}@example.org")
    return loan


def card_loan(organization, user, participant, n: int):
    """A loan of a kit of n devices for `participant`, who also gets n more internet codes and cheques:
    what one public loan card shows grows with n."""
    tag = f"C{next(_serial):05d}"
    devices = [
        DeviceFactory(
            organization=organization,
            asset_tag=f"{organization.short_code}-{tag}-{i}",
            serial=f"SN{tag}{i}",
            status=DeviceStatus.AVAILABLE,
        )
        for i in range(n)
    ]
    policy = LoanPolicyFactory(organization=organization, name=f"Card policy {tag}")
    loan = loan_services.loan_checkout(
        organization=organization, participant=participant, policy=policy, devices=devices, by=user
    )
    cheques = connectivity_services.digicheque_batch_create(
        organization=organization,
        supplier=f"Supplier {tag}",
        unit_value=Decimal("25.00"),
        purchase_price=Decimal("50.00"),
        serials=[f"DC-{tag}-{i}" for i in range(n)],
        expires_on=datetime.date.today() + datetime.timedelta(days=3650),
        by=user,
    )
    for i, cheque in enumerate(cheques.cheques.order_by("id")):
        programme = ProgrammeFactory(name=f"Programme {tag}-{i}")
        code = EligibilityCodeFactory(
            batch=CodeBatchFactory(organization=organization, programme=programme),
            pack=PackFactory(programme=programme, name=f"P{tag}{i}"),
            code=f"TEI-{tag}-{i}",
        )
        connectivity_services.code_assign(
            code=code,
            participant=participant,
            eligibility_basis=EligibilityBasis.OTHER,
            household_ref=f"Street {tag} {i}",
            by=user,
        )
        connectivity_services.digicheque_issue(cheque=cheque, participant=participant, by=user)
    return loan
