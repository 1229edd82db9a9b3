"""Health check, API documentation, token login, the error shape, the language switch."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError

from tests.conftest import REDIS, requires_redis


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    from backend.celery import app

    with mock.patch.object(app, "connection_for_write", side_effect=ConnectionRefusedError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "ConnectionRefusedError"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("backend.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError"


@requires_redis
@pytest.mark.django_db
def test_healthz_reaches_the_real_redis_broker(client):
    assert REDIS
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.django_db
def test_the_schema_and_swagger_ui_are_served_without_internet(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/participants/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"/static/drf_spectacular_sidecar/" in docs.content


@pytest.mark.django_db
def test_a_token_from_username_and_password_authenticates_api_calls(client, staff_of_org_a):
    response = client.post("/api/v1/auth/token/", {"username": "staff_a", "password": "pw-for-tests-1"})
    assert response.status_code == 200
    token = response.json()["token"]
    listing = client.get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_gets_400_in_the_common_error_shape(client, staff_of_org_a):
    response = client.post("/api/v1/auth/token/", {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert "non_field_errors" in body["fields"]


@pytest.mark.django_db
def test_token_requests_are_rate_limited(client, staff_of_org_a, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "3/minute")
    codes = [
        client.post("/api/v1/auth/token/", {"username": "staff_a", "password": "wrong"}).status_code for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


@pytest.mark.django_db
def test_errors_are_translated_by_accept_language(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    english = client.post("/api/v1/participants/", {"phone": "12345"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    french = client.post("/api/v1/participants/", {"phone": "12345"}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    dutch = client.post("/api/v1/participants/", {"phone": "12345"}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert english.json()["detail"].startswith("Invalid input")
    assert french.json()["detail"].startswith("Données invalides")
    assert dutch.json()["detail"].startswith("Ongeldige invoer")
    assert french.json()["fields"]["display_name"] != english.json()["fields"]["display_name"]


@pytest.mark.django_db
def test_the_language_switch_sets_the_language_of_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/admin/"})
    assert response.status_code == 302
    page = client.get("/admin/")
    assert "Gestion | Lendwise" in page.content.decode()
    assert 'name="language"' in page.content.decode()  # the picker is on every admin page
    assert 'lang="fr"' in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_url_under_the_api_answers_404_in_the_error_shape(api, staff_of_org_a):
    response = api.as_user(staff_of_org_a).get("/api/v1/participants/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_user_model_is_djangos():
    assert get_user_model().__name__ == "User"


def test_an_api_url_no_pattern_takes_is_a_json_404_and_other_urls_get_the_page(api, admin_of_org_a):
    response = api.as_user(admin_of_org_a).put("/api/v1/privacy/organizations/-1/retention/", {"months": 6})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found", "fields": {}}
    page = api.as_user(None).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
