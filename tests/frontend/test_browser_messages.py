"""SMS wordings in Chromium at 768 px: an administrator types a text, the live preview shows it with the
organisation's name and the SMS count, an unknown placeholder is said at once and refused on save, the
corrected text is saved; axe finds nothing serious or critical; no admin page is opened."""

import pytest

from messaging.models import SmsWording

from .test_browser import CHROMIUM, browser, log_in, new_page, serious_violations, site, sync_api  # noqa: F401

expect = sync_api.expect

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_edits_a_reminder_with_a_live_preview(site, new_page, org_a, admin_of_org_a):  # noqa: F811
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "admin_a")
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    actions = 0
    page.click("header >> text=Text messages")
    actions += 1
    assert not serious_violations(page)
    page.click("a[href^='/desk/messages/loan_reminder.before/nl/']")
    actions += 1
    assert not serious_violations(page)
    page.fill("#id_body", "{org}: breng het toestel terug op {dat}. {link}")
    expect(page.locator("#preview-size")).to_contain_text("{dat}")  # said at once
    page.fill("#id_body", "{org}: breng het toestel terug op {date}. {link} Bel {phone}")
    actions += 1
    expect(page.locator("#preview-text")).to_contain_text(f"{org_a.name}: breng het toestel terug op")
    assert "1 SMS" in page.inner_text("#preview-size")
    page.click("button[value=save]")
    actions += 1
    page.wait_for_selector("text=The text is saved")
    print(f"\n{__name__}: {actions} actions")
    wording = SmsWording.objects.get(organization=org_a, key="loan_reminder.before", language="nl")
    assert "{date}" in wording.body
    assert not [url for url in visited if "/admin/" in url]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
