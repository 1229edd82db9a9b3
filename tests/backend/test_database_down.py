"""The database going away during a request: a quick, clear, translated 503, never a hang or a bare 500."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

GONE = OperationalError("server closed the connection unexpectedly")


def _database_gone(exc=GONE):
    """Every query of the request fails, as when PostgreSQL restarts or the network drops."""
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=exc)


@pytest.mark.parametrize("exc", [GONE, InterfaceError("connection already closed")])
def test_an_api_request_gets_a_503_in_the_error_shape(api, staff_of_org_a, org_a, exc):
    DeviceFactory(organization=org_a)
    client = api.as_user(staff_of_org_a)
    with _database_gone(exc):
        response = client.get("/api/v1/devices/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "database_unavailable" and body["fields"] == {}
    assert "database is unavailable" in body["detail"]


def test_the_503_speaks_the_callers_language(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    with _database_gone():
        dutch = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="nl")
        french = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="fr")
    assert dutch.json()["detail"].startswith("De databank is momenteel niet bereikbaar")
    assert french.json()["detail"].startswith("La base de données est indisponible")


def test_a_page_gets_a_503_html_page(client):
    with _database_gone():
        response = client.get("/l/some-loan-card-token", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Temporairement indisponible" in response.content.decode()


def test_the_service_recovers_on_the_next_request(api, staff_of_org_a, org_a):
    ParticipantFactory(organization=org_a)
    client = api.as_user(staff_of_org_a)
    with _database_gone():
        assert client.get("/api/v1/participants/").status_code == 503
    response = client.get("/api/v1/participants/")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_bad_input_is_still_a_400_naming_the_field_and_not_a_503(api, staff_of_org_a, org_a):
    response = api.as_user(staff_of_org_a).post(
        "/api/v1/participants/", {"organization": org_a.pk, "display_name": ""}, format="json"
    )
    assert response.status_code == 400
    assert "display_name" in response.json()["fields"]


def test_other_errors_are_not_disguised_as_503(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    client.raise_request_exception = True
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=ValueError("a bug")):
        with pytest.raises(ValueError):
            client.get("/api/v1/participants/")


class _PgError(Exception):
    """Stands for a psycopg error: PostgreSQL's SQLSTATE on the exception Django wraps."""

    def __init__(self, sqlstate: str):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(sqlstate: str) -> OperationalError:
    error = OperationalError(f"SQLSTATE {sqlstate}")
    error.__cause__ = _PgError(sqlstate)
    return error


@pytest.mark.parametrize(
    "sqlstate, code, retry_after",
    [
        ("40P01", "database_busy", "2"),  # this request's transaction was a deadlock's victim
        ("40001", "database_busy", "2"),  # serialization failure
        ("55P03", "database_busy", "2"),  # lock not available (lock_timeout)
        ("57014", "database_busy", "2"),  # statement timeout
        ("08006", "database_unavailable", "30"),  # connection failure
        ("53300", "database_unavailable", "30"),  # too many connections
        ("57P01", "database_unavailable", "30"),  # the server is shutting down
    ],
)
def test_errors_a_retry_mends_are_503s_that_say_busy_or_unavailable(api, staff_of_org_a, sqlstate, code, retry_after):
    client = api.as_user(staff_of_org_a)
    with _database_gone(_wrapped(sqlstate)):
        response = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503 and response["Retry-After"] == retry_after
    assert response.json()["code"] == code
    assert response.json()["detail"].startswith("La base de données est")


@pytest.mark.parametrize(
    "exc",
    [
        _wrapped("42P01"),  # PostgreSQL raises ProgrammingError for that; any class not listed is a bug too
        _wrapped("22012"),  # division by zero
    ],
)
def test_a_database_error_no_retry_mends_is_a_500_not_an_outage(api, staff_of_org_a, exc):
    client = api.as_user(staff_of_org_a)
    client.raise_request_exception = True
    with _database_gone(exc), pytest.raises(OperationalError):
        client.get("/api/v1/participants/")


def _sqlite(message: str) -> OperationalError:
    error = OperationalError(message)
    error.__cause__ = sqlite3.OperationalError(message)
    return error


def test_a_locked_sqlite_database_is_busy(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    with _database_gone(_sqlite("database is locked")):
        response = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 503 and response.json()["code"] == "database_busy"
    assert response.json()["detail"].startswith("De databank is momenteel druk")


def test_an_unreadable_sqlite_file_is_unavailable(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    with _database_gone(_sqlite("unable to open database file")):
        response = client.get("/api/v1/participants/")
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"


@pytest.mark.parametrize(
    "message", ["no such table: inventory_device", "table loans_loan has no column named x", "too many SQL variables"]
)
def test_sqlite_errors_of_the_code_or_schema_are_500s(api, staff_of_org_a, message):
    client = api.as_user(staff_of_org_a)
    client.raise_request_exception = True
    with _database_gone(_sqlite(message)), pytest.raises(OperationalError):
        client.get("/api/v1/participants/")


REAL_OUTAGE = """
import json, time, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(raise_request_exception=False)
started = time.monotonic()
api = client.get("/api/v1/devices/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
page = client.get("/l/some-token")
health = client.get("/healthz")
print(json.dumps({
    "connect_timeout": settings.DATABASES["default"]["OPTIONS"]["connect_timeout"],
    "api": [api.status_code, api.json()["code"]],
    "page": page.status_code,
    "health": [health.status_code, health.json()["database"]],
}))
"""


def test_a_database_server_that_refuses_connections_gives_503_everywhere(tmp_path):
    """A real PostgreSQL URL on a closed port: refused at once; an unreachable host waits at most
    DB_CONNECT_TIMEOUT seconds (passed to psycopg as connect_timeout), never the OS default of minutes."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(
        DATABASE_URL="postgres://lendwise:secret@127.0.0.1:9/lendwise",  # port 9 (discard): nothing listens
        DB_CONNECT_TIMEOUT="3",
        CACHE_URL="locmemcache://",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", REAL_OUTAGE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "connect_timeout": 3,
        "api": [503, "database_unavailable"],
        "page": 503,
        "health": [503, "OperationalError"],
    }


def test_postgres_connections_have_a_connect_timeout_by_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DB_CONNECT_TIMEOUT"}}
    env.update(DATABASE_URL="postgres://u:p@db.example.internal:5432/x", VAR_DIR=str(tmp_path))
    code = "from backend import settings as s; print(s.DATABASES['default']['OPTIONS']['connect_timeout'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5"
