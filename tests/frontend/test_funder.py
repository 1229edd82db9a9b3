"""Funder pages: the grants a funder user's funders pay, nothing personal, nothing of other funders."""

import pytest
from django.test import Client

from tests.factories import FunderFactory, GrantFactory
from tests.loans.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_a_funder_user_sees_their_grants_with_the_reports_suppressed_figures(funder_user, org_a, org_b):
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
    # the funder report's figures (suppressed): 2 devices, 1 on loan, both shown as <5
    assert '<th scope="row">Devices in total</th><td>&lt;5</td>' in html
    assert '<th scope="row">On loan</th><td>&lt;5</td>' in html


def test_staff_without_a_funder_get_403(staff_of_org_a):
    client = Client()
    client.force_login(staff_of_org_a)
    assert client.get("/funder/").status_code == 403


def test_anonymous_users_must_log_in(client):
    assert client.get("/funder/")["Location"].startswith("/desk/login/")


def test_the_funder_page_links_working_pdf_and_csv_reports_of_its_grants(funder_user):
    from django.urls import reverse

    from organizations.models import Grant

    grant = Grant.objects.get(name="Laptops for A")
    client = Client()
    client.force_login(funder_user)
    html = client.get("/funder/").content.decode()
    url = reverse("report-grant", args=[grant.pk])
    assert f"{url}?format=pdf" in html and f"{url}?format=csv" in html
    pdf = client.get(f"{url}?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"{url}?format=csv").status_code == 200


def test_the_funder_page_takes_the_same_number_of_queries_for_1_and_20_grants(funder_user, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Grant

    client = Client()
    client.force_login(funder_user)
    with CaptureQueriesContext(connection) as one:
        client.get("/funder/")
    funder = Grant.objects.get(name="Laptops for A").funder
    for n in range(19):
        GrantFactory(organization=org_a, funder=funder, name=f"Grant {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/funder/")
    assert len(many) == len(one)
