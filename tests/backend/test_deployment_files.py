"""No Docker engine runs here, so the compose file is checked by reading it against the settings."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _settings_variables() -> set[str]:
    """Names the settings read from the environment (env.str("X"), env.bool("X"), env.db_url("X")...)."""
    source = (ROOT / "backend" / "settings.py").read_text()
    return set(re.findall(r"env(?:\(\))?\.\w+\(\s*\"([A-Z_]+)\"", source))


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def test_compose_has_the_production_services_with_health_checks():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat", "proxy"}
    for name, service in services.items():
        if name != "migrate":  # a one-shot job, not a long-running service
            assert "test" in service["healthcheck"], f"{name} has no health check"
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_commands_start_what_each_service_is_for():
    services = _compose()["services"]
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])
    assert services["web"]["command"][:2] == ["gunicorn", "backend.wsgi"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "backend", "worker"]
    beat = services["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "backend", "beat"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_compose_points_the_apps_at_postgres_and_redis():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY"):
            assert environment[variable] == f"${{{variable}:?set {variable} in .env}}", "required, from .env"
        assert services[name]["env_file"] == ".env"
    example = _env_example()
    assert example["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in example["DATABASE_URL"]
    assert example["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def test_every_variable_in_compose_and_env_example_is_read_by_the_settings():
    known = _settings_variables() | {"POSTGRES_PASSWORD", "COMPOSE_PROFILES"}  # read by docker compose itself
    for name in ("web", "worker", "beat"):
        unknown = set(_compose()["services"][name]["environment"]) - known
        assert not unknown, f"compose sets variables the settings never read: {unknown}"
    unknown = set(_env_example()) - known
    assert not unknown, f".env.example lists variables the settings never read: {unknown}"


def test_every_setting_read_from_the_environment_is_documented_in_env_example():
    # PORT is the embedded mode's (the Makefile exports it for `make run`); production sets SITE_URL instead.
    missing = _settings_variables() - set(_env_example()) - {"CELERY_TASK_ALWAYS_EAGER", "PORT"}
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def _run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_like_variables(tmp_path):
    production = {
        **_env_example(),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # check --deploy does not need the server
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "locmemcache://",
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = _run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_mode_needs_no_variables_and_keeps_its_secret_key(tmp_path):
    result = _run_manage("check", env_overrides={"VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    _run_manage("check", env_overrides={"VAR_DIR": str(tmp_path)})
    assert (tmp_path / "secret_key").read_text() == key
    assert (tmp_path / "broker" / "queue").is_dir() and (tmp_path / "broker" / "control").is_dir()


def test_the_makefile_offers_the_two_commands():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    readme = (ROOT / "README.md").read_text()
    top = readme[:1500]
    assert "make run" in top and "make test" in top


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_procfile_runs_web_worker_and_beat(name):
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    expected = {"web": "gunicorn backend.wsgi", "worker": "celery -A backend worker", "beat": "celery -A backend beat"}
    assert expected[name] in procfile[name]


def _caddy_site_blocks() -> dict[str, list[str]]:
    """{site address: its directive lines (comments stripped)}, from deploy/Caddyfile."""
    blocks, current, depth = {}, None, 0
    for raw in (ROOT / "deploy" / "Caddyfile").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if depth == 0 and line.endswith("{"):
            current = line[:-1].strip()
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
        depth += line.count("{") - line.count("}")
    return blocks


def test_the_proxy_serves_no_media_file_and_sends_certificate_downloads_to_django():
    blocks = _caddy_site_blocks()
    assert list(blocks) == ["{$SITE_URL}"]
    site = blocks["{$SITE_URL}"]
    directives = [line.split()[0] for line in site]
    # no file server, no document root, no route of its own for /media: nothing is served from disk
    assert not {"file_server", "root", "handle_path", "handle", "route", "rewrite", "redir"} & set(directives), site
    assert not any("/media" in line for line in site), site
    # one reverse_proxy with no path matcher: every path (the certificate URL too) reaches a web replica
    proxies = [line for line in site if line.split()[0] == "reverse_proxy"]
    assert proxies == ["reverse_proxy {"], proxies
    compose = _compose()["services"]
    assert not any("media" in volume for volume in compose["proxy"]["volumes"]), "the proxy must not see the files"
    assert "media:/app/var/media" in compose["web"]["volumes"]  # every web replica reads the same files


def test_django_serves_no_media_url_and_the_certificate_route_is_the_apps():
    from django.urls import Resolver404, resolve

    from inventory.api.views import WipeRecordViewSet

    match = resolve("/api/v1/wipe-records/7/certificate/")
    assert match.func.cls is WipeRecordViewSet and match.url_name == "wipe-record-certificate"
    with pytest.raises(Resolver404):  # no static()/serve route for MEDIA_URL, in DEBUG or not
        resolve("/media/wipe-certificates/1/1/cert.pdf")


def _embedded_setting(name: str, tmp_path, **variables) -> str:
    """A setting as the embedded mode reads it, in a fresh process with exactly these variables."""
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "backend.settings", **variables})
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_in_the_embedded_mode_site_url_follows_port(tmp_path):
    assert _embedded_setting("SITE_URL", tmp_path, PORT="9000") == "http://127.0.0.1:9000"
    assert _embedded_setting("SITE_URL", tmp_path) == "http://127.0.0.1:8000"
    # set, SITE_URL wins: production's public address has nothing to do with gunicorn's port
    assert _embedded_setting("SITE_URL", tmp_path, PORT="9000", SITE_URL="https://lend.example.org/") == (
        "https://lend.example.org"
    )


def test_a_port_that_is_not_a_number_is_refused_by_name(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "backend.settings", "PORT": "nine"})
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "nine" in result.stderr


def test_the_makefile_hands_port_to_the_settings_and_the_procfile():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^PORT \?= 8000$", makefile, re.M) and re.search(r"^export PORT$", makefile, re.M)
    assert "$PORT" in (ROOT / "Procfile").read_text()


@pytest.mark.skipif(not shutil.which("make"), reason="needs GNU make")
@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"PORT": "9000"}, "http://127.0.0.1:9000"),
        ({}, "http://127.0.0.1:8000"),
        ({"SITE_URL": "https://x.org"}, "https://x.org"),
    ],
)
def test_make_run_gives_web_worker_and_beat_one_site_url(variables, expected):
    """honcho hands each process its own PORT (worker PORT+100, beat PORT+200), so the Makefile exports
    SITE_URL from PORT: the links the worker puts in SMS point where the web process serves."""
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "MAKEFLAGS", "MFLAGS"}}
    env.update(variables)
    result = subprocess.run(
        ["make", "--no-print-directory", "--eval", "show-site-url: ; @echo $$SITE_URL", "show-site-url"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
