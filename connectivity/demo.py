"""Demo programmes (Telenet Essential Internet, a free 4G modem offer), codes for Ligo, digicheques for Den Teirling."""

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from . import services
from .choices import ConnectionType, EligibilityBasis
from .models import ConnectivityProgramme, Pack

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _demo_code() -> str:
    return "TEI-" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))


def load(context: dict) -> None:
    telenet = ConnectivityProgramme.objects.create(
        provider="Telenet",
        name="Telenet Essential Internet",
        description="Affordable internet sold only through social organisations, with a 4G modem.",
        eligibility_rules="People in a vulnerable situation referred by a partner organisation "
        "(course participants, CPAS/OCMW clients, increased reimbursement status).",
        one_per_household=True,
        recheck_interval_months=12,
        activation_url="https://www.telenet.be",
    )
    five = Pack.objects.create(
        programme=telenet,
        name="FIVE",
        monthly_price=Decimal("5.00"),
        data_allowance="20 GB (demo figure)",
        connection_type=ConnectionType.MOBILE,
        modem_included=True,
    )
    ten = Pack.objects.create(
        programme=telenet,
        name="TEN",
        monthly_price=Decimal("10.00"),
        data_allowance="150 GB (demo figure)",
        connection_type=ConnectionType.FIXED,
        modem_included=True,
    )
    modem_offer = ConnectivityProgramme.objects.create(
        provider="Digital for Youth (demo)",
        name="Free 4G modem with a year of data",
        description="A free 4G modem with twelve months of mobile data, renewable once eligibility is re-checked.",
        eligibility_rules="One per household; eligibility re-checked every six months.",
        one_per_household=True,
        recheck_interval_months=6,
    )
    Pack.objects.create(
        programme=modem_offer,
        name="YEAR",
        monthly_price=Decimal("0.00"),
        data_allowance="10 GB a month",
        connection_type=ConnectionType.MOBILE,
        modem_included=True,
        term_months=12,
        renewable=True,
    )

    adulted = context["organizations"]["adulted"]
    ligo_admin = context["users"]["demo-lb-admin"]
    expiry = (timezone.localdate() + datetime.timedelta(days=180)).isoformat()
    rows = ["code,pack,expiry"] + [f"{_demo_code()},{'FIVE' if i < 6 else 'TEN'},{expiry}" for i in range(10)]
    report = services.code_batch_import(
        organization=adulted,
        programme=telenet,
        grant=context["grants"]["adulted"],
        csv_text="\n".join(rows),
        reference="telenet-demo.csv",
        by=ligo_admin,
    )
    codes = list(report.batch.codes.order_by("id"))
    amina, _karim, grace = context["participants"]["adulted"]
    five_code = next(code for code in codes if code.pack_id == five.id)
    ten_code = next(code for code in codes if code.pack_id == ten.id)
    services.code_assign(
        code=five_code,
        participant=amina,
        eligibility_basis=EligibilityBasis.COURSE_PARTICIPANT,
        household_ref="Rue Haute 12, 1000",
        by=ligo_admin,
    )
    services.code_assign(
        code=ten_code,
        participant=grace,
        eligibility_basis=EligibilityBasis.CPAS_CLIENT,
        household_ref="Avenue de Stalingrad 40, 1000",
        by=ligo_admin,
    )
    services.code_activate(code=ten_code, by=ligo_admin)

    daycentre = context["organizations"]["daycentre"]
    dt_admin = context["users"]["demo-dt-admin"]
    batch = services.digicheque_batch_create(
        organization=daycentre,
        supplier="ICT students' home help (demo)",
        unit_value=Decimal("25.00"),
        purchase_price=Decimal("400.00"),
        serial_prefix="DC-",
        first_number=1,
        last_number=20,
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
        grant=context["grants"]["daycentre"],
        by=dt_admin,
    )
    cheques = list(batch.cheques.order_by("serial"))
    marc, hilde = context["participants"]["daycentre"][:2]
    services.digicheque_issue(cheque=cheques[0], participant=marc, by=dt_admin)
    services.digicheque_issue(cheque=cheques[1], participant=hilde, price_charged=Decimal("5.00"), by=dt_admin)
    services.digicheque_redeem(cheque=cheques[1], purpose="Set up e-mail and itsme on her laptop", by=dt_admin)
    services.digicheque_spend(cheque=cheques[2], repair_reference="Laptop DT-0003 will not start", by=dt_admin)
    context["connectivity"] = {"programmes": {"telenet": telenet, "modem": modem_offer}, "code_batch": report.batch}
