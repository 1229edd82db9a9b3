"""Every organisations endpoint x every persona, with the status each must get.

Org A's objects are the targets. Staff of org B must get 404 for them (not 403: another
organisation's objects do not exist for them), for every method; so must a funder user, who is a
member nowhere and reads only its funder's grants (changing one of those is 403: it can see it).
The second half of the file runs every method of every object endpoint of the schema.
"""

import pytest

from organizations.models import Funder, Grant, Invitation, Membership, Organization, Participant
from organizations.services import invitation_create
from tests.conftest import PERSONAS
from tests.factories import FunderFactory, GrantFactory, MembershipFactory, ParticipantFactory, UserFactory

ANON, VOL, STAFF, ADMIN, STAFF_B, FUNDER, ROOT = PERSONAS

# endpoint -> {persona: expected status}. Deleting an organisation or funder that still has
# participants or grants is refused with 409 even for a superuser.
MATRIX = {
    "participant-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "participant-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "participant-create": {ANON: 401, VOL: 201, STAFF: 201, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "participant-update": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "participant-delete": {ANON: 401, VOL: 403, STAFF: 204, ADMIN: 204, STAFF_B: 404, FUNDER: 404, ROOT: 204},
    "organization-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "organization-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "organization-create": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 403, ROOT: 201},
    "organization-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "organization-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 404, FUNDER: 404, ROOT: 409},
    "membership-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "membership-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    # nobody is added by username any more (no oracle): people join by accepting an invitation
    "membership-create": {ANON: 401, VOL: 405, STAFF: 405, ADMIN: 405, STAFF_B: 405, FUNDER: 403, ROOT: 405},
    "membership-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "membership-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 204, STAFF_B: 404, FUNDER: 404, ROOT: 204},
    "invitation-list": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 403, FUNDER: 403, ROOT: 200},
    "invitation-detail": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "invitation-create": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "invitation-revoke": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "funder-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 200, ROOT: 200},
    "funder-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 404, ROOT: 200},
    "funder-create": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 201, STAFF_B: 403, FUNDER: 403, ROOT: 201},
    "funder-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 404, ROOT: 200},
    "funder-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 404, ROOT: 409},
    "grant-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 200, ROOT: 200},
    "grant-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "grant-own-funder": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 200, ROOT: 200},
    "grant-create": {ANON: 401, VOL: 201, STAFF: 201, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "grant-update": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "grant-delete": {ANON: 401, VOL: 403, STAFF: 204, ADMIN: 204, STAFF_B: 404, FUNDER: 404, ROOT: 204},
    # the funder user's own grant: in its scope (it reads it), so changing it is 403, not 404
    "grant-own-funder-update": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "grant-own-funder-delete": {ANON: 401, VOL: 403, STAFF: 204, ADMIN: 204, STAFF_B: 404, FUNDER: 403, ROOT: 204},
}


@pytest.fixture
def world(org_a, org_b, volunteer_of_org_a, staff_of_org_a, admin_of_org_a, staff_of_org_b, funder_user, superuser):
    """Org A's objects as targets; a second admin so removing one admin of A is allowed."""
    MembershipFactory(organization=org_a, role="admin", user=UserFactory(username="admin2_a"))
    other_funder = FunderFactory(name="Someone else's funder")
    return {
        "participant": ParticipantFactory(organization=org_a),
        "membership": Membership.objects.get(user=volunteer_of_org_a, organization=org_a),
        "funder": other_funder,
        "grant": GrantFactory(organization=org_a, funder=other_funder),
        "own_grant": Grant.objects.get(name="Laptops for A"),
        "newcomer": UserFactory(username="newcomer"),
        "invitation": invitation_create(organization=org_a, email="new@example.org", role="staff", by=admin_of_org_a),
    }


def _request(api, name, world, org_a):
    pid = world["participant"].pk
    requests = {
        "participant-list": ("get", "/api/v1/participants/", None),
        "participant-detail": ("get", f"/api/v1/participants/{pid}/", None),
        "participant-create": (
            "post",
            "/api/v1/participants/",
            {"organization": org_a.pk, "display_name": "Nadia", "phone": "0470 99 88 77"},
        ),
        "participant-update": ("patch", f"/api/v1/participants/{pid}/", {"note": "Prefers mornings"}),
        "participant-delete": ("delete", f"/api/v1/participants/{pid}/", None),
        "organization-list": ("get", "/api/v1/organizations/", None),
        "organization-detail": ("get", f"/api/v1/organizations/{org_a.pk}/", None),
        "organization-create": ("post", "/api/v1/organizations/", {"name": "New VZW", "short_code": "NV"}),
        "organization-update": ("patch", f"/api/v1/organizations/{org_a.pk}/", {"hours_note": "Mon 9-12"}),
        "organization-delete": ("delete", f"/api/v1/organizations/{org_a.pk}/", None),
        "membership-list": ("get", "/api/v1/memberships/", None),
        "membership-detail": ("get", f"/api/v1/memberships/{world['membership'].pk}/", None),
        "membership-create": (
            "post",
            "/api/v1/memberships/",
            {"user": "newcomer", "organization": org_a.pk, "role": "volunteer"},
        ),
        "invitation-list": ("get", "/api/v1/invitations/", None),
        "invitation-detail": ("get", f"/api/v1/invitations/{world['invitation'].pk}/", None),
        "invitation-create": (
            "post",
            "/api/v1/invitations/",
            {"email": "colleague@example.org", "organization": org_a.pk, "role": "volunteer"},
        ),
        "invitation-revoke": ("post", f"/api/v1/invitations/{world['invitation'].pk}/revoke/", {}),
        "membership-update": ("patch", f"/api/v1/memberships/{world['membership'].pk}/", {"role": "staff"}),
        "membership-delete": ("delete", f"/api/v1/memberships/{world['membership'].pk}/", None),
        "funder-list": ("get", "/api/v1/funders/", None),
        "funder-detail": ("get", f"/api/v1/funders/{world['funder'].pk}/", None),
        "funder-create": ("post", "/api/v1/funders/", {"name": "Regional fund", "kind": "public"}),
        "funder-update": ("patch", f"/api/v1/funders/{world['funder'].pk}/", {"contact_email": "a@b.be"}),
        "funder-delete": ("delete", f"/api/v1/funders/{world['funder'].pk}/", None),
        "grant-list": ("get", "/api/v1/grants/", None),
        "grant-detail": ("get", f"/api/v1/grants/{world['grant'].pk}/", None),
        "grant-own-funder": ("get", f"/api/v1/grants/{world['own_grant'].pk}/", None),
        "grant-create": (
            "post",
            "/api/v1/grants/",
            {
                "organization": org_a.pk,
                "funder": world["funder"].pk,
                "name": "Tablets 2027",
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
            },
        ),
        "grant-own-funder-update": ("patch", f"/api/v1/grants/{world['own_grant'].pk}/", {"notes": "Renewed"}),
        "grant-own-funder-delete": ("delete", f"/api/v1/grants/{world['own_grant'].pk}/", None),
        "grant-update": ("patch", f"/api/v1/grants/{world['grant'].pk}/", {"notes": "Renewed"}),
        "grant-delete": ("delete", f"/api/v1/grants/{world['grant'].pk}/", None),
    }
    method, url, data = requests[name]
    return getattr(api, method)(url, data, format="json") if data is not None else getattr(api, method)(url)


def _cases():
    for endpoint, expected in MATRIX.items():
        for persona_name in PERSONAS:
            yield pytest.param(endpoint, persona_name, expected[persona_name], id=f"{endpoint}-{persona_name}")


@pytest.mark.parametrize(("endpoint", "persona_name", "expected"), list(_cases()))
def test_it_answers_each_persona_as_the_matrix_says(api, persona, world, org_a, endpoint, persona_name, expected):
    counts_before = {m: m.objects.count() for m in (Participant, Organization, Membership, Funder, Grant, Invitation)}
    response = _request(api.as_user(persona(persona_name)), endpoint, world, org_a)
    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) == {"detail", "code", "fields"}
        counts_after = {m: m.objects.count() for m in counts_before}
        assert counts_after == counts_before, "a refused request wrote something"


def test_lists_contain_only_the_callers_organisations(api, world, staff_of_org_b, org_b):
    ParticipantFactory(organization=org_b, display_name="Only in B")
    names = [p["display_name"] for p in api.as_user(staff_of_org_b).get("/api/v1/participants/").json()["results"]]
    assert names == ["Only in B"]
    orgs = [o["name"] for o in api.as_user(staff_of_org_b).get("/api/v1/organizations/").json()["results"]]
    assert orgs == ["Org B"]
    grants = api.as_user(staff_of_org_b).get("/api/v1/grants/").json()["results"]
    assert grants == []


def test_a_funder_user_lists_only_its_own_grants(api, world, funder_user):
    names = [g["name"] for g in api.as_user(funder_user).get("/api/v1/grants/").json()["results"]]
    assert names == ["Laptops for A"]
    funders = [f["name"] for f in api.as_user(funder_user).get("/api/v1/funders/").json()["results"]]
    assert funders == ["Fund of A"]


# --- Every object endpoint x every method, generated from the schema ---------------------------------------
#
# For each path with an {id} in the OpenAPI schema (checked against the URL conf, so an endpoint left out of
# the schema is not left out here) and each of its methods, the target is a row of organisation A. For staff
# and a volunteer of organisation B and for a funder user, a row they cannot see must answer 404 whatever the
# method, before any check of the body (the bodies sent are empty or wrong). Inside the caller's scope but
# not allowed stays 403: a volunteer of A deleting anything of A.

OBJECT_METHODS = ("get", "put", "patch", "delete", "post")
# Paths whose {id} is a row listed elsewhere: the list that gives the ids.
ID_SOURCES = {
    "/api/v1/privacy/organizations/": "/api/v1/organizations/",
    "/api/v1/privacy/participants/": "/api/v1/participants/",
    "/api/v1/reports/organizations/": "/api/v1/organizations/",
    "/api/v1/reports/grants/": "/api/v1/grants/",
    "/api/v1/reports/funders/": "/api/v1/funders/",
}
# Lists only an organisation's administrators read: their ids are taken as an administrator of A.
ADMIN_LISTS = {"/api/v1/invitations/"}
# Shared data (not owned by an organisation): every member sees every row, so no row is out of their scope.
SHARED = {"/api/v1/funders/", "/api/v1/connectivity/programmes/", "/api/v1/connectivity/packs/"}


def _object_operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, operations in schema["paths"].items()
        if "{id}" in path
        for method in operations
        if method in OBJECT_METHODS
    ]


def _url_conf_object_paths() -> set[str]:
    """/api/v1/... paths of the URL conf that take an object's pk, written as the schema writes them."""
    import re

    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    paths = set()
    for route in walk(get_resolver().url_patterns, "/"):
        if not route.startswith("/api/v1/") or "format" in route:
            continue
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(r"\(\?P<pk>[^)]*\)|<int:pk>|<pk>", "{id}", route)
        if "{id}" in route:
            paths.add(route)
    return paths


def _source(path: str) -> str:
    prefix = path.split("{id}", 1)[0]
    return ID_SOURCES.get(prefix, prefix)


def _visible_ids(client, list_path: str) -> set:
    response = client.get(list_path, {"page_size": 500})
    if response.status_code != 200:
        return set()
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows if isinstance(row, dict) and "id" in row}


def _send(client, method: str, url: str):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, {"unknown_field": "x", "id": "not a number"}, format="json")


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("organizations", "inventory", "loans", "connectivity", "messaging", "reports")
    }


@pytest.fixture
def tenant_rows(org_a, org_b, staff_of_org_a, volunteer_of_org_a, staff_of_org_b, funder_user):
    from tests.hardening.rows import grow

    grow(org_a, staff_of_org_a, 1)
    MembershipFactory(organization=org_b, role="volunteer", user=UserFactory(username="volunteer_b"))


def test_the_schema_lists_every_object_route_of_the_url_conf():
    in_schema = {path for path, _method in _object_operations()}
    assert _url_conf_object_paths() <= in_schema, sorted(_url_conf_object_paths() - in_schema)
    assert len(in_schema) >= 60


@pytest.mark.parametrize("persona_name", ["staff_b", "volunteer_b", "funder_user"])
def test_another_scopes_object_is_404_for_every_method(api, tenant_rows, staff_of_org_a, admin_of_org_a, persona_name):
    """Every method of every object endpoint, on organisation A's rows, as someone outside A: 404."""
    from django.contrib.auth import get_user_model

    caller = get_user_model().objects.get(username=persona_name)
    operations = _object_operations()
    a_ids = {
        source: _visible_ids(api.as_user(admin_of_org_a if source in ADMIN_LISTS else staff_of_org_a), source)
        for source in {_source(p) for p, _m in operations}
    }
    missing = sorted(source for source, ids in a_ids.items() if not ids and source not in SHARED)
    assert not missing, f"no rows of organisation A to aim at under {missing}: add them to tests/hardening/rows.py"
    own = {source: _visible_ids(api.as_user(caller), source) for source in a_ids}
    before = _row_counts()
    checked, failures = 0, []
    for path, method in operations:
        out_of_scope = sorted(a_ids[_source(path)] - own[_source(path)])
        if not out_of_scope:
            assert _source(path) in SHARED, f"{persona_name} sees every row behind {path}"
            continue
        url = path.replace("{id}", str(out_of_scope[0]))
        response = _send(api.as_user(caller), method, url)
        checked += 1
        if response.status_code != 404:
            failures.append(f"{method.upper()} {path}: {response.status_code} {response.content[:120]!r}")
        elif set(response.json()) != {"detail", "code", "fields"}:
            failures.append(f"{method.upper()} {path}: 404 in another shape {response.content[:120]!r}")
    assert not failures, f"{len(failures)} of {checked} answers reveal that the object exists:\n" + "\n".join(failures)
    assert _row_counts() == before, "a refused request wrote something"
    print(f"{persona_name}: {checked} object requests out of scope, all 404")
    assert checked >= 80, checked


def test_inside_the_scope_a_volunteer_deleting_is_403(api, tenant_rows, staff_of_org_a, volunteer_of_org_a):
    """The role table: volunteers cannot delete. The object exists for them, so 403, not 404."""
    deletes = [path for path, method in _object_operations() if method == "delete"]
    failures, checked = [], 0
    before = _row_counts()
    for path in deletes:
        ids = sorted(_visible_ids(api.as_user(volunteer_of_org_a), _source(path)))
        if not ids:
            continue  # e.g. the report subscriptions of someone else
        response = api.as_user(volunteer_of_org_a).delete(path.replace("{id}", str(ids[0])))
        checked += 1
        if response.status_code != 403:
            failures.append(f"DELETE {path}: {response.status_code} {response.content[:120]!r}")
    assert not failures, "\n".join(failures)
    assert _row_counts() == before
    assert checked >= 12, checked
