"""Another organisation's loans, policies, courses, waiting list and payments do not exist for you (404);
list endpoints issue the same number of queries for 1 and 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loans import services
from tests.factories import ParticipantFactory

from .factories import CohortFactory, DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(org_a, lend, policy_a, participant_a):
    loan = lend()
    return {
        "loan": loan,
        "policy": policy_a,
        "cohort": CohortFactory(organization=org_a),
        "entry": services.waitlist_add(organization=org_a, participant=participant_a, device_kind="tablet", by=None),
        "payment": services.payment_record(loan=loan, kind="deposit", amount=20, by=None),
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/loans/{loan}/"),
        ("post", "/api/v1/loans/{loan}/return/"),
        ("post", "/api/v1/loans/{loan}/renew/"),
        ("post", "/api/v1/loans/{loan}/lost/"),
        ("post", "/api/v1/loans/{loan}/give/"),
        ("post", "/api/v1/loans/{loan}/agreement-signed/"),
        ("post", "/api/v1/loans/{loan}/rotate-token/"),
        ("post", "/api/v1/loans/{loan}/revoke-token/"),
        ("get", "/api/v1/loans/{loan}/agreement-pdf/"),
        ("get", "/api/v1/loans/{loan}/handover-pdf/"),
        ("get", "/api/v1/loan-policies/{policy}/"),
        ("patch", "/api/v1/loan-policies/{policy}/"),
        ("delete", "/api/v1/loan-policies/{policy}/"),
        ("get", "/api/v1/cohorts/{cohort}/"),
        ("patch", "/api/v1/cohorts/{cohort}/"),
        ("get", "/api/v1/waitlist/{entry}/"),
        ("post", "/api/v1/waitlist/{entry}/cancel/"),
        ("get", "/api/v1/loan-payments/{payment}/"),
        ("post", "/api/v1/loan-payments/{payment}/refund/"),
    ],
)
def test_another_organisations_object_is_not_found(api, staff_of_org_b, targets, method, url):
    ids = {key: obj.pk for key, obj in targets.items()}
    response = getattr(api.as_user(staff_of_org_b), method)(url.format(**ids), {}, format="json")
    assert response.status_code == 404
    loan = targets["loan"]
    loan.refresh_from_db()
    assert loan.status == "active" and loan.renewals_count == 0


def test_lists_show_only_your_organisations_rows(api, staff_of_org_b, targets):
    client = api.as_user(staff_of_org_b)
    for url in (
        "/api/v1/loans/",
        "/api/v1/loan-policies/",
        "/api/v1/cohorts/",
        "/api/v1/waitlist/",
        "/api/v1/loan-payments/",
    ):
        assert client.get(url).data["count"] == 0, url


def test_a_volunteer_cannot_delete_a_policy(api, volunteer_of_org_a, policy_a):
    assert api.as_user(volunteer_of_org_a).delete(f"/api/v1/loan-policies/{policy_a.pk}/").status_code == 403


def test_staff_of_org_b_cannot_lend_org_a_devices_to_their_own_participants(api, staff_of_org_b, org_b, device_a):
    from .factories import LoanPolicyFactory

    response = api.as_user(staff_of_org_b).post(
        "/api/v1/loans/",
        {
            "participant": ParticipantFactory(organization=org_b).pk,
            "policy": LoanPolicyFactory(organization=org_b).pk,
            "devices": [device_a.pk],
        },
        format="json",
    )
    assert response.status_code == 400 and "devices" in response.data["fields"]


def _count_queries(client, user, url):
    for cached in ("_organization_roles", "_funder_ids"):  # count the role lookup of a real request too
        user.__dict__.pop(cached, None)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.data["count"]


@pytest.mark.parametrize(
    "url", ["/api/v1/loans/", "/api/v1/loans/?overdue=false", "/api/v1/waitlist/", "/api/v1/loan-payments/"]
)
def test_list_query_count_does_not_grow_with_rows(api, staff_of_org_a, org_a, policy_a, url):
    def add_rows(n):
        for _i in range(n):
            person = ParticipantFactory(organization=org_a)
            kit = [DeviceFactory(organization=org_a), DeviceFactory(organization=org_a, kind="accessory")]
            loan = services.loan_checkout(
                organization=org_a, participant=person, policy=policy_a, devices=kit, by=staff_of_org_a
            )
            services.payment_record(loan=loan, kind="fee", amount=5, by=staff_of_org_a)
            services.waitlist_add(organization=org_a, participant=person, device_kind="tablet", by=staff_of_org_a)

    client = api.as_user(staff_of_org_a)
    add_rows(1)
    one, count = _count_queries(client, staff_of_org_a, url)
    assert count == 1
    add_rows(49)
    fifty, count = _count_queries(client, staff_of_org_a, url)
    assert count == 50
    assert one == fifty
    assert fifty <= 5
