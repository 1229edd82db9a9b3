"""Importing the provider's CSV: dry run with per-row errors, then all-or-nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connectivity import services
from connectivity.models import CodeBatch, EligibilityCode
from core.errors import DomainError
from tests.factories import GrantFactory

from .factories import EligibilityCodeFactory, PackFactory, ProgrammeFactory

URL = "/api/v1/connectivity/code-batches/import/"


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(name="Telenet Essential Internet")
    PackFactory(programme=programme, name="FIVE")
    PackFactory(programme=programme, name="TEN")
    return programme


CLEAN = "code,pack,expiry\nTEI-AAAA1111,FIVE,2027-06-30\nTEI-BBBB2222,TEN,30/06/2027\nTEI-CCCC3333,five,\n"


def test_it_imports_a_clean_file(org_a, staff_of_org_a, programme):
    report = services.code_batch_import(organization=org_a, programme=programme, csv_text=CLEAN, by=staff_of_org_a)
    assert report.ok and report.rows == 3
    codes = EligibilityCode.objects.filter(batch=report.batch).order_by("code")
    assert [c.pack.name for c in codes] == ["FIVE", "TEN", "FIVE"]
    assert str(codes[1].expires_on) == "2027-06-30"
    assert codes[2].expires_on is None
    assert all(c.status == "available" and c.organization == org_a for c in codes)
    assert codes[0].history.count() == 1


def test_it_accepts_semicolons_and_a_bom(org_a, staff_of_org_a, programme):
    text = "\ufeffCode;Pack;Expiry\nTEI-AAAA1111;FIVE;2027-06-30\n"
    report = services.code_batch_import(organization=org_a, programme=programme, csv_text=text, by=staff_of_org_a)
    assert report.rows == 1 and report.batch is not None


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(org_a, staff_of_org_a, programme):
    text = CLEAN + "TEI-DDDD4444,HUNDRED,2027-01-01\nx,FIVE,tomorrow\nTEI-AAAA1111,FIVE,\n"
    report = services.code_batch_import(
        organization=org_a, programme=programme, csv_text=text, by=staff_of_org_a, dry_run=True
    )
    assert report.rows == 6
    assert [(e["line"], e["field"]) for e in report.errors] == [(5, "pack"), (6, "expiry"), (6, "code"), (7, "code")]
    assert not EligibilityCode.objects.exists() and not CodeBatch.objects.exists()


def test_it_refuses_the_whole_file_when_one_row_is_bad(org_a, staff_of_org_a, programme):
    text = CLEAN + "TEI-DDDD4444,HUNDRED,2027-01-01\n"
    with pytest.raises(DomainError) as error:
        services.code_batch_import(organization=org_a, programme=programme, csv_text=text, by=staff_of_org_a)
    assert error.value.status_code == 400 and "5: pack" in error.value.fields["file"][0]
    assert not EligibilityCode.objects.exists() and not CodeBatch.objects.exists()


def test_it_refuses_codes_already_imported(org_a, staff_of_org_a, programme):
    EligibilityCodeFactory(batch__organization=org_a, batch__programme=programme, code="TEI-BBBB2222")
    with pytest.raises(DomainError) as error:
        services.code_batch_import(organization=org_a, programme=programme, csv_text=CLEAN, by=staff_of_org_a)
    assert "already imported" in error.value.fields["file"][0]
    assert EligibilityCode.objects.count() == 1


def test_it_refuses_a_code_twice_in_the_file(org_a, staff_of_org_a, programme):
    text = "code,pack,expiry\nTEI-AAAA1111,FIVE,\nTEI-AAAA1111,TEN,\n"
    report = services.code_batch_import(
        organization=org_a, programme=programme, csv_text=text, by=staff_of_org_a, dry_run=True
    )
    assert report.errors == [{"line": 3, "field": "code", "message": "This code is also on line 2."}]


@pytest.mark.parametrize(
    "header", ["code,pack", "code,pack,expiry,name", "voucher,pack,expiry", "", "code,pack,expiry,code"]
)
def test_it_refuses_wrong_columns(org_a, staff_of_org_a, programme, header):
    with pytest.raises(DomainError) as error:
        services.code_batch_import(
            organization=org_a, programme=programme, csv_text=header + "\nTEI-A1B2C3,FIVE,\n", by=staff_of_org_a
        )
    assert error.value.code == "csv_columns" and "file" in error.value.fields
    assert not CodeBatch.objects.exists()


def _upload(text, name="codes.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_api_imports_with_a_dry_run_first(api, org_a, staff_of_org_a, programme):
    client = api.as_user(staff_of_org_a)
    response = client.post(URL, {"programme": programme.pk, "file": _upload(CLEAN), "dry_run": "true"})
    assert response.status_code == 200, response.json()
    assert response.json()["ok"] and response.json()["batch"] is None and not CodeBatch.objects.exists()
    grant = GrantFactory(organization=org_a)
    response = client.post(URL, {"programme": programme.pk, "file": _upload(CLEAN), "grant": grant.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["batch"]["code_count"] == 3 and body["batch"]["reference"] == "codes.csv"
    assert body["batch"]["grant"] == grant.pk and body["batch"]["organization"] == org_a.pk


def test_the_api_names_the_file_for_wrong_columns(api, org_a, staff_of_org_a, programme):
    response = api.as_user(staff_of_org_a).post(URL, {"programme": programme.pk, "file": _upload("a,b\n1,2\n")})
    assert response.status_code == 400
    assert response.json()["code"] == "csv_columns" and "file" in response.json()["fields"]
    assert not CodeBatch.objects.exists()


def test_the_api_refuses_another_organisations_grant(api, org_a, org_b, staff_of_org_a, programme):
    grant_b = GrantFactory(organization=org_b)
    response = api.as_user(staff_of_org_a).post(
        URL, {"programme": programme.pk, "file": _upload(CLEAN), "grant": grant_b.pk}
    )
    assert response.status_code == 400 and "grant" in response.json()["fields"]
    assert not CodeBatch.objects.exists()


def test_staff_of_org_b_cannot_import_into_org_a(api, org_a, staff_of_org_b, programme):
    response = api.as_user(staff_of_org_b).post(
        URL, {"programme": programme.pk, "file": _upload(CLEAN), "organization": org_a.pk}
    )
    assert response.status_code == 400 and "organization" in response.json()["fields"]
    assert not CodeBatch.objects.exists()
