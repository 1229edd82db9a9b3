"""Every organisations endpoint x every persona, with the status each must get.

Org A's objects are the targets. Staff of org B must get 404 for them (not 403: another
organisation's objects do not exist for them); funder users read only their funder's grants.
"""

import pytest

from organizations.models import Funder, Grant, Membership, Organization, Participant
from tests.conftest import PERSONAS
from tests.factories import FunderFactory, GrantFactory, MembershipFactory, ParticipantFactory, UserFactory

ANON, VOL, STAFF, ADMIN, STAFF_B, FUNDER, ROOT = PERSONAS

# endpoint -> {persona: expected status}. Deleting an organisation or funder that still has
# participants or grants is refused with 409 even for a superuser.
MATRIX = {
    "participant-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "participant-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "participant-create": {ANON: 401, VOL: 201, STAFF: 201, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "participant-update": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "participant-delete": {ANON: 401, VOL: 403, STAFF: 204, ADMIN: 204, STAFF_B: 404, FUNDER: 403, ROOT: 204},
    "organization-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "organization-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "organization-create": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 403, ROOT: 201},
    "organization-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "organization-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 403, ROOT: 409},
    "membership-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 403, ROOT: 200},
    "membership-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "membership-create": {ANON: 401, VOL: 400, STAFF: 400, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "membership-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "membership-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 204, STAFF_B: 404, FUNDER: 403, ROOT: 204},
    "funder-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 200, ROOT: 200},
    "funder-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 404, ROOT: 200},
    "funder-create": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 201, STAFF_B: 403, FUNDER: 403, ROOT: 201},
    "funder-update": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 403, ROOT: 200},
    "funder-delete": {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 403, STAFF_B: 403, FUNDER: 403, ROOT: 409},
    "grant-list": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 200, FUNDER: 200, ROOT: 200},
    "grant-detail": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200},
    "grant-own-funder": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 200, ROOT: 200},
    "grant-create": {ANON: 401, VOL: 201, STAFF: 201, ADMIN: 201, STAFF_B: 400, FUNDER: 403, ROOT: 201},
    "grant-update": {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 403, ROOT: 200},
    "grant-delete": {ANON: 401, VOL: 403, STAFF: 204, ADMIN: 204, STAFF_B: 404, FUNDER: 403, ROOT: 204},
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
        "organization-update": ("patch", f"/api/v1/organizations/{org_a.pk}/", {"opening_hours": "Mon 9-12"}),
        "organization-delete": ("delete", f"/api/v1/organizations/{org_a.pk}/", None),
        "membership-list": ("get", "/api/v1/memberships/", None),
        "membership-detail": ("get", f"/api/v1/memberships/{world['membership'].pk}/", None),
        "membership-create": (
            "post",
            "/api/v1/memberships/",
            {"user": "newcomer", "organization": org_a.pk, "role": "volunteer"},
        ),
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
    counts_before = {m: m.objects.count() for m in (Participant, Organization, Membership, Funder, Grant)}
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
