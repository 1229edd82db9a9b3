"""The organisation's report in Chromium at 768 px: an admin opens Reports from the desk's menu, picks last
year, and reads exact figures with their downloads, counting the actions; axe finds nothing serious or
critical; no admin page is opened; a quarter numbered 5 is refused naming the field."""

import pytest
from django.utils import timezone

from inventory.choices import DeviceStatus
from tests.inventory.factories import DeviceFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_an_admin_reads_last_years_report(site, new_page, org_a, admin_of_org_a):  # noqa: F811
    for _index in range(3):
        DeviceFactory(organization=org_a, status=DeviceStatus.ON_LOAN)
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, admin_of_org_a.username)
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    actions = 0
    page.click("header >> text=Reports")
    page.select_option("#id_period", "year")
    page.click("button:has-text('Show the figures')")
    actions += 3
    last_year = timezone.localdate().year - 1
    page.wait_for_selector(f"text=Figures from {last_year}-01-01 to {last_year}-12-31")
    row = page.locator("table[data-key=devices_now] tr", has_text="On loan")
    assert row.inner_text().split()[-1] == "3"  # exact: the organisation's own figures
    assert page.locator(f"a[href*='format=xlsx'][href*='period_start={last_year}-01-01']").count() >= 1
    assert not serious_violations(page)
    screenshot(page, "desk-report-year")
    print(f"\n{__name__}: {actions} actions (limit 3)")
    assert actions <= 3

    page.select_option("#id_period", "quarter")
    page.fill("#id_year", str(last_year))
    page.fill("#id_number", "5")
    page.click("button:has-text('Show the figures')")
    page.wait_for_selector("[role=alert] >> text=number")
    assert not [url for url in visited if "/admin/" in url]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
