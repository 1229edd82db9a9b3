"""One suppression on every funder-facing output: the /funder/ page, the JSON, the CSV and the PDF.

Small counts (1 to 4) are "<5"; money sums over such counts are left out (75.00 EUR of 25.00 EUR cheques
would say 3); a breakdown with one hidden cell next to a shown total loses one more cell. An organisation
admin still reads the exact figures. The clock is fixed (time_machine), so no test depends on today.
"""

import csv
import datetime
import html
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client

from connectivity.choices import DigichequeStatus, DigichequeUse
from inventory.choices import DeviceKind, DeviceSource, DeviceStatus
from organizations.models import Grant
from reports import selectors, services
from reports.rendering import report_figures
from tests.connectivity.factories import DigichequeBatchFactory, DigichequeFactory
from tests.factories import ParticipantFactory
from tests.inventory.factories import DeviceFactory

from .conftest import END, PERIOD, START, at
from .test_api import pdf_text

pytestmark = [pytest.mark.django_db]

NOW = datetime.datetime(2026, 11, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def grant_a(funder_user, org_a) -> Grant:
    return Grant.objects.get(organization=org_a, funder__users=funder_user)


@pytest.fixture
def ten_devices_three_on_loan(grant_a, org_a):
    """10 laptops of the funder's grant received in October: 3 on loan, 7 available."""
    return [
        DeviceFactory(
            organization=org_a,
            grant=grant_a,
            kind=DeviceKind.LAPTOP,
            source=DeviceSource.DONATED,
            intake_date=datetime.date(2026, 10, 2),
            value=Decimal("100.00"),
            status=DeviceStatus.ON_LOAN if index < 3 else DeviceStatus.AVAILABLE,
        )
        for index in range(10)
    ]


@pytest.fixture
def three_cheques(grant_a, org_a):
    """3 cheques of 25.00 EUR issued (and redeemed) in October, 5.00 EUR paid for each."""
    batch = DigichequeBatchFactory(organization=org_a, grant=grant_a, unit_value=Decimal("25.00"))
    return [
        DigichequeFactory(
            batch=batch,
            status=DigichequeStatus.REDEEMED,
            use=DigichequeUse.PARTICIPANT,
            participant=ParticipantFactory(organization=org_a),
            issued_at=at(datetime.date(2026, 10, 10 + index)),
            price_charged=Decimal("5.00"),
            redeemed_on=datetime.date(2026, 10, 20),
        )
        for index in range(3)
    ]


class _Tables(HTMLParser):
    """{(table title, row label, column): cell} of the page's report tables, text unescaped."""

    def __init__(self):
        super().__init__()
        self.cells, self.title, self.columns, self.row, self.text, self.inside = {}, "", [], [], "", None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "report-table") in attrs:
            self.title, self.columns, self.row = "", [], []
            self.inside = "table"
        elif self.inside and tag in ("caption", "th", "td"):
            self.text = ""
        elif self.inside and tag == "tr":
            self.row = []

    def handle_data(self, data):
        self.text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "caption":
            self.title = self.text.strip()
        elif tag in ("th", "td"):
            self.row.append(html.unescape(self.text.strip()))
        elif tag == "tr":
            if not self.columns:
                self.columns = self.row
            else:
                for column, cell in zip(self.columns[1:], self.row[1:], strict=True):
                    self.cells[(self.title, self.row[0], column)] = cell
        elif tag == "table":
            self.inside = None


def page_cells(content: bytes) -> dict:
    parser = _Tables()
    parser.feed(content.decode())
    return parser.cells


def csv_cells(content: bytes) -> dict:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return {(row[0], row[1], row[2]): row[6] for row in rows[2:]}  # the "Shown as" column


def by_row(cells: dict) -> dict:
    """{(section, figure): [texts in column order]}: the page's column headers and the CSV's measures differ
    (a table's "Number" column holds amounts that the CSV calls "Amount"), the figures may not."""
    rows: dict = {}
    for (section, figure, _measure), text in cells.items():
        rows.setdefault((section, figure), []).append(text)
    return rows


def funder_page(user, **params):
    client = Client()
    client.force_login(user)
    return client.get("/funder/", params)


def test_the_funder_page_shows_three_devices_on_loan_as_less_than_five(funder_user, ten_devices_three_on_loan):
    response = funder_page(funder_user, **PERIOD)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<th scope="row">On loan</th><td>&lt;5</td>' in body
    assert '<th scope="row">On loan</th><td>3</td>' not in body
    # 10 in total and 3 hidden: the 7 available would give the 3 back, so that cell is left out too
    assert '<th scope="row">Devices in total</th><td>10</td>' in body
    assert '<th scope="row">Available</th><td>–</td>' in body


def test_the_funder_page_figures_are_the_reports_for_the_same_period(
    api, funder_user, programme_data, ten_devices_three_on_loan, three_cheques
):
    funder = programme_data["grant"].funder
    page = page_cells(funder_page(funder_user, **PERIOD).content)
    report_csv = api.as_user(funder_user).get(f"/api/v1/reports/funders/{funder.pk}/", {**PERIOD, "format": "csv"})

    assert report_csv.status_code == 200
    assert page and by_row(page) == by_row(csv_cells(report_csv.content))
    # the very dict the report code builds for a funder user of this funder
    report = services.report_for(user=funder_user, funder=funder, period_start=START, period_end=END)
    assert report["suppressed"] is True
    expected = {(row["section"], row["figure"], row["measure"]): str(row["cell"]) for row in report_figures(report)}
    assert by_row(page) == by_row(expected)


def test_the_funder_page_links_the_reports_of_the_period_it_shows(funder_user, grant_a):
    body = funder_page(funder_user, **PERIOD).content.decode()

    query = "format=csv&amp;period_start=2026-10-01&amp;period_end=2026-10-31"
    assert f"/api/v1/reports/grants/{grant_a.pk}/?{query}" in body


def test_cheque_value_sums_are_suppressed_with_their_count_in_json_csv_and_pdf(api, funder_user, three_cheques):
    client = api.as_user(funder_user)
    url = f"/api/v1/reports/grants/{three_cheques[0].batch.grant_id}/"

    data = client.get(url, PERIOD).json()
    cheques = data["digicheques"]
    assert cheques["issued"] == "<5" and cheques["redeemed"] == "<5"
    assert cheques["issued_value"] is None and cheques["redeemed_value"] is None and cheques["price_charged"] is None
    assert "75.00" not in str(data) and "15.00" not in str(data)

    rows = csv_cells(client.get(url, {**PERIOD, "format": "csv"}).content)
    assert rows[("Digicheques", "Cheques issued", "Number")] == "<5"
    assert rows[("Digicheques", "Value of cheques issued", "Amount")] == "–"
    assert rows[("Digicheques", "Value of cheques redeemed", "Amount")] == "–"
    assert rows[("Digicheques", "Paid by participants", "Amount")] == "–"
    assert not [value for value in rows.values() if "75.00" in value or "15.00" in value]

    text = pdf_text(client.get(url, {**PERIOD, "format": "pdf"}).content)
    assert "Value of cheques issued –" in text
    assert "75.00" not in text and "15.00" not in text
    assert "sums of money computed from them are left out" in " ".join(text.split())


def test_device_value_sums_follow_their_count(grant_a, org_a):
    for _index in range(3):
        DeviceFactory(organization=org_a, grant=grant_a, intake_date=datetime.date(2026, 10, 2), value=Decimal("80.00"))
    report = selectors.grant_report(
        grants=Grant.objects.filter(pk=grant_a.pk), period_start=START, period_end=END, suppress=True
    )

    assert report["devices_received"]["count"] == "<5" and report["devices_received"]["value"] is None
    assert report["devices_now"]["count"] == "<5" and report["devices_now"]["value"] is None


def test_one_hidden_cell_of_a_breakdown_takes_a_second_one_with_it(grant_a, org_a):
    """10 devices, 3 on loan, 7 lost: 'lost' is left out in the breakdown and wherever it is repeated."""
    for index in range(10):
        DeviceFactory(
            organization=org_a,
            grant=grant_a,
            intake_date=datetime.date(2026, 10, 2),
            status=DeviceStatus.ON_LOAN if index < 3 else DeviceStatus.LOST,
        )
    report = selectors.grant_report(
        grants=Grant.objects.filter(pk=grant_a.pk), period_start=START, period_end=END, suppress=True
    )

    by_status = report["devices_now"]["by_status"]
    assert report["devices_now"]["count"] == 10
    assert (by_status["on_loan"], by_status["lost"], by_status["available"]) == ("<5", None, 0)
    assert report["rates"]["lost"] is None and report["rates"]["lost_share"] is None
    shown = [cell for cell in by_status.values() if isinstance(cell, int)]
    assert sum(shown) == 0  # nothing to subtract from the total


def test_an_organisation_admin_still_sees_exact_figures(
    api, admin_of_org_a, org_a, grant_a, ten_devices_three_on_loan, three_cheques
):
    client = api.as_user(admin_of_org_a)

    grant = client.get(f"/api/v1/reports/grants/{grant_a.pk}/", PERIOD).json()
    own = client.get(f"/api/v1/reports/organizations/{org_a.pk}/", PERIOD).json()

    for report in (grant, own):
        assert report["suppressed"] is False
        assert report["devices_now"]["by_status"]["on_loan"] == 3
        assert report["devices_now"]["by_status"]["available"] == 7
        assert report["digicheques"]["issued"] == 3
        assert report["digicheques"]["issued_value"] == "75.00"
        assert report["digicheques"]["price_charged"] == "15.00"
    rows = csv_cells(client.get(f"/api/v1/reports/grants/{grant_a.pk}/", {**PERIOD, "format": "csv"}).content)
    assert rows[("Digicheques", "Value of cheques issued", "Amount")] == "75.00 EUR"
    # and the funder-facing preview is the suppressed one
    preview = client.get(f"/api/v1/reports/grants/{grant_a.pk}/", {**PERIOD, "suppress": "true"}).json()
    assert preview["digicheques"]["issued_value"] is None


@pytest.mark.parametrize(
    "params,field",
    [
        ({"period_start": "2026-13-01", "period_end": "2026-10-31"}, "period_start"),
        ({"period_start": "2026-10-31", "period_end": "2026-10-01"}, "period_end"),
        ({"period_start": "2026-10-01"}, "period_end"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(api, funder_user, grant_a, params, field):
    api_response = api.as_user(funder_user).get(f"/api/v1/reports/grants/{grant_a.pk}/", params)
    assert api_response.status_code == 400 and field in api_response.json()["fields"]

    page = funder_page(funder_user, **params)
    assert page.status_code == 400
    body = page.content.decode()
    assert f"<code>{field}</code>" in body
    assert "<caption>" not in body  # no figures for a period that is not one


def test_the_funder_page_figures_are_the_pdfs_text_for_the_same_period(
    api, funder_user, programme_data, ten_devices_three_on_loan, three_cheques
):
    """Every row of /funder/ (label and cells as shown) is a line of the PDF of the same funder and period."""
    funder = programme_data["grant"].funder
    page = by_row(page_cells(funder_page(funder_user, **PERIOD).content))
    pdf = api.as_user(funder_user).get(f"/api/v1/reports/funders/{funder.pk}/", {**PERIOD, "format": "pdf"})
    assert pdf.status_code == 200
    lines = {" ".join(line.split()) for line in pdf_text(pdf.content).splitlines()}
    assert len(page) > 40
    missing = [(row, cells) for (section, row), cells in page.items() if " ".join([row, *cells]) not in lines]
    assert not missing, missing[:5]
    assert any("<5" in cells for cells in page.values())  # the suppressed version, on both
