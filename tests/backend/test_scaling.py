"""docker-compose.yml is ready for N web replicas, N workers, one beat and managed PostgreSQL/Redis.

No Docker engine runs here: the file is read with PyYAML and checked for what `--scale` needs
(no container_name, no fixed host port on scaled services), the proxy, and the variables.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCALED = ("web", "worker")


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


@pytest.mark.parametrize("name", SCALED)
def test_scaled_services_have_no_fixed_name_or_host_port(services, name):
    service = services[name]
    assert "container_name" not in service, "a fixed container name allows one replica only"
    assert "ports" not in service, "a fixed host port allows one replica only: publish through the proxy"
    assert "replicas" not in service.get("deploy", {}), "the count comes from `--scale`"


def test_web_replicas_sit_behind_the_proxy(services):
    assert services["web"]["expose"] == ["8000"]
    proxy = services["proxy"]
    assert sorted(proxy["ports"]) == ["443:443", "80:80"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    caddyfile = ROOT / "deploy" / "Caddyfile"
    assert f"./{caddyfile.relative_to(ROOT)}:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    text = caddyfile.read_text()
    assert "{$SITE_URL}" in text
    # re-resolved every few seconds, so new replicas get traffic without a proxy restart
    assert re.search(r"dynamic a web 8000 \{\s*refresh \d+s", text)


def test_there_is_exactly_one_beat(services):
    assert services["beat"]["deploy"]["replicas"] == 1
    beats = [name for name, service in services.items() if "beat" in " ".join(map(str, service.get("command", [])))]
    assert beats == ["beat"]


def test_migrations_run_once_before_the_replicas_start(services):
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in " ".join(map(str, services[name]["command"])), f"{name} must not migrate"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_postgres_and_redis_can_be_managed_services(services):
    """The bundled ones are an optional profile; the apps only need their URLs from .env."""
    for name in ("postgres", "redis"):
        assert services[name]["profiles"] == ["bundled"]
    for name in ("migrate", "web", "worker", "beat"):
        for dependency in ("postgres", "redis"):
            assert services[name]["depends_on"][dependency]["required"] is False
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert all(":?" in environment[variable] for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"))
    example = _env_example()
    assert example["COMPOSE_PROFILES"] == "bundled"
    for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY", "SITE_URL", "BEHIND_PROXY"):
        assert example.get(variable), f"{variable} missing from .env.example"
    assert example["CACHE_URL"].startswith("redis://"), "replicas share rate limits and lockouts"


def test_every_variable_the_compose_file_interpolates_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z_]+)", text))
    missing = interpolated - set(_env_example())
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_long_running_service_has_a_health_check_and_restarts(services):
    for name, service in services.items():
        if name == "migrate":
            continue
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def test_the_scaling_commands_in_the_readme_match_the_compose_file():
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up -d --scale web=3 --scale worker=4" in readme
    assert "### Scaling beyond one machine" in readme
