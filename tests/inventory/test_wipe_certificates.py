"""Wipe certificates: uploaded through the API, downloaded only by members of the device's organisation.

Media files are never served as public files: the API answers the URL of a view that finds the record
through the caller's organisations (anyone else: 404) and streams the file. In production the proxy
(deploy/Caddyfile) sends every path to Django; tests/backend/test_deployment_files.py reads it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.models import WipeRecord

from .factories import DeviceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 wiped with nwipe, 3 passes"


def _upload(client, device, content=PDF, name="cert.pdf"):
    return client.post(
        "/api/v1/wipe-records/",
        {
            "device": device.id,
            "method": "overwrite",
            "tool": "nwipe",
            "operator": "Jan",
            "certificate_file": SimpleUploadedFile(name, content),
        },
        format="multipart",
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def uploaded(api, org_a, staff_of_org_a):
    device = DeviceFactory(organization=org_a)
    response = _upload(api.as_user(staff_of_org_a), device)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_api_gives_the_download_view_not_a_media_url(uploaded):
    record = WipeRecord.objects.get(pk=uploaded["id"])
    assert uploaded["certificate_file"] == f"http://testserver/api/v1/wipe-records/{record.pk}/certificate/"
    assert "/media/" not in uploaded["certificate_file"]


@pytest.mark.parametrize("who", ["volunteer_of_org_a", "staff_of_org_a", "admin_of_org_a", "superuser"])
def test_members_of_the_devices_organisation_download_it(api, persona, uploaded, who):
    response = api.as_user(persona(who)).get(uploaded["certificate_file"])
    assert response.status_code == 200
    assert _body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("who", "status"), [("staff_of_org_b", 404), ("funder_user", 404), ("anonymous", 401)])
def test_anyone_else_gets_nothing(api, persona, uploaded, who, status):
    response = api.as_user(persona(who)).get(uploaded["certificate_file"])
    assert response.status_code == status
    assert set(response.json()) == {"detail", "code", "fields"}
    assert PDF not in response.content


def test_the_media_path_is_not_served_to_anyone(api, uploaded, staff_of_org_a):
    record = WipeRecord.objects.get(pk=uploaded["id"])
    assert record.certificate_file.url.startswith("/media/wipe-certificates/")
    response = api.as_user(staff_of_org_a).get(record.certificate_file.url)
    assert response.status_code == 404
    assert PDF not in response.content


@pytest.mark.parametrize("page", ["wiperecord", "device"])  # the record's own page, and the device's inline
def test_the_admin_links_the_file_to_the_download_view_which_a_session_can_use(persona, uploaded, page):
    from django.test import Client
    from django.urls import reverse

    record = WipeRecord.objects.get(pk=uploaded["id"])
    user = persona("staff_of_org_a")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    obj = record if page == "wiperecord" else record.device
    body = client.get(reverse(f"admin:inventory_{page}_change", args=[obj.pk])).content.decode()
    assert f'href="/api/v1/wipe-records/{record.pk}/certificate/"' in body
    assert "/media/" not in body
    download = client.get(f"/api/v1/wipe-records/{record.pk}/certificate/")  # the admin's session is enough
    assert download.status_code == 200 and _body(download) == PDF


def test_a_record_without_a_file_or_with_its_file_gone_is_404(api, org_a, staff_of_org_a, uploaded):
    client = api.as_user(staff_of_org_a)
    device = DeviceFactory(organization=org_a)
    bare = client.post(
        "/api/v1/wipe-records/",
        {"device": device.id, "method": "overwrite", "tool": "nwipe", "operator": "Jan"},
        format="multipart",
    ).json()
    assert bare["certificate_file"] is None
    assert client.get(f"/api/v1/wipe-records/{bare['id']}/certificate/").status_code == 404
    record = WipeRecord.objects.get(pk=uploaded["id"])
    record.certificate_file.storage.delete(record.certificate_file.name)
    response = client.get(uploaded["certificate_file"])
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_html_upload_is_downloaded_never_rendered(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    record = _upload(client, DeviceFactory(organization=org_a), b"<script>alert(1)</script>", "cert.html").json()
    response = client.get(record["certificate_file"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_bad_upload_is_a_400_naming_the_field_and_writes_nothing(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    response = client.post(
        "/api/v1/wipe-records/",
        {
            "device": DeviceFactory(organization=org_a).id,
            "method": "overwrite",
            "tool": "nwipe",
            "operator": "Jan",
            "certificate_file": "not a file",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "certificate_file" in response.json()["fields"]
    assert not WipeRecord.objects.exists()


def test_through_the_proxy_in_production_the_member_downloads_it_over_https(settings, org_a, staff_of_org_a, uploaded):
    """As Caddy forwards it (deploy/Caddyfile: every path to a web replica): HTTPS on, behind the proxy."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["lend.example.org"]
    proxied = {
        "HTTP_HOST": "lend.example.org",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_of_org_a).key}")
    record = client.get(f"/api/v1/wipe-records/{uploaded['id']}/", **proxied).json()
    url = f"https://lend.example.org/api/v1/wipe-records/{uploaded['id']}/certificate/"
    assert record["certificate_file"] == url
    response = client.get(url.removeprefix("https://lend.example.org"), **proxied)
    assert response.status_code == 200 and _body(response) == PDF
    media = WipeRecord.objects.get(pk=uploaded["id"]).certificate_file.url
    assert client.get(media, **proxied).status_code == 404
    stranger = APIClient()
    assert stranger.get(url.removeprefix("https://lend.example.org"), **proxied).status_code == 401
