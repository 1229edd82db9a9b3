import datetime
from decimal import Decimal

import factory

from connectivity.choices import ConnectionType
from connectivity.models import CodeBatch, ConnectivityProgramme, Digicheque, DigichequeBatch, EligibilityCode, Pack
from inventory.choices import DeviceKind, DeviceStatus
from inventory.models import Device
from tests.factories import OrganizationFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectivityProgramme

    provider = "Telenet"
    name = factory.Sequence(lambda n: f"Essential Internet {n}")
    one_per_household = True
    activation_url = "https://example.org/activate"


class PackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pack

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"PACK{n}")
    monthly_price = Decimal("5.00")
    data_allowance = "20 GB"
    connection_type = ConnectionType.MOBILE
    modem_included = True


class CodeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeBatch

    organization = factory.SubFactory(OrganizationFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class EligibilityCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityCode

    batch = factory.SubFactory(CodeBatchFactory)
    organization = factory.SelfAttribute("batch.organization")
    programme = factory.SelfAttribute("batch.programme")
    pack = factory.SubFactory(PackFactory, programme=factory.SelfAttribute("..programme"))
    code = factory.Sequence(lambda n: f"TEI-SECRET{n:06d}")
    expires_on = datetime.date(2099, 12, 31)


class ModemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    organization = factory.SubFactory(OrganizationFactory)
    asset_tag = factory.Sequence(lambda n: f"MD-{n:04d}")
    kind = DeviceKind.MODEM_4G
    status = DeviceStatus.AVAILABLE


class DigichequeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigichequeBatch

    organization = factory.SubFactory(OrganizationFactory)
    supplier = "ICT students"
    unit_value = Decimal("25.00")
    purchase_price = Decimal("200.00")
    quantity = 10
    expires_on = datetime.date(2099, 12, 31)


class DigichequeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Digicheque

    batch = factory.SubFactory(DigichequeBatchFactory)
    organization = factory.SelfAttribute("batch.organization")
    serial = factory.Sequence(lambda n: f"DC-{n:05d}")
