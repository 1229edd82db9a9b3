"""The organisation's own report at the desk (/desk/reports/): exact figures for its admins, the funder's
(suppressed) version for staff, any period but a grant's, downloads and each grant's report for the same
period. Another organisation's report is 404; a bad period is a 400 naming the field."""

import pytest
from django.test import Client
from django.utils import timezone

from inventory.choices import DeviceStatus
from organizations.models import Grant
from tests.inventory.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def desk(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def three_on_loan(org_a):
    return [DeviceFactory(organization=org_a, status=DeviceStatus.ON_LOAN) for _index in range(3)]


def test_the_admin_sees_exact_figures_and_staff_the_funders_version(admin_of_org_a, staff_of_org_a, three_on_loan):
    exact = desk(admin_of_org_a).get("/desk/reports/")
    assert exact.status_code == 200
    assert exact.context["report"]["suppressed"] is False
    assert exact.context["report"]["devices_now"]["by_status"]["on_loan"] == 3
    assert '<th scope="row">On loan</th><td>3</td>' in exact.content.decode()

    hidden = desk(staff_of_org_a).get("/desk/reports/")
    assert hidden.context["report"]["suppressed"] is True
    assert '<th scope="row">On loan</th><td>&lt;5</td>' in hidden.content.decode()


def test_a_year_is_reported_and_linked_with_each_grants_report(admin_of_org_a, org_a, three_on_loan):
    last_year = timezone.localdate().year - 1
    page = desk(admin_of_org_a).get("/desk/reports/", {"period": "year"})
    assert page.context["report"]["period"] == {"start": f"{last_year}-01-01", "end": f"{last_year}-12-31"}
    body = page.content.decode()
    period = f"period_start={last_year}-01-01&amp;period_end={last_year}-12-31"
    assert f"/api/v1/reports/organizations/{org_a.pk}/?format=xlsx&amp;{period}" in body
    for grant in Grant.objects.filter(organization=org_a):
        assert f"/api/v1/reports/grants/{grant.pk}/?format=pdf&amp;{period}" in body
        assert f"/api/v1/reports/grants/{grant.pk}/?format=pdf&amp;period=grant" in body


def test_another_organisations_report_is_404(admin_of_org_a, org_b, staff_of_org_b):
    assert desk(admin_of_org_a).get("/desk/reports/", {"organization": org_b.pk}).status_code == 404
    assert desk(admin_of_org_a).get("/desk/reports/", {"organization": "x"}).status_code == 404
    own = desk(staff_of_org_b).get("/desk/reports/")
    assert own.status_code == 200 and own.context["organization"] == org_b


@pytest.mark.parametrize(
    "params,field",
    [
        ({"period": "grant"}, "period"),
        ({"period": "fortnight"}, "period"),
        ({"period_start": "2026-03-01", "period_end": "2026-02-01"}, "period_end"),
        ({"period_start": "2020-01-01", "period_end": "2025-01-01"}, "period_end"),
        ({"period": "quarter", "year": "2026", "number": "5"}, "number"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(admin_of_org_a, params, field):
    page = desk(admin_of_org_a).get("/desk/reports/", params)
    assert page.status_code == 400
    assert f"<code>{field}</code>" in page.content.decode()
    assert "report" not in page.context


def test_a_funder_user_is_sent_to_the_funder_pages(funder_user):
    response = desk(funder_user).get("/desk/reports/")
    assert response.status_code == 302 and response["Location"].endswith("/funder/")


def test_the_report_page_is_in_the_desks_menu(staff_of_org_a):
    today = desk(staff_of_org_a).get("/desk/").content.decode()
    assert 'href="/desk/reports/"' in today
