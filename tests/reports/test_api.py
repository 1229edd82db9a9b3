"""Reports through the API: who sees what, the three formats agree, bad input is named."""

import csv
import datetime
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from organizations.models import Funder
from reports.rendering import report_tables
from tests.factories import FunderFactory, GrantFactory
from tests.inventory.factories import DeviceFactory

from .conftest import PERIOD, SECRET_CODE


def grant_url(grant):
    return f"/api/v1/reports/grants/{grant.pk}/"


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in pages)
    return re.sub(r"[ \t]+", " ", unicodedata.normalize("NFKC", text))


@pytest.mark.django_db
def test_a_funder_user_gets_its_grants_report_with_small_counts_suppressed(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(grant_url(programme_data["grant"]), PERIOD)

    assert response.status_code == 200, response.content
    assert response.json()["suppressed"] is True
    assert response.json()["loans"]["returned"] == "<5"
    assert response.json()["loans"]["started"] == 6


@pytest.mark.django_db
def test_a_funder_user_gets_404_for_another_funders_grant(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(grant_url(programme_data["other_grant"]), PERIOD)

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_funder_user_gets_404_for_another_funder_and_for_an_organisation(api, funder_user, programme_data, org_a):
    client = api.as_user(funder_user)
    other_funder = programme_data["other_grant"].funder

    assert client.get(f"/api/v1/reports/funders/{other_funder.pk}/", PERIOD).status_code == 404
    assert client.get(f"/api/v1/reports/organizations/{org_a.pk}/", PERIOD).status_code == 404
    own = Funder.objects.get(users=funder_user)
    response = client.get(f"/api/v1/reports/funders/{own.pk}/", PERIOD)
    assert response.status_code == 200
    assert response.json()["scope"]["kind"] == "funder"
    assert [grant["name"] for grant in response.json()["scope"]["grants"]] == ["Laptops for A"]


@pytest.mark.django_db
def test_staff_of_org_b_get_404_for_org_a_reports(api, staff_of_org_b, programme_data, org_a):
    client = api.as_user(staff_of_org_b)

    assert client.get(grant_url(programme_data["grant"]), PERIOD).status_code == 404
    assert client.get(f"/api/v1/reports/organizations/{org_a.pk}/", PERIOD).status_code == 404
    assert client.get(f"/api/v1/reports/funders/{programme_data['grant'].funder_id}/", PERIOD).status_code == 404


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api, programme_data):
    assert api.as_user(None).get(grant_url(programme_data["grant"]), PERIOD).status_code in (401, 403)


@pytest.mark.django_db
def test_an_organisation_admin_gets_the_report_without_suppression(api, admin_of_org_a, programme_data, org_a):
    client = api.as_user(admin_of_org_a)

    own = client.get(f"/api/v1/reports/organizations/{org_a.pk}/", PERIOD).json()
    assert own["suppressed"] is False
    assert own["devices_now"]["count"] == 9
    assert own["loans"]["returned"] == 4
    grant = client.get(grant_url(programme_data["grant"]), PERIOD).json()
    assert grant["suppressed"] is False
    assert grant["loans"]["returned"] == 3
    preview = client.get(grant_url(programme_data["grant"]), {**PERIOD, "suppress": "true"}).json()
    assert preview["loans"]["returned"] == "<5"


@pytest.mark.django_db
def test_staff_and_volunteers_get_the_suppressed_version(
    api, staff_of_org_a, volunteer_of_org_a, programme_data, org_a
):
    for user in (staff_of_org_a, volunteer_of_org_a):
        response = api.as_user(user).get(f"/api/v1/reports/organizations/{org_a.pk}/", PERIOD)
        assert response.status_code == 200
        assert response.json()["suppressed"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("language,title", [("nl", "Rapport"), ("fr", "Rapport"), ("en", "report")])
def test_the_pdf_shows_the_same_figures_as_the_json(api, funder_user, programme_data, language, title):
    client = api.as_user(funder_user)
    url = grant_url(programme_data["grant"])
    data = client.get(url, {**PERIOD, "lang": language}).json()

    response = client.get(url, {**PERIOD, "lang": language, "format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert title.lower() in text.lower()
    from django.utils import translation

    with translation.override(language):
        tables = report_tables(data)  # built from the JSON the API returned
    lines = {re.sub(r"\s{2,}", " ", line).strip() for line in text.splitlines()}
    for table in tables:
        assert table["title"] in text
        for row in table["rows"]:
            assert " ".join(map(str, row)) in lines, f"{row} not in the PDF"
    # spot checks against the JSON itself, not through the tables
    assert f"{data['devices_received']['count']}" in text
    assert "<5" in text


@pytest.mark.django_db
def test_the_csv_shows_the_same_figures_as_the_json(api, funder_user, programme_data):
    client = api.as_user(funder_user)
    url = grant_url(programme_data["grant"])
    data = client.get(url, {**PERIOD, "lang": "en"}).json()

    response = client.get(url, {**PERIOD, "lang": "en", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Figure", "Measure", "value", "unit", "suppressed", "Shown as"]
    values = {(row[1], row[2]): row[3:] for row in rows[2:]}
    count = str(data["devices_received"]["count"])
    assert values[("Devices received", "Number")] == [count, "count", "false", count]
    assert data["loans"]["returned"] == "<5"
    assert values[("Loans returned in the period", "Number")] == ["", "count", "true", "<5"]
    reached = str(data["people"]["reached"])
    assert values[("People reached (a loan, a session, a code or a cheque)", "Number")] == [
        reached,
        "count",
        "false",
        reached,
    ]
    assert values[("Cheques in stock today", "Number")][0] == str(data["digicheques"]["in_stock"])
    # every value is a plain number or empty, never text; empty exactly where the figure is suppressed
    for value, unit, suppressed, _shown in values.values():
        assert unit in {"count", "EUR", "percent", "ratio", "hours"}
        assert suppressed in {"true", "false"} and (value == "") == (suppressed == "true")
        if value:
            float(value)
    # euro amounts are amounts, not "Number"
    assert values[("Value of the devices received", "Amount")][1] == "EUR"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "pdf"])
def test_no_output_names_a_person_a_phone_or_a_code(api, funder_user, programme_data, fmt):
    response = api.as_user(funder_user).get(grant_url(programme_data["grant"]), {**PERIOD, "format": fmt})

    content = pdf_text(response.content) if fmt == "pdf" else response.content.decode("utf-8")
    for person in programme_data["people"]:
        assert person.display_name not in content
        assert person.display_name.split()[1] not in content
        assert str(person.phone) not in content
        assert str(person.phone)[4:] not in content
    assert SECRET_CODE not in content
    assert "SECRET" not in content


@pytest.mark.django_db
def test_it_refuses_a_period_ending_before_it_starts(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(
        grant_url(programme_data["grant"]), {"period_start": "2026-10-31", "period_end": "2026-10-01"}
    )

    assert response.status_code == 400
    assert "period_end" in response.json()["fields"]


@pytest.mark.django_db
def test_it_refuses_half_a_period_and_a_bad_date(api, funder_user, programme_data):
    client = api.as_user(funder_user)

    half = client.get(grant_url(programme_data["grant"]), {"period_start": "2026-10-01"})
    assert half.status_code == 400 and "period_end" in half.json()["fields"]
    bad = client.get(grant_url(programme_data["grant"]), {"period_start": "yesterday", "period_end": "2026-10-01"})
    assert bad.status_code == 400 and "period_start" in bad.json()["fields"]


@pytest.mark.django_db
def test_it_refuses_a_format_not_offered(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(grant_url(programme_data["grant"]), {**PERIOD, "format": "docx"})

    assert response.status_code == 400
    assert "format" in response.json()["fields"]


@pytest.mark.django_db
def test_a_period_longer_than_five_years_is_refused_naming_period_end(api, funder_user, programme_data):
    client = api.as_user(funder_user)
    start = datetime.date.fromisoformat(PERIOD["period_start"])
    long = {"period_start": start.isoformat(), "period_end": (start + datetime.timedelta(days=5 * 366 + 1)).isoformat()}
    response = client.get(grant_url(programme_data["grant"]), long)
    assert response.status_code == 400 and "period_end" in response.json()["fields"]
    five = {**long, "period_end": (start + datetime.timedelta(days=5 * 365)).isoformat()}
    assert client.get(grant_url(programme_data["grant"]), five).status_code == 200


@pytest.mark.django_db
def test_the_xlsx_has_the_csvs_rows_one_sheet_per_section(api, funder_user, programme_data):
    from openpyxl import load_workbook

    client = api.as_user(funder_user)
    url = grant_url(programme_data["grant"])
    response = client.get(url, {**PERIOD, "lang": "en", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    csv_rows = list(
        csv.reader(io.StringIO(client.get(url, {**PERIOD, "lang": "en", "format": "csv"}).content.decode("utf-8-sig")))
    )
    sections = list(dict.fromkeys(row[0] for row in csv_rows[2:]))
    assert book.sheetnames == ["Report", *[section[:31] for section in sections]]
    assert book["Report"]["A1"].value.startswith("Stock report")
    for section in sections:
        sheet = book[section[:31]]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("Figure", "Measure", "value", "unit", "suppressed", "Shown as")
        expected = [row[1:] for row in csv_rows[2:] if row[0] == section]
        assert len(rows) - 1 == len(expected)
        for got, want in zip(rows[1:], expected, strict=True):
            figure, measure, value, unit, suppressed, shown = got
            assert [figure, measure, unit, str(suppressed).lower(), shown] == [want[0], want[1], *want[3:]]
            assert value is None if suppressed else isinstance(value, int | float)
            if value is not None:
                assert float(want[2]) == pytest.approx(value)
    devices = {row[0]: row for row in book[sections[0][:31]].iter_rows(values_only=True)}
    assert devices["Devices received"][2] == int(client.get(url, PERIOD).json()["devices_received"]["count"])


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_grant(api, funder_user):
    response = api.as_user(funder_user).get("/api/v1/reports/grants/999999/", PERIOD)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_the_default_period_is_last_month(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(grant_url(programme_data["grant"]))

    assert response.status_code == 200
    assert response.json()["period"]["start"].endswith("-01")


@pytest.mark.django_db
def test_the_report_takes_the_same_number_of_queries_for_1_and_50_devices(
    api, admin_of_org_a, org_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grant = GrantFactory(organization=org_a, funder=FunderFactory())
    client = api.as_user(admin_of_org_a)
    counts = []
    for total in (1, 50):
        DeviceFactory.create_batch(total - (1 if counts else 0), organization=org_a, grant=grant)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(grant_url(grant), PERIOD).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_it_refuses_a_language_not_offered(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(grant_url(programme_data["grant"]), {**PERIOD, "lang": "de"})

    assert response.status_code == 400
    assert "lang" in response.json()["fields"]
