"""The back-office screens open and never print a code; the demo data loads."""

import pytest
from django.urls import reverse

from connectivity import services
from connectivity.models import CodeBatch, ConnectivityProgramme, Digicheque, EligibilityCode
from tests.factories import ParticipantFactory

from .factories import DigichequeFactory, EligibilityCodeFactory

MODELS = ["connectivityprogramme", "codebatch", "eligibilitycode", "codereveallog", "digichequebatch", "digicheque"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_open_and_hide_codes(client, org_a, superuser, staff_of_org_a, model):
    code = EligibilityCodeFactory(batch__organization=org_a, code="TEI-SECRET-0042")
    services.code_assign(
        code=code,
        participant=ParticipantFactory(organization=org_a),
        eligibility_basis="other",
        household_ref="x 1",
        by=staff_of_org_a,
    )
    services.code_reveal(code=code, by=staff_of_org_a)
    cheque = DigichequeFactory(batch__organization=org_a)
    objects = {
        "connectivityprogramme": code.programme,
        "codebatch": code.batch,
        "eligibilitycode": code,
        "codereveallog": code.reveals.get(),
        "digichequebatch": cheque.batch,
        "digicheque": cheque,
    }
    client.force_login(superuser)
    changelist = client.get(reverse(f"admin:connectivity_{model}_changelist"))
    change = client.get(reverse(f"admin:connectivity_{model}_change", args=[objects[model].pk]))
    assert changelist.status_code == 200 and change.status_code == 200
    assert "TEI-SECRET-0042" not in changelist.content.decode() + change.content.decode()


def test_the_demo_data_loads(db):
    from backend.demo import load_demo

    context = load_demo()
    telenet = ConnectivityProgramme.objects.get(name="Telenet Essential Internet")
    assert sorted(telenet.packs.values_list("name", flat=True)) == ["FIVE", "TEN"]
    assert ConnectivityProgramme.objects.count() == 2
    batch = CodeBatch.objects.get()
    assert batch.organization == context["organizations"]["adulted"]
    assert EligibilityCode.objects.filter(status__in=["assigned", "activated"]).count() == 2
    assert Digicheque.objects.filter(organization=context["organizations"]["daycentre"]).count() == 20
