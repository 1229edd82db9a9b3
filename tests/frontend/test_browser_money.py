"""Money at the counter in Chromium at 768 px: a loan with a fee and a deposit paid in cash at checkout, then
check-in from the loan page with the deposit given back in the same step, counting the coordinator's actions;
axe finds nothing serious or critical on step 3, the loan page and check-in; no admin page is opened."""

import re
from decimal import Decimal

import pytest

from inventory.choices import DeviceStatus
from loans.choices import LoanStatus, PaymentKind
from loans.models import Loan, Payment
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_a_loan_with_fee_and_deposit_to_check_in_with_refund_in_at_most_12_actions(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    staff_of_org_a,
):
    LoanPolicyFactory(organization=org_a, name="Laptop rental", period_days=28, fee_amount=5, deposit_amount=20)
    device = DeviceFactory(organization=org_a, asset_tag="OA-0042")
    ParticipantFactory(organization=org_a, display_name="Amina El Idrissi")
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    actions = 0

    page.click("header >> text=Check out")
    page.fill("#id_tags", "OA-0042")
    page.click("button:has-text('Next')")
    actions += 3
    page.fill("#id_q", "Amina")
    page.click("button:has-text('Search')")
    page.click("text=Amina El Idrissi")
    actions += 3
    page.wait_for_url(re.compile(r"/desk/checkout/policy/"))
    terms = page.inner_text("#terms")
    assert "28 days" in terms and "5.00 €" in terms and "20.00 €" in terms
    assert not serious_violations(page)
    page.check("#id_payment_1")  # paid now in cash
    page.click("button:has-text('Lend and print the agreement')")
    actions += 2
    page.wait_for_url(re.compile(r"/desk/loans/\d+/\?new=1"))
    assert "20.00 €" in page.inner_text("#money-refundable")
    assert "0.00 €" in page.inner_text("#money-owed")
    assert not serious_violations(page)
    screenshot(page, "desk-loan-money")
    loan = Loan.objects.get()
    assert {p.received_by for p in Payment.objects.filter(loan=loan)} == {staff_of_org_a}

    page.click("main >> text=Check in")
    actions += 1
    assert "Deposit to give back: 20.00 €" in page.inner_text("#deposit")
    assert not serious_violations(page)
    page.check("#id_refund_deposit")
    page.click("button:has-text('Take back')")
    actions += 2
    page.wait_for_selector("text=Deposit given back: 20.00 €.")
    assert "It is available to lend again." in page.inner_text("main")
    print(f"\n{__name__}: {actions} actions (limit 12)")
    assert actions <= 12, actions

    loan.refresh_from_db()
    device.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and device.status == DeviceStatus.AVAILABLE
    assert Payment.objects.get(loan=loan, kind=PaymentKind.DEPOSIT).refunded_amount == Decimal("20.00")
    assert not [url for url in visited if "/admin/" in url]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width


def test_a_negative_payment_is_refused_next_to_its_field_in_the_browser(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    staff_of_org_a,
):
    from loans import services

    policy = LoanPolicyFactory(organization=org_a, fee_amount=5, deposit_amount=20)
    loan = services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a),
        policy=policy,
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/loans/{loan.pk}/")
    page.fill("#id_amount", "-20")
    page.click("button:has-text('Record the payment')")
    page.wait_for_selector("#id_amount_error")
    assert not Payment.objects.exists()
