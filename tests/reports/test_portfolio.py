"""A funder's portfolio: its report over all its grants across organisations, with a row per grant (devices
received, loans started, people reached, codes assigned, cheques issued) next to each grant's own report.
Each column is suppressed as a group (the funder's totals are shown), a funder sees only the grants it
funds (another's grant is 404 and never a row), and a bad period is a 400 naming the field."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from connectivity.choices import CodeStatus, DigichequeStatus, DigichequeUse
from organizations.models import Funder, Grant
from reports import selectors
from tests.connectivity.factories import (
    CodeBatchFactory,
    DigichequeBatchFactory,
    DigichequeFactory,
    EligibilityCodeFactory,
)
from tests.factories import GrantFactory, ParticipantFactory
from tests.inventory.factories import DeviceFactory
from tests.loans.factories import LoanPolicyFactory

from .conftest import END, PERIOD, START, at, make_loan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    """The programme's dates are October 2026: the clock is fixed a month later, whatever day the run is."""
    with time_machine.travel(datetime.datetime(2026, 11, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


OCTOBER = datetime.date(2026, 10, 5)


@pytest.fixture
def portfolio(funder_user, org_a, org_b):
    """Fund of A pays a grant at A (6 laptops, 6 loans to 5 people, one of whom also has a code and a cheque)
    and a grant at B (2 tablets, 1 loan); another funder's grant at A pays 7 devices."""
    funder = Funder.objects.get(users=funder_user)
    at_a = Grant.objects.get(organization=org_a, funder=funder)
    at_b = GrantFactory(organization=org_b, funder=funder, name="Tablets for B")
    other = GrantFactory(organization=org_a, name="Someone else's")
    policy_a, policy_b = LoanPolicyFactory(organization=org_a), LoanPolicyFactory(organization=org_b)
    people = [ParticipantFactory(organization=org_a) for _index in range(5)]
    laptops = [DeviceFactory(organization=org_a, grant=at_a, intake_date=OCTOBER) for _index in range(6)]
    for index, device in enumerate(laptops):
        make_loan(
            organization=org_a,
            participant=people[index % 5],  # the first person borrows twice
            policy=policy_a,
            devices=[device],
            started_on=OCTOBER,
            due_on=OCTOBER + datetime.timedelta(days=30),
        )
    EligibilityCodeFactory(
        batch=CodeBatchFactory(organization=org_a, grant=at_a),
        participant=people[0],
        status=CodeStatus.ASSIGNED,
        eligibility_basis="cpas_client",
        assigned_at=at(OCTOBER),
    )
    DigichequeFactory(
        batch=DigichequeBatchFactory(organization=org_a, grant=at_a, unit_value=Decimal("25")),
        status=DigichequeStatus.ISSUED,
        use=DigichequeUse.PARTICIPANT,
        participant=people[0],
        issued_at=at(OCTOBER),
    )
    tablets = [DeviceFactory(organization=org_b, grant=at_b, intake_date=OCTOBER) for _index in range(2)]
    make_loan(
        organization=org_b,
        participant=ParticipantFactory(organization=org_b),
        policy=policy_b,
        devices=[tablets[0]],
        started_on=OCTOBER,
        due_on=OCTOBER + datetime.timedelta(days=30),
    )
    for _index in range(7):
        DeviceFactory(organization=org_a, grant=other, intake_date=OCTOBER)
    return {"funder": funder, "at_a": at_a, "at_b": at_b, "other": other}


def _rows(report) -> dict:
    return {row["grant"]: row for row in report["portfolio"]}


def test_a_row_per_grant_with_exact_figures_for_the_platform(portfolio):
    grants = Grant.objects.filter(funder=portfolio["funder"])
    report = selectors.grant_report(grants=grants, period_start=START, period_end=END, suppress=False, kind="funder")
    rows = _rows(report)
    assert set(rows) == {portfolio["at_a"].pk, portfolio["at_b"].pk}
    at_a, at_b = rows[portfolio["at_a"].pk], rows[portfolio["at_b"].pk]
    assert (at_a["devices_received"], at_a["loans_started"], at_a["people_reached"]) == (6, 6, 5)
    assert (at_a["codes_assigned"], at_a["cheques_issued"]) == (1, 1)
    assert (at_b["devices_received"], at_b["loans_started"], at_b["people_reached"]) == (2, 1, 1)
    # the rows add up to the funder's totals
    assert report["devices_received"]["count"] == at_a["devices_received"] + at_b["devices_received"]
    assert report["loans"]["started"] == at_a["loans_started"] + at_b["loans_started"]


def test_one_hidden_cell_of_a_column_takes_another_with_it(portfolio):
    grants = Grant.objects.filter(funder=portfolio["funder"])
    report = selectors.grant_report(grants=grants, period_start=START, period_end=END, suppress=True, kind="funder")
    rows = _rows(report)
    at_a, at_b = rows[portfolio["at_a"].pk], rows[portfolio["at_b"].pk]
    # 8 devices received in all: B's 2 is hidden, so A's 6 would give it back: left out too
    assert report["devices_received"]["count"] == 8
    assert at_b["devices_received"] == "<5" and at_a["devices_received"] is None
    assert at_b["loans_started"] == "<5" and at_a["loans_started"] is None
    assert at_a["codes_assigned"] == "<5" and at_b["codes_assigned"] == 0


def test_a_funder_sees_only_its_grants_and_another_is_404(api, funder_user, portfolio):
    client = api.as_user(funder_user)
    report = client.get(f"/api/v1/reports/funders/{portfolio['funder'].pk}/", PERIOD)
    assert report.status_code == 200
    names = [row["name"] for row in report.json()["portfolio"]]
    assert sorted(names) == sorted([portfolio["at_a"].name, portfolio["at_b"].name])
    assert "Someone else's" not in report.content.decode()
    assert client.get(f"/api/v1/reports/grants/{portfolio['other'].pk}/", PERIOD).status_code == 404
    assert client.get(f"/api/v1/reports/funders/{portfolio['other'].funder_id}/", PERIOD).status_code == 404
    # each grant of the portfolio has its own report
    for row in report.json()["portfolio"]:
        assert client.get(f"/api/v1/reports/grants/{row['grant']}/", PERIOD).status_code == 200


def test_the_portfolio_is_on_the_funder_page_and_in_the_csv(api, funder_user, portfolio):
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(funder_user)
    body = page.get("/funder/", PERIOD).content.decode()
    assert 'data-key="portfolio"' in body and "Tablets for B" in body
    csv_text = (
        api.as_user(funder_user)
        .get(f"/api/v1/reports/funders/{portfolio['funder'].pk}/", {**PERIOD, "format": "csv", "lang": "en"})
        .content.decode("utf-8-sig")
    )
    assert "The grants one by one,Tablets for B (" in csv_text


def test_a_bad_period_of_the_portfolio_is_a_400_naming_the_field(api, funder_user, portfolio):
    response = api.as_user(funder_user).get(
        f"/api/v1/reports/funders/{portfolio['funder'].pk}/", {"period_start": END, "period_end": START}
    )
    assert response.status_code == 400 and "period_end" in response.json()["fields"]
