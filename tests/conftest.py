"""Shared fixtures: two organisations and the personas that use them.

Personas (as in healthchecks): volunteer, staff and admin of org A; staff of org B; a funder user
whose funder pays a grant of org A; a superuser; anonymous. Tests ask for them by name.
"""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from organizations.choices import Role

from .factories import FunderFactory, GrantFactory, MembershipFactory, OrganizationFactory, UserFactory

POSTGRES = settings.USING_POSTGRES
REDIS = settings.CELERY_BROKER_URL.startswith("redis")
requires_postgres = pytest.mark.skipif(
    not POSTGRES, reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (as .ci/run does)"
)
requires_redis = pytest.mark.skipif(
    not REDIS, reason="needs Redis: run with CELERY_BROKER_URL=redis://... (as .ci/run does)"
)


def pytest_sessionstart(session):
    # .ci/run sets REQUIRE_SERVICES so that a misconfigured second run cannot silently skip them.
    if os.environ.get("REQUIRE_SERVICES") and not (POSTGRES and REDIS):
        raise pytest.UsageError("REQUIRE_SERVICES is set but DATABASE_URL/CELERY_BROKER_URL are not PostgreSQL/Redis")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # A fast hasher: the permission matrix alone creates over a thousand users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from backend.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """A private in-memory cache per test, so rate limits and lockouts never leak between tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Org A", short_code="OA")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Org B", short_code="OB")


def _member(org, role, username):
    return MembershipFactory(user=UserFactory(username=username), organization=org, role=role).user


@pytest.fixture
def volunteer_of_org_a(org_a):
    return _member(org_a, Role.VOLUNTEER, "volunteer_a")


@pytest.fixture
def staff_of_org_a(org_a):
    return _member(org_a, Role.STAFF, "staff_a")


@pytest.fixture
def admin_of_org_a(org_a):
    return _member(org_a, Role.ADMIN, "admin_a")


@pytest.fixture
def staff_of_org_b(org_b):
    return _member(org_b, Role.STAFF, "staff_b")


@pytest.fixture
def admin_of_org_b(org_b):
    return _member(org_b, Role.ADMIN, "admin_b")


@pytest.fixture
def funder_user(org_a):
    user = UserFactory(username="funder_user")
    funder = FunderFactory(name="Fund of A")
    funder.users.add(user)
    GrantFactory(organization=org_a, funder=funder, name="Laptops for A")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


class FreshUserAPIClient(APIClient):
    """Forgets the per-request caches on a forced user, as a real request loads the user anew."""

    def request(self, **kwargs):
        user = self.handler._force_user
        if user is not None:
            for attr in ("_organization_roles", "_funder_ids"):
                user.__dict__.pop(attr, None)
        return super().request(**kwargs)


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it (None: anonymous)."""
    client = FreshUserAPIClient()

    def as_user(user):
        client.force_authenticate(user=None)
        client.logout()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


PERSONAS = [
    "anonymous",
    "volunteer_of_org_a",
    "staff_of_org_a",
    "admin_of_org_a",
    "staff_of_org_b",
    "funder_user",
    "superuser",
]


@pytest.fixture
def persona(request):
    """Resolve a persona name (see PERSONAS) to a user, or None for anonymous."""

    def resolve(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return resolve


def pytest_report_header(config):
    engine = "PostgreSQL" if POSTGRES else "SQLite"
    broker = os.environ.get("CELERY_BROKER_URL", "filesystem (embedded)")
    return f"database: {engine}; broker: {broker.split('@')[-1]}"
