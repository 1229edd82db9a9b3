"""Security: production settings, login lockout, rate limits on the public token endpoints, headers.

`check --deploy` with production variables is run by tests/backend/test_deployment_files.py; here the
production values themselves are read back from a fresh process.
"""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from tests.backend.test_deployment_files import _env_example, _run_manage
from tests.factories import ParticipantFactory
from tests.inventory.factories import DeviceFactory

from .rows import card_loan

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory


# --- production settings -----------------------------------------------------------------------------


def test_production_settings_turn_on_hsts_secure_cookies_and_the_https_redirect(tmp_path):
    production = {
        **_env_example(),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    names = [
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "AXES_FAILURE_LIMIT",
    ]
    code = (
        f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = _run_manage("shell", "-c", code, env_overrides=production)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True and values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["AXES_FAILURE_LIMIT"] == int(_env_example()["LOGIN_FAILURE_LIMIT"])


def test_a_bad_lockout_setting_is_refused_at_start(tmp_path):
    result = _run_manage("check", env_overrides={"VAR_DIR": str(tmp_path), "LOGIN_FAILURE_LIMIT": "lots"})
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT" in result.stderr or "invalid literal" in result.stderr


# --- headers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/desk/login/", "/admin/login/", "/api/docs/", "/healthz"])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_the_desks_scripts_are_first_party_files_and_none_is_inline(client, staff_of_org_a):
    """script-src is 'self' (a nonce only for a page that would use one): the desk's scripts (scan, signature)
    are static files of our origin, and no inline script or handler is there to be injected."""
    client.force_login(staff_of_org_a)
    for url in ("/desk/checkin/", "/desk/checkout/"):
        response = client.get(url)
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
        assert "'self'" in script_src and "unsafe" not in script_src
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), flags=re.S)
        assert scripts, url
        for attributes, body in scripts:
            assert re.search(r'src="/static/frontend/', attributes), attributes
            assert not body.strip()
    assert "onchange=" not in client.get("/admin/").content.decode()  # no inline handlers in the admin either


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/healthz")  # never over plain http


# --- login lockout -----------------------------------------------------------------------------------


def _token_login(api, username, password):
    return api.as_user(None).post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_the_api_token_endpoint_locks_a_username_after_repeated_failures(api, staff_of_org_a, settings):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [_token_login(api, "staff_a", "wrong").status_code for _i in range(limit)]
    assert statuses == [400] * (limit - 1) + [429]
    locked = _token_login(api, "staff_a", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out" and "locked" in locked.json()["detail"]
    assert not Token.objects.filter(user=staff_of_org_a).exists()


def test_a_lock_ends_after_the_cool_off(api, staff_of_org_a, settings):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _token_login(api, "staff_a", "wrong")
    with time_machine.travel(
        datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    ):
        assert _token_login(api, "staff_a", PASSWORD).status_code == 200


def test_a_lock_on_one_username_leaves_the_others_alone(api, staff_of_org_a, admin_of_org_a, settings):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _token_login(api, "staff_a", "wrong")
    assert _token_login(api, "admin_a", PASSWORD).status_code == 200


def test_a_success_before_the_limit_clears_the_count(api, staff_of_org_a, settings):
    for _i in range(settings.AXES_FAILURE_LIMIT - 1):
        _token_login(api, "staff_a", "wrong")
    assert _token_login(api, "staff_a", PASSWORD).status_code == 200
    assert _token_login(api, "staff_a", "wrong").status_code == 400  # counting starts again


@pytest.mark.parametrize("login_url", ["/admin/login/", "/desk/login/"])
def test_the_admin_and_desk_logins_lock_after_repeated_failures(client, superuser, settings, login_url):
    superuser.set_password(PASSWORD)
    superuser.save()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(login_url, {"username": "root", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(login_url, {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="root").exists()


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(api, staff_of_org_a, settings):
    client = api.as_user(None)
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token/",
            {"username": "staff_a", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "staff_a", "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


def test_behind_the_proxy_the_lock_follows_the_hop_the_proxy_added(api, staff_of_org_a, settings):
    settings.BEHIND_PROXY = True  # as backend/settings.py derives from it:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = api.as_user(None)
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token/",
            {"username": "staff_a", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.5",  # forged part first, the proxy's hop last
        )
    locked = {"username": "staff_a", "password": PASSWORD}
    assert (
        client.post("/api/v1/auth/token/", locked, format="json", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    )
    other = client.post("/api/v1/auth/token/", locked, format="json", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 200  # another client behind the same proxy is not locked out


def test_a_login_without_a_username_is_a_400_naming_the_field(api):
    response = api.as_user(None).post("/api/v1/auth/token/", {"password": "x"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["fields"]
    assert not AccessAttempt.objects.exists() or AccessAttempt.objects.filter(username="").exists()


# --- rate limits on the public token endpoints ---------------------------------------------------


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "public_token", "3/minute")


@pytest.fixture
def public_urls(org_a, staff_of_org_a):
    loan = card_loan(org_a, staff_of_org_a, ParticipantFactory(organization=org_a), 1)
    device = DeviceFactory(organization=org_a)
    return {
        "loan card JSON": f"/api/v1/public/loans/{loan.public_token}/",
        "loan card page": f"/l/{loan.public_token}",
        "label scan": f"/s/{device.label_code}",
        "unknown token": "/api/v1/public/loans/not-a-token/",
    }


@pytest.mark.parametrize("which", ["loan card JSON", "loan card page", "label scan", "unknown token"])
def test_the_fourth_request_to_a_public_token_endpoint_is_refused(client, public_urls, three_a_minute, which):
    url = public_urls[which]
    statuses = [client.get(url).status_code for _i in range(4)]
    assert statuses[:3] == [statuses[0]] * 3 and statuses[0] in (200, 302, 404)
    assert statuses[3] == 429


def test_guessing_through_one_door_slows_the_others(client, public_urls, three_a_minute):
    urls = public_urls
    for _i in range(3):
        client.get(urls["unknown token"])
    assert client.get(urls["loan card page"]).status_code == 429
    assert client.get(urls["label scan"]).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_rate_limit(client, public_urls, three_a_minute):
    url = public_urls["unknown token"]
    statuses = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert statuses[3] == 429


def test_another_address_still_gets_in(client, public_urls, three_a_minute):
    url = public_urls["loan card JSON"]
    for _i in range(4):
        client.get(url)
    assert client.get(url, REMOTE_ADDR="198.51.100.20").status_code == 200


# --- pip-audit in CI ---------------------------------------------------------------------------------


def _pip_audit_summary():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / ".ci" / "pip_audit.py"
    spec = importlib.util.spec_from_file_location("ci_pip_audit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.summarize


def test_ci_fails_on_a_vulnerable_dependency():
    data = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-X", "fix_versions": ["5.2.1"]}]},
            {"name": "celery", "version": "5.7.0", "vulns": []},
        ]
    }
    code, lines = _pip_audit_summary()(data)
    assert code == 1 and "django 5.2.0: PYSEC-X (fixed in 5.2.1)" in lines[0]


def test_ci_says_plainly_when_nothing_could_be_audited():
    data = {"dependencies": [{"name": "django", "version": "5.2.0", "skip_reason": "Dependency not found on PyPI"}]}
    code, lines = _pip_audit_summary()(data)
    assert code == 0 and "NOT AUDITED" in lines[-1]


def test_ci_passes_a_clean_audit():
    data = {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": []}]}
    assert _pip_audit_summary()(data) == (
        0,
        ["pip-audit: no known vulnerabilities in 1 packages (0 could not be audited)"],
    )


@pytest.mark.parametrize("behind_proxy, num_proxies", [("1", "1"), ("0", "0")])
def test_behind_proxy_makes_rate_limits_and_lockouts_count_the_proxys_hop(tmp_path, behind_proxy, num_proxies):
    """One switch for both: DRF's throttles and django-axes (core.throttling.client_address) read NUM_PROXIES."""
    env = {k: v for k, v in os.environ.items() if k != "BEHIND_PROXY"}
    env.update(BEHIND_PROXY=behind_proxy, VAR_DIR=str(tmp_path))
    code = "from backend import settings as s; print(s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_CLIENT_IP_CALLABLE)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [num_proxies, "core.throttling.client_address"]
