import csv
import io

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Device, DeviceEvent
from tests.factories import GrantFactory

from .factories import DeviceFactory, DonorFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "asset_tag",
    "kind",
    "make",
    "model",
    "serial",
    "ram_gb",
    "storage_gb",
    "donor",
    "grant",
    "condition",
    "value",
]


def donor_list(n=200, *, bad_line=None, donor="Acme", grant=""):
    """A donor's list of `n` laptops; `bad_line` (1-based data row) gets an unknown kind."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(1, n + 1):
        kind = "spaceship" if i == bad_line else "laptop"
        writer.writerow(["", kind, "Dell", "Latitude 5490", f"SN-{i:04d}", "8", "256", donor, grant, "B", "120.50"])
    return out.getvalue().encode()


def _upload(client, data: bytes, **extra):
    return client.post(
        "/api/v1/devices/import/",
        {"file": io.BytesIO(data), **extra},
        format="multipart",
    )


@pytest.fixture
def acme(org_a):
    return DonorFactory(organization=org_a, name="Acme")


def test_a_dry_run_checks_200_rows_and_writes_nothing(api, org_a, staff_of_org_a, acme):
    response = _upload(api.as_user(staff_of_org_a), donor_list())
    assert response.status_code == 200, response.data
    assert response.data == {"total": 200, "created": 0, "dry_run": True, "ok": True, "errors": []}
    assert not Device.objects.exists()


def test_a_commit_imports_all_200_with_generated_tags(api, org_a, staff_of_org_a, acme):
    GrantFactory(organization=org_a, name="Laptops 2026")
    response = _upload(api.as_user(staff_of_org_a), donor_list(grant="Laptops 2026"), dry_run="false")
    assert response.status_code == 201, response.data
    assert response.data["created"] == 200
    assert Device.objects.filter(organization=org_a, donor=acme, grant__name="Laptops 2026").count() == 200
    assert set(Device.objects.values_list("asset_tag", flat=True)) == {f"OA-{i:04d}" for i in range(1, 201)}
    assert DeviceEvent.objects.filter(action="intake").count() == 200


def test_one_bad_row_among_200_imports_nothing_and_names_the_line(api, org_a, staff_of_org_a, acme):
    response = _upload(api.as_user(staff_of_org_a), donor_list(bad_line=137), dry_run="false")
    assert response.status_code == 400
    assert response.data["code"] == "invalid_rows"
    assert response.data["errors"] == [
        {"line": 138, "errors": {"kind": [response.data["errors"][0]["errors"]["kind"][0]]}}
    ]
    assert "spaceship" in response.data["errors"][0]["errors"]["kind"][0]
    assert "line 138.kind" in response.data["fields"]
    assert not Device.objects.exists()


def test_duplicates_in_the_file_or_the_database_are_reported(api, org_a, staff_of_org_a, acme):
    DeviceFactory(organization=org_a, serial="SN-0005")
    data = donor_list(10).replace(b"SN-0009", b"SN-0008")
    response = _upload(api.as_user(staff_of_org_a), data, dry_run="false")
    assert response.status_code == 400
    lines = {e["line"]: e["errors"] for e in response.data["errors"]}
    assert set(lines) == {6, 10}
    assert "serial" in lines[10] and "line 9" in lines[10]["serial"][0]
    assert Device.objects.count() == 1


def test_an_unknown_donor_is_a_row_error(api, org_a, staff_of_org_a):
    response = _upload(api.as_user(staff_of_org_a), donor_list(2, donor="Nobody"))
    assert response.status_code == 400
    assert [e["line"] for e in response.data["errors"]] == [2, 3]
    assert "donor" in response.data["errors"][0]["errors"]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"asset_tag,kind,colour\n,laptop,red\n", "colour"),
        (b"make,model\nDell,X\n", "kind"),
        ("kind,make\nlaptop,Hé".encode("utf-16"), "UTF-8"),
        ("kind,make\nlaptop,Cr\xe9dit".encode("latin-1"), "UTF-8"),
        (b"", "empty"),
    ],
)
def test_a_file_with_wrong_columns_or_encoding_is_refused(api, org_a, staff_of_org_a, data, needle):
    response = _upload(api.as_user(staff_of_org_a), data, dry_run="false")
    assert response.status_code == 400
    assert "file" in response.data["fields"]
    assert needle in response.data["fields"]["file"][0]
    assert not Device.objects.exists()


def test_semicolon_files_from_spreadsheets_are_read(api, org_a, staff_of_org_a):
    data = "\ufeffkind;make;screen_inches\ntablet;Samsung;10,5\ntablet;Apple;\n".encode()
    response = _upload(api.as_user(staff_of_org_a), data.replace(b"10,5", b"10.5"), dry_run="false")
    assert response.status_code == 201, response.data
    assert Device.objects.filter(kind="tablet").count() == 2


def test_staff_cannot_import_into_another_organisation(api, org_a, org_b, staff_of_org_a):
    response = _upload(api.as_user(staff_of_org_a), donor_list(2, donor=""), organization=org_b.id, dry_run="false")
    assert response.status_code == 400 and "organization" in response.data["fields"]
    assert not Device.objects.exists()


def test_the_command_checks_then_imports_with_a_progress_bar(tmp_path, org_a, acme):
    path = tmp_path / "donor.csv"
    path.write_bytes(donor_list(50))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_devices", str(path), organization="OA", stdout=out, stderr=err)
    assert "All 50 rows are valid" in out.getvalue()
    assert not Device.objects.exists()
    call_command("import_devices", str(path), organization="OA", commit=True, stdout=out, stderr=err)
    assert Device.objects.count() == 50
    assert "50/50" in err.getvalue() and "#" in err.getvalue()


def test_the_command_refuses_a_bad_file_and_imports_nothing(tmp_path, org_a, acme):
    path = tmp_path / "donor.csv"
    path.write_bytes(donor_list(20, bad_line=3))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 20 rows"):
        call_command("import_devices", str(path), organization="OA", commit=True, stdout=out, stderr=io.StringIO())
    assert "line 4: kind" in out.getvalue()
    assert not Device.objects.exists()
