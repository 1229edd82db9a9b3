"""The benchmark floors (benchmarks/floors.py) must return the same page as the endpoint they stand
beside, or the ratios in docs/performance.md compare different work. Not timed: the timing is benchmarks/run.py."""

import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from rest_framework.authtoken.models import Token

from inventory.models import Device
from loans.models import Loan
from loans.services import today
from organizations.models import Membership, Organization

pytestmark = pytest.mark.urls("benchmarks.urls")


@pytest.fixture
def staff_client(db):
    sizes = {"organizations": 3, "devices": 200, "participants": 150, "loans": 500, "open_loans": 120, "codes": 60}
    call_command("seed_scale", **sizes, stdout=io.StringIO())
    organization = Organization.objects.get(short_code="SAA")
    user = Membership.objects.filter(organization=organization).first().user
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("query", ["page=2&page_size=50", "status=available", "kind=laptop&condition=A"])
def test_the_device_floor_returns_the_same_page(staff_client, query):
    api = staff_client.get(f"/api/v1/devices/?{query}")
    floor = staff_client.get(f"/bench/floor/devices/?{query}")
    assert ids(api) and ids(api) == ids(floor)
    assert api.json()["count"] == floor.json()["count"]


def test_the_unfiltered_total_counts_the_bulk_inserted_devices(staff_client):
    """The endpoint and the floor read the trigger-kept tallies: the seed's bulk inserts must keep them exact."""
    expected = Device.objects.filter(organization__short_code="SAA").count()
    assert staff_client.get("/api/v1/devices/").json()["count"] == expected
    assert staff_client.get("/bench/floor/devices/").json()["count"] == expected


def test_the_overdue_floor_returns_the_same_page(staff_client):
    api, floor = staff_client.get("/api/v1/loans/?overdue=true"), staff_client.get("/bench/floor/loans/overdue/")
    assert ids(api) and ids(api) == ids(floor)
    assert (
        api.json()["count"]
        == floor.json()["count"]
        == Loan.objects.overdue(on=today()).filter(organization__short_code="SAA").count()
    )
    assert [row["participant_name"] for row in api.json()["results"]] == [
        row["participant_name"] for row in floor.json()["results"]
    ]


def test_the_public_loan_floor_shows_the_same_loan(staff_client):
    loan = Loan.objects.open().filter(organization__short_code="SAA").first()
    api = Client().get(f"/api/v1/public/loans/{loan.public_token}/").json()
    floor = Client().get(f"/bench/floor/public/loans/{loan.public_token}/").json()
    assert floor["due_on"] == api["due_on"]
    assert [item["device__asset_tag"] for item in floor["items"]] == [item["asset_tag"] for item in api["items"]]


def test_the_floors_refuse_a_bad_token_and_an_unknown_loan(staff_client):
    assert Client(HTTP_AUTHORIZATION="Token nope").get("/bench/floor/devices/").status_code == 404
    assert Client().get("/bench/floor/public/loans/unknown/").status_code == 404


@override_settings(ROOT_URLCONF="backend.urls")
def test_production_urls_have_no_floor():
    with pytest.raises(Resolver404):
        resolve("/bench/floor/devices/")
