"""A whole course in Chromium at 768 px: eight participants (six enrolled, two added inline) lent a tablet each
in one submit, every agreement in one PDF, counting the coordinator's actions; axe finds nothing serious or
critical on the course pages; no admin page is opened."""

import datetime
import re

import pytest

from inventory.choices import DeviceKind
from loans import services
from loans.models import CohortMember, Loan
from messaging.models import OutboundMessage
from organizations.calendar import next_opening_day
from tests.factories import ParticipantFactory
from tests.loans.factories import CohortFactory, DeviceFactory, LoanPolicyFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_eight_participants_of_a_course_lent_tablets_in_at_most_30_actions(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    staff_of_org_a,
):
    course = CohortFactory(
        organization=org_a, name="Tablet initiation", ends_on=services.today() + datetime.timedelta(days=40)
    )
    LoanPolicyFactory(organization=org_a, name="Take-home laptop", period_days=28)
    course_policy = LoanPolicyFactory(
        organization=org_a, name="Course tablet", period_kind="cohort", period_days=None, max_renewals=0
    )
    enrolled = [ParticipantFactory(organization=org_a, display_name=f"Member {i}", sms_consent=True) for i in range(6)]
    for person in enrolled:
        CohortMember.objects.create(organization=org_a, cohort=course, participant=person)
    tablets = [DeviceFactory(organization=org_a, kind=DeviceKind.TABLET, asset_tag=f"TAB-{i:02}") for i in range(8)]

    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    actions = 0
    page.click("header >> text=Courses")
    page.click("text=Lend to Tablet initiation")
    actions += 2
    assert not serious_violations(page)
    assert page.input_value("#id_policy") == str(course_policy.pk)  # the course's policy is preselected
    for person, tablet in zip(enrolled, tablets, strict=False):
        page.fill(f"#id_device_{person.pk}", tablet.asset_tag.lower())  # typed, lower case: still found
        actions += 1
    for index, tablet in enumerate(tablets[6:]):
        page.fill(f"#id_new{index}-display_name", f"Newcomer {index}")
        page.fill(f"#id_new{index}-phone", f"0470 00 00 0{index}")
        page.fill(f"#id_new{index}-device", tablet.asset_tag)
        actions += 3
    page.click("button:has-text('Lend to everyone and print the agreements')")
    actions += 1
    page.wait_for_url(re.compile(r"/desk/courses/\d+/\?printed="))
    assert not serious_violations(page)
    screenshot(page, "desk-course-lent")

    loans = Loan.objects.filter(cohort=course)
    assert loans.count() == 8
    assert {loan.due_on for loan in loans} == {next_opening_day(org_a, course.ends_on)}
    assert CohortMember.objects.filter(cohort=course).count() == 8
    assert OutboundMessage.objects.filter(template="loan_confirmation").count() >= 6

    with page.expect_response(re.compile(r"/agreements\.pdf")) as answer:
        page.click("text=Print all agreements (one PDF)")
    actions += 1
    assert answer.value.ok and answer.value.headers["content-type"] == "application/pdf"
    print(f"\n{__name__}: {actions} actions (limit 30)")
    assert actions <= 30, actions
    assert not [url for url in visited if "/admin/" in url]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width


def test_a_device_of_another_organisation_scanned_in_a_course_row_is_refused_in_the_browser(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    org_b,
    staff_of_org_a,
):
    course = CohortFactory(organization=org_a, name="Tablet initiation")
    person = ParticipantFactory(organization=org_a, display_name="Member 0")
    CohortMember.objects.create(organization=org_a, cohort=course, participant=person)
    LoanPolicyFactory(organization=org_a, name="Course tablet", period_kind="cohort", period_days=None)
    DeviceFactory(organization=org_b, asset_tag="OB-0001")
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/courses/{course.pk}/checkout/")
    page.fill(f"#id_device_{person.pk}", "OB-0001")
    page.click("button:has-text('Lend to everyone and print the agreements')")
    page.wait_for_selector(f"#id_device_{person.pk}_error")
    assert not Loan.objects.exists()
