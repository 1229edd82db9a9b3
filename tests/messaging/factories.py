import datetime

import factory

from loans.models import Loan, LoanPolicy
from messaging.choices import Encoding, MessageStatus
from messaging.models import OutboundMessage
from tests.factories import OrganizationFactory, ParticipantFactory


class LoanPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanPolicy

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    period_days = 28


class LoanFactory(factory.django.DjangoModelFactory):
    """A loan row made directly (no checkout service): the reminder scan only reads loans."""

    class Meta:
        model = Loan

    organization = factory.SubFactory(OrganizationFactory)
    participant = factory.SubFactory(ParticipantFactory, organization=factory.SelfAttribute("..organization"))
    policy = factory.SubFactory(LoanPolicyFactory, organization=factory.SelfAttribute("..organization"))
    started_on = datetime.date(2026, 1, 5)
    due_on = datetime.date(2026, 12, 3)
    reminder_offsets = [-3, 0, 3, 7]


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundMessage

    organization = factory.SubFactory(OrganizationFactory)
    participant = factory.SubFactory(ParticipantFactory, organization=factory.SelfAttribute("..organization"))
    to = factory.LazyAttribute(lambda o: o.participant.phone.as_e164)
    language = "fr"
    template = "loan_confirmation"
    body = "Org: vous empruntez un appareil."
    encoding = Encoding.GSM7
    segments = 1
    status = MessageStatus.SENT
    backend = "locmem"
    provider_id = factory.Sequence(lambda n: f"locmem-{n}")
    attempts = 1
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
