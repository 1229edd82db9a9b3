"""Programmes are shared data; batch and reveal lists are scoped; funder figures are aggregated in the database."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectivity import services
from connectivity.models import ConnectivityProgramme
from connectivity.selectors import code_figures, code_stock
from tests.factories import GrantFactory, ParticipantFactory

from .factories import CodeBatchFactory, EligibilityCodeFactory, PackFactory, ProgrammeFactory

PROGRAMMES = "/api/v1/connectivity/programmes/"


def test_members_read_programmes_with_their_packs(api, staff_of_org_a):
    programme = ProgrammeFactory(name="Telenet Essential Internet")
    PackFactory(programme=programme, name="FIVE")
    PackFactory(programme=programme, name="TEN")
    response = api.as_user(staff_of_org_a).get(PROGRAMMES)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"][0]["packs"]] == ["FIVE", "TEN"]


def test_only_platform_administrators_write_programmes(api, admin_of_org_a, superuser):
    payload = {"provider": "Proximus", "name": "Social tariff", "one_per_household": True}
    assert api.as_user(admin_of_org_a).post(PROGRAMMES, payload).status_code == 403
    assert api.as_user(superuser).post(PROGRAMMES, payload).status_code == 201
    assert api.as_user(superuser).post(PROGRAMMES, {"name": ""}).status_code == 400
    assert ConnectivityProgramme.objects.count() == 1


def test_anonymous_gets_401(api, db):
    assert api.as_user(None).get(PROGRAMMES).status_code == 401
    assert api.as_user(None).get("/api/v1/connectivity/codes/").status_code == 401


@pytest.mark.parametrize("path", ["code-batches", "code-reveals"])
def test_batch_and_reveal_lists_are_scoped(api, org_a, staff_of_org_a, staff_of_org_b, path):
    code = EligibilityCodeFactory(batch__organization=org_a)
    services.code_reveal(code=code, by=staff_of_org_a)
    url = f"/api/v1/connectivity/{path}/"
    assert api.as_user(staff_of_org_a).get(url).json()["count"] == 1
    assert api.as_user(staff_of_org_b).get(url).json()["count"] == 0
    row_id = code.batch_id if path == "code-batches" else code.reveals.get().pk
    assert api.as_user(staff_of_org_b).get(f"{url}{row_id}/").status_code == 404


@pytest.mark.parametrize("path", ["code-batches", "code-reveals", "programmes"])
def test_other_lists_cost_the_same_queries_for_1_and_50_rows(api, org_a, staff_of_org_a, path):
    client = api.as_user(staff_of_org_a)
    url = f"/api/v1/connectivity/{path}/"
    counts = []
    for total in (1, 50):
        while client.get(url).json()["count"] < total:
            code = EligibilityCodeFactory(batch=CodeBatchFactory(organization=org_a))
            services.code_reveal(code=code, by=staff_of_org_a)
            PackFactory(programme=code.programme)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).json()["count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_code_figures_count_and_value_by_programme_pack_grant_and_status(org_a, org_b, staff_of_org_a):
    programme = ProgrammeFactory(name="Telenet Essential Internet", one_per_household=False)
    five = PackFactory(programme=programme, name="FIVE", monthly_price=5)
    ten = PackFactory(programme=programme, name="TEN", monthly_price=10)
    grant = GrantFactory(organization=org_a)
    batch = CodeBatchFactory(organization=org_a, programme=programme, grant=grant)
    codes = [EligibilityCodeFactory(batch=batch, pack=pack) for pack in (five, five, ten, ten)]
    for code in codes[:3]:
        services.code_assign(
            code=code,
            participant=ParticipantFactory(organization=org_a),
            eligibility_basis="course_participant",
            by=staff_of_org_a,
        )
    services.code_activate(code=codes[2], by=staff_of_org_a)
    EligibilityCodeFactory(batch__organization=org_b, batch__programme=programme, pack=five)
    today = datetime.date.today()
    rows = code_figures(
        start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=1), grant_ids=[grant.pk]
    )
    assert [(r["pack__name"], r["status"], r["count"], r["monthly_value"]) for r in rows] == [
        ("FIVE", "assigned", 2, 10),
        ("TEN", "activated", 1, 10),
    ]
    assert code_figures(start=today + datetime.timedelta(days=5), end=today + datetime.timedelta(days=9)) == []
    stock = code_stock(organization_ids=[org_a.pk])
    assert {(r["pack__name"], r["status"]): r["count"] for r in stock} == {
        ("FIVE", "assigned"): 2,
        ("TEN", "activated"): 1,
        ("TEN", "available"): 1,
    }


def test_funder_users_read_programmes_but_never_codes_or_cheques(api, org_a, funder_user):
    EligibilityCodeFactory(batch__organization=org_a)
    client = api.as_user(funder_user)
    assert client.get(PROGRAMMES).status_code == 200
    for path in ("codes", "code-batches", "code-reveals", "digicheques", "digicheque-batches"):
        assert client.get(f"/api/v1/connectivity/{path}/").status_code == 403
