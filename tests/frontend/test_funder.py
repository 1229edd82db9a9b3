"""Funder pages: the grants a funder user's funders pay, nothing personal, nothing of other funders."""

import pytest
from django.test import Client

from tests.factories import FunderFactory, GrantFactory
from tests.loans.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_a_funder_user_sees_their_grants_with_device_counts(funder_user, org_a, org_b):
    from organizations.models import Grant

    grant = Grant.objects.get(name="Laptops for A")
    DeviceFactory(organization=org_a, grant=grant)
    DeviceFactory(organization=org_a, grant=grant, status="on_loan")
    GrantFactory(organization=org_b, funder=FunderFactory(name="Other fund"), name="Tablets for B")
    client = Client()
    client.force_login(funder_user)
    response = client.get("/funder/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Laptops for A" in html and "Tablets for B" not in html
    assert "<td>2</td><td>1</td>" in html


def test_staff_without_a_funder_get_403(staff_of_org_a):
    client = Client()
    client.force_login(staff_of_org_a)
    assert client.get("/funder/").status_code == 403


def test_anonymous_users_must_log_in(client):
    assert client.get("/funder/")["Location"].startswith("/desk/login/")
