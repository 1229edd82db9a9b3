"""axe-core on the desk pages the flow tests do not open: the courses list, a course's return page, the renew
confirmation and the participant's step-3 terms with a course preselected. 0 serious or critical violations,
and a 768 px tablet does not scroll sideways."""

import datetime

import pytest

from loans import services
from loans.models import CohortMember
from tests.factories import ParticipantFactory
from tests.loans.factories import CohortFactory, DeviceFactory, LoanPolicyFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_the_other_new_desk_pages_have_no_serious_violations(site, new_page, org_a, staff_of_org_a):  # noqa: F811
    course = CohortFactory(
        organization=org_a, name="Tablet initiation", ends_on=services.today() + datetime.timedelta(30)
    )
    person = ParticipantFactory(organization=org_a, display_name="Member 0")
    CohortMember.objects.create(organization=org_a, cohort=course, participant=person)
    policy = LoanPolicyFactory(organization=org_a, name="Course tablet", period_kind="cohort", period_days=None)
    services.cohort_checkout(
        cohort=course,
        policy=policy,
        rows=[services.GroupRow(participant=person, device=DeviceFactory(organization=org_a))],
        by=staff_of_org_a,
    )
    loan = services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a),
        policy=LoanPolicyFactory(organization=org_a, name="Laptop rental"),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    free = DeviceFactory(organization=org_a)
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    for path in (
        "/desk/courses/",
        f"/desk/courses/{course.pk}/return/",
        f"/desk/loans/{loan.pk}/renew",
        f"/desk/checkout/policy/?devices={free.pk}&participant={person.pk}",
    ):
        page.goto(site + path)
        assert page.locator("h1").count() == 1, path
        assert not serious_violations(page), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 768, (path, width)
    assert page.input_value("#id_cohort") == str(course.pk)  # the only course running is preselected

    # bad input: the course's return page sent with nothing ticked or scanned says so and takes nothing back
    page.goto(f"{site}/desk/courses/{course.pk}/return/")
    page.click("main button:has-text('Take back')")
    page.wait_for_selector("[role=alert], .errorlist")
    assert CohortMember.objects.filter(cohort=course).count() == 1
    assert services.cohort_open_loans(course).count() == 1
