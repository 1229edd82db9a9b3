import datetime

import factory

from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from loans.choices import PeriodKind
from loans.models import Cohort, LoanPolicy
from tests.factories import OrganizationFactory


class DeviceFactory(factory.django.DjangoModelFactory):
    """An available laptop, ready to lend."""

    class Meta:
        model = Device

    organization = factory.SubFactory(OrganizationFactory)
    asset_tag = factory.Sequence(lambda n: f"T-{n:04d}")
    kind = DeviceKind.LAPTOP
    make = "Lenovo"
    model = "T480"
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    status = DeviceStatus.AVAILABLE


class LoanPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanPolicy

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    period_kind = PeriodKind.DAYS
    period_days = 28
    max_renewals = 2
    renewal_days = 14
    fee_amount = 5
    deposit_amount = 20
    reminder_offsets = [-3, -1, 0, 3, 7]
    follow_up_after_days = 7
    # The model's default is True (checkout then needs the signed agreement: tests/loans/test_loan_rules.py);
    # the other tests lend without ticking it.
    agreement_required = False


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Course {n}")
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=49))
