"""core.api.filters.RequestedFiltersBackend builds only the filters a request names, and answers exactly
what django-filter's own backend answers: same rows, same order, same 400s naming the parameter."""

import datetime

import django_filters
import pytest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter

from core.api.filters import RequestedFiltersBackend, is_named
from inventory.api.views import DeviceViewSet
from loans import services
from loans.api.views import LoanViewSet
from tests.factories import GrantFactory, ParticipantFactory
from tests.inventory.factories import DeviceFactory, DonorFactory
from tests.loans.conftest import backdate
from tests.loans.factories import DeviceFactory as AvailableDeviceFactory
from tests.loans.factories import LoanPolicyFactory

pytestmark = pytest.mark.django_db
PLAIN = [DjangoFilterBackend, SearchFilter, OrderingFilter]


def test_a_parameter_names_a_filter_alone_or_with_a_widget_suffix():
    assert is_named("status", ["page", "status"])
    assert is_named("due_on", ["due_on_after"])
    assert not is_named("status", ["statuses", "page"])
    assert not is_named("open", ["page", "ordering"])


@pytest.fixture
def devices(org_a, org_b):
    donor = DonorFactory(organization=org_a, name="Brussels Telecom")
    grant = GrantFactory(organization=org_a)
    made = []
    for n, (status, kind, condition) in enumerate(
        [
            ("available", "laptop", "A"),
            ("available", "tablet", "B"),
            ("intake", "laptop", "A"),
            ("in_repair", "laptop", "C"),
            ("available", "chromebook", "A"),
            ("retired", "tablet", "parts"),
            ("available", "laptop", "B"),
        ]
    ):
        made.append(
            DeviceFactory(
                organization=org_a,
                asset_tag=f"DT-{n:04d}",
                status=status,
                kind=kind,
                condition=condition,
                donor=donor if n % 2 else None,
                grant=grant if n % 3 == 0 else None,
                location="Shelf 1" if n < 4 else "Cupboard",
            )
        )
    DeviceFactory(organization=org_b, asset_tag="DT-0001", status="available")
    return made


def _both(client, monkeypatch, view, url, params):
    ours = client.get(url, params)
    with monkeypatch.context() as patch:
        patch.setattr(view, "filter_backends", PLAIN)
        plain = client.get(url, params)
    return ours, plain


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "available"},
        {"status": ["available", "intake"]},
        {"kind": "laptop", "condition": "A"},
        {"location": "Shelf 1", "ordering": "-asset_tag"},
        {"donor": "__donor__"},
        {"search": "DT-000", "page_size": 3, "page": 2},
        {"unknown": "x", "page_size": 2},
        {"status": "broken"},
        {"kind": "toaster"},
        {"donor": "not-a-number"},
    ],
)
def test_the_device_list_answers_as_django_filters_backend(api, staff_of_org_a, devices, monkeypatch, params):
    if params.get("donor") == "__donor__":
        params = {"donor": devices[1].donor_id}
    ours, plain = _both(api.as_user(staff_of_org_a), monkeypatch, DeviceViewSet, "/api/v1/devices/", params)
    assert ours.status_code == plain.status_code
    assert ours.json() == plain.json()
    if ours.status_code == 400:
        named = next(name for name in params if name not in ("page", "page_size", "ordering", "search"))
        assert named in ours.json()["fields"]


@pytest.fixture
def loans(org_a, staff_of_org_a):
    policy = LoanPolicyFactory(organization=org_a)
    made = []
    for n, due_days in enumerate([-9, -2, 0, 3, 12, 30]):
        loan = services.loan_checkout(
            organization=org_a,
            participant=ParticipantFactory(organization=org_a, display_name=f"Person {n}"),
            policy=policy,
            devices=[AvailableDeviceFactory(organization=org_a)],
            by=staff_of_org_a,
        )
        made.append(backdate(loan, due_days_ago=-due_days))
    services.loan_return(loan=made[3], by=staff_of_org_a, condition="good")
    return made


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"overdue": "true"},
        {"overdue": "false"},
        {"open": "true", "ordering": "due_on"},
        {"status": "returned"},
        {"due_before": "__in_5_days__"},
        {"due_after": "__today__", "due_before": "__in_20_days__"},
        {"participant": "__first__"},
        {"overdue": "maybe"},
        {"due_before": "2026-13-01"},
        {"status": "sideways"},
    ],
)
def test_the_loan_list_answers_as_django_filters_backend(api, staff_of_org_a, loans, monkeypatch, params):
    today = services.today()
    values = {
        "__in_5_days__": str(today + datetime.timedelta(days=5)),
        "__in_20_days__": str(today + datetime.timedelta(days=20)),
        "__today__": str(today),
        "__first__": loans[0].participant_id,
    }
    params = {name: values.get(value, value) for name, value in params.items()}
    ours, plain = _both(api.as_user(staff_of_org_a), monkeypatch, LoanViewSet, "/api/v1/loans/", params)
    assert ours.status_code == plain.status_code
    assert ours.json() == plain.json()
    if params == {"overdue": "true"}:
        assert [row["id"] for row in ours.json()["results"]] == [loans[0].id, loans[1].id]
    if ours.status_code == 400:
        assert next(iter(params)) in ours.json()["fields"]


def test_only_the_named_filters_are_built(api, staff_of_org_a, devices, monkeypatch):
    built = []
    original = django_filters.FilterSet.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(sorted(self.filters))

    monkeypatch.setattr(django_filters.FilterSet, "__init__", recording)
    client = api.as_user(staff_of_org_a)
    assert client.get("/api/v1/devices/", {"page": 1, "ordering": "kind"}).status_code == 200
    assert built == []
    assert client.get("/api/v1/devices/", {"status": "available"}).json()["count"] == 4
    assert built == [["status"]]
    assert RequestedFiltersBackend in DeviceViewSet.filter_backends


def test_a_page_past_the_first_joins_the_right_donor_and_grant(api, staff_of_org_a, devices):
    """The device page picks its ids first and joins donor and grant to those rows only (a deferred join)."""
    client = api.as_user(staff_of_org_a)
    for ordering, expected in (("asset_tag", devices[3:6]), ("-asset_tag", devices[::-1][3:6])):
        rows = client.get("/api/v1/devices/", {"page_size": 3, "page": 2, "ordering": ordering}).json()["results"]
        assert [row["asset_tag"] for row in rows] == [device.asset_tag for device in expected]
        assert [row["donor_name"] for row in rows] == [getattr(device.donor, "name", None) for device in expected]
        assert [row["grant"] for row in rows] == [device.grant_id for device in expected]


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/loan-policies/", "is_active"),  # a filter django-filter builds from `filterset_fields`
        ("/api/v1/connectivity/programmes/", "one_per_household"),
        ("/api/v1/repairs/", "open"),
        ("/api/v1/staff-tasks/", "is_open"),
    ],
)
def test_every_yes_no_filter_refuses_a_typo_with_a_400_naming_it(api, staff_of_org_a, url, name):
    response = api.as_user(staff_of_org_a).get(url, {name: "ture"})
    assert response.status_code == 400 and name in response.json()["fields"]
    assert api.as_user(staff_of_org_a).get(url, {name: "true"}).status_code == 200


def test_a_filterset_built_from_filterset_fields_is_built_once(api, staff_of_org_a, monkeypatch):
    from core.api import filters

    backend, view = RequestedFiltersBackend(), type("V", (), {"filterset_fields": ["is_active"]})()
    from loans.models import LoanPolicy

    first = backend.get_filterset_class(view, LoanPolicy.objects.all())
    assert backend.get_filterset_class(view, LoanPolicy.objects.all()) is first
    assert issubclass(first, filters.FilterSet) and "is_active" in first.base_filters
