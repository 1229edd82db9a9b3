"""Every export and document endpoint (CSV, PDF, files) x every persona, against the role table (docs/organizations.md).

The endpoints come from the OpenAPI schema: every operation answering something other than JSON, and every
path naming an export, a PDF, a letter, labels, a report or a certificate. Each must be classified below under
a row of the role table; a new one fails the test until it is. The desk pages that make documents follow the
same rows.

Role table rows used here (docs/organizations.md, "Who sees what"):
- export: devices CSV, a participant's internet-code letter: staff and admins, not volunteers;
- personal data export: a participant's data (JSON/PDF): admins only;
- check-out papers: a loan's agreement and handover, label sheets: anyone who checks out (volunteers too);
- reports: members of the organisation, funder users for their funders' grants.
Another organisation's object is 404; a list route (the CSV export) shows only the caller's own rows.
"""

import re

import pytest

from loans import services as loan_services
from loans.models import Loan
from organizations.models import Grant
from tests.conftest import PERSONAS
from tests.factories import MembershipFactory, UserFactory
from tests.hardening.rows import grow

ANON, VOL, STAFF, ADMIN, STAFF_B, FUNDER, ROOT = PERSONAS

EXPORT = {ANON: 401, VOL: 403, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200}
PERSONAL = {ANON: 401, VOL: 403, STAFF: 403, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200}
CHECKOUT_PAPERS = {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200}
REPORT = {ANON: 401, VOL: 200, STAFF: 200, ADMIN: 200, STAFF_B: 404, FUNDER: 404, ROOT: 200}

# (method, schema path) -> (expected status per persona, how it is called)
ENDPOINTS = {
    # a list route: staff of B and funder users are not refused the route, they export their own rows only
    ("get", "/api/v1/devices/export/"): ({**EXPORT, STAFF_B: 200, FUNDER: 403}, "device_export"),
    ("get", "/api/v1/connectivity/codes/{id}/letter/"): (EXPORT, "code"),
    ("get", "/api/v1/privacy/participants/{id}/export/json/"): (PERSONAL, "participant"),
    ("get", "/api/v1/privacy/participants/{id}/export/pdf/"): (PERSONAL, "participant"),
    ("get", "/api/v1/loans/{id}/agreement-pdf/"): (CHECKOUT_PAPERS, "loan"),
    ("get", "/api/v1/loans/{id}/handover-pdf/"): (CHECKOUT_PAPERS, "given_loan"),
    # A's device ids are unknown to staff of B: 400 naming `devices` (a list route, nothing to 404)
    ("post", "/api/v1/devices/labels/"): ({**CHECKOUT_PAPERS, STAFF_B: 400, FUNDER: 403}, "labels"),
    ("get", "/api/v1/reports/organizations/{id}/"): (REPORT, "organization"),
    # the funder user's own funder and grant (Fund of A, Laptops for A): theirs to read
    ("get", "/api/v1/reports/grants/{id}/"): ({**REPORT, FUNDER: 200}, "funded_grant"),
    ("get", "/api/v1/reports/funders/{id}/"): ({**REPORT, FUNDER: 200}, "funder"),
    ("get", "/api/v1/wipe-records/{id}/certificate/"): (CHECKOUT_PAPERS, "wipe_record"),
}
# Documents that can come in several formats: each one is asked for.
FORMATS = {"/api/v1/reports/": ["csv", "xlsx", "pdf"]}
DOCUMENT_NAME = re.compile(r"export|pdf|csv|xlsx|letter|label|report|certificate|download")


def _document_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = set()
    for path, operations in schema["paths"].items():
        if "subscriptions" in path:  # the caller's report e-mail settings, JSON only
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            types = {
                content
                for code, response in operation.get("responses", {}).items()
                if code.startswith("2")
                for content in response.get("content", {})
            }
            if types - {"application/json"} or DOCUMENT_NAME.search(path):
                found.add((method, path))
    return found


@pytest.fixture
def targets(org_a, staff_of_org_a, funder_user, tmp_path):
    from django.core.files.base import ContentFile

    from inventory.models import WipeRecord

    grow(org_a, staff_of_org_a, 2)
    MembershipFactory(organization=org_a, role="admin", user=UserFactory(username="admin2_a"))
    loans = list(Loan.objects.filter(organization=org_a).order_by("id"))
    given = loan_services.loan_give(loan=loans[-1], by=staff_of_org_a)
    record = WipeRecord.objects.filter(device__organization=org_a).first()
    record.certificate_file.save("certificate.pdf", ContentFile(b"%PDF-1.4 wiped"), save=True)
    funded = Grant.objects.get(name="Laptops for A")
    from connectivity.models import EligibilityCode
    from organizations.models import Participant

    return {
        "code": EligibilityCode.objects.filter(batch__organization=org_a).first().pk,
        "participant": Participant.objects.filter(organization=org_a).first().pk,
        "loan": loans[0].pk,
        "given_loan": given.pk,
        "organization": org_a.pk,
        "funded_grant": funded.pk,
        "funder": funded.funder_id,
        "wipe_record": record.pk,
        "devices": list(org_a.devices.values_list("id", flat=True)[:2]),
        "asset_tags": list(org_a.devices.values_list("asset_tag", flat=True)),
    }


def test_every_document_endpoint_of_the_schema_is_in_the_role_table():
    found = _document_operations()
    unclassified = found - set(ENDPOINTS)
    assert not unclassified, f"classify these under a row of the role table: {sorted(unclassified)}"
    gone = set(ENDPOINTS) - found
    assert not gone, f"no longer in the schema: {sorted(gone)}"


def _calls(key, target, targets):
    method, path = key
    if target == "device_export":
        return [(method, path, None)]
    if target == "labels":
        return [(method, path, {"devices": targets["devices"]})]
    url = path.replace("{id}", str(targets[target]))
    formats = next((f for prefix, f in FORMATS.items() if path.startswith(prefix)), None)
    if formats:
        return [(method, f"{url}?format={fmt}&period_start=2026-01-01&period_end=2026-01-31", None) for fmt in formats]
    return [(method, url, None)]


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_each_document_answers_each_role_as_the_table_says(api, persona, targets, persona_name):
    client = api.as_user(persona(persona_name))
    failures = []
    for key, (expected, target) in ENDPOINTS.items():
        for method, url, data in _calls(key, target, targets):
            response = getattr(client, method)(url, data, format="json") if data else getattr(client, method)(url)
            status = response.status_code
            if status != expected[persona_name]:
                failures.append(f"{method.upper()} {url}: {status}, expected {expected[persona_name]}")
                continue
            content = b"".join(response.streaming_content) if response.streaming else response.content
            if status >= 400:
                body = response.json()
                assert set(body) == {"detail", "code", "fields"}, url
                if status == 400:
                    assert "devices" in body["fields"], body
            elif target == "device_export":
                tags_shown = [tag for tag in targets["asset_tags"] if tag.encode() in content]
                mine = persona_name in (STAFF, ADMIN, ROOT)
                assert bool(tags_shown) == mine, f"{persona_name} export shows {tags_shown}"
    assert not failures, f"{persona_name}:\n" + "\n".join(failures)


def test_a_user_who_is_volunteer_in_one_organisation_exports_only_where_they_are_staff(
    api, org_a, org_b, volunteer_of_org_a
):
    from tests.inventory.factories import DeviceFactory

    DeviceFactory(organization=org_a, asset_tag="OA-0001")
    DeviceFactory(organization=org_b, asset_tag="OB-0001")
    MembershipFactory(organization=org_b, user=volunteer_of_org_a, role="staff")
    response = api.as_user(volunteer_of_org_a).get("/api/v1/devices/export/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "OB-0001" in body and "OA-0001" not in body


def test_a_volunteers_export_with_a_bad_filter_is_refused_and_shows_nothing(api, org_a, volunteer_of_org_a):
    response = api.as_user(volunteer_of_org_a).get("/api/v1/devices/export/", {"status": "no-such-status"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# --- the desk follows the same rows ---------------------------------------------------------------------


@pytest.fixture
def desk(client):
    def as_user(user):
        client.logout()
        client.force_login(user)
        return client

    return as_user


@pytest.mark.parametrize("who", ["volunteer_of_org_a", "staff_of_org_a"])
def test_the_desk_prints_check_out_papers_for_a_volunteer_as_for_staff(desk, persona, targets, who):
    client = desk(persona(who))
    agreement = client.get(f"/desk/loans/{targets['loan']}/agreement.pdf")
    assert agreement.status_code == 200 and agreement["Content-Type"] == "application/pdf"
    tags = " ".join(targets["asset_tags"][:2])
    labels = client.post("/desk/labels/", {"tags": tags})
    assert labels.status_code == 200 and labels["Content-Type"] == "application/pdf"


def test_the_desk_answers_404_for_another_organisations_loan_and_names_the_field_for_its_tags(
    desk, targets, staff_of_org_b
):
    client = desk(staff_of_org_b)
    assert client.get(f"/desk/loans/{targets['loan']}/agreement.pdf").status_code == 404
    labels = client.post("/desk/labels/", {"tags": targets["asset_tags"][0]})
    assert labels.status_code == 400
    assert labels.context["form"].errors["tags"]
    assert not any(tag.encode() in labels.content for tag in targets["asset_tags"][1:])


def test_the_desk_has_no_export_page():
    """If the desk gets a CSV/export page, it must be added to this file with the export row of the table."""
    from frontend.urls import urlpatterns

    names = [pattern.name for pattern in urlpatterns]
    assert not [name for name in names if re.search(r"export|csv|xlsx", name or "")], names
    # check-out papers: a course's agreements in one PDF follows the loan agreement's row (volunteers too,
    # tests/frontend/test_desk_courses.py); the intake page's label sheet (device-labels) is the label
    # sheet's row, for whoever takes devices in (tests/frontend/test_desk_devices.py).
    assert {pattern.name for pattern in urlpatterns if re.search(r"pdf|label", str(pattern.pattern))} == {
        "loan-agreement",
        "course-agreements",
        "labels",
        "device-labels",
        # export row: the internet-code letter, staff and admins (tests/frontend/test_desk_codes.py)
        "code-letter",
    }
