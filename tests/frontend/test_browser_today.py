"""The Today page in Chromium at 768 px: record a call on an overdue loan, send its reminder again and approve a
renewal asked on the card, counting the coordinator's actions; axe finds nothing serious or critical."""

import datetime
import re

import pytest

from frontend.services import card_renewal_request
from loans.models import Loan, LoanCall
from loans.services import renewal_due_on, today
from messaging.models import OutboundMessage
from organizations.models import StaffTask
from tests.factories import ParticipantFactory

from .conftest import set_due
from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_a_coordinator_records_a_call_reminds_and_approves_a_renewal_from_today(
    site,  # noqa: F811
    new_page,  # noqa: F811
    settings,
    org_a,
    staff_of_org_a,
    lend,
):
    settings.SMS_BACKEND = "locmem"
    late = set_due(lend(), days_from_today=-6)
    asking = set_due(lend(participant=ParticipantFactory(organization=org_a, display_name="Amina")), days_from_today=2)
    assert card_renewal_request(loan=asking) == "requested"
    task = StaffTask.objects.get()
    renews_to = renewal_due_on(asking)
    next_call = today() + datetime.timedelta(days=3)

    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")  # lands on Today
    actions = 0
    assert "6 days late" in page.inner_text(f"#loan-{late.pk}")
    assert page.get_attribute(f"#loan-{late.pk} a.tel", "href").startswith("tel:+32")
    assert not serious_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width

    page.click(f"#loan-{late.pk} summary")
    page.select_option(f"#overdue-{late.pk}-outcome", "needs_time")
    page.fill(f"#overdue-{late.pk}-next", next_call.isoformat())
    assert not serious_violations(page)  # the open call form too
    page.click(f"#loan-{late.pk} button:has-text('Save the call')")
    actions += 4
    page.wait_for_selector("text=Call recorded for Marc Dubois.")
    call = LoanCall.objects.get(loan=late)
    assert (call.outcome, call.next_on) == ("needs_time", next_call)
    assert f"Call again on {next_call:%d/%m/%Y}" in page.inner_text(f"#loan-{late.pk}")

    page.click(f"#loan-{late.pk} button:has-text('Send the reminder again')")
    actions += 1
    page.wait_for_selector("text=Reminder sent again to Marc Dubois.")
    assert OutboundMessage.objects.filter(object_id=late.pk, template="loan_reminder").count() == 1
    assert "Last SMS:" in page.inner_text(f"#loan-{late.pk}")

    page.click(f"#task-{task.pk} button:has-text('Approve')")
    actions += 1
    page.wait_for_selector("text=Renewed: Amina's loan")
    assert Loan.objects.get(pk=asking.pk).due_on == renews_to
    assert StaffTask.objects.get(pk=task.pk).done_at is not None

    print(f"\n{__name__}: {actions} actions (limit 6)")
    assert actions <= 6, actions  # a call in 4 (open, outcome, date, save), the reminder in 1, approve in 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    assert not serious_violations(page)
    assert not re.search(r"/admin/", page.url)
    screenshot(page, "desk-today")
