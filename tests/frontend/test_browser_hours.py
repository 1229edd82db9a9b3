"""The opening-hours page in Chromium: an administrator sets the week and a closure, axe finds nothing
serious, and a 768 px tablet shows the whole week without scrolling sideways."""

import datetime
import re

import pytest

from organizations.models import Closure, OpeningHours

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_sets_monday_to_friday_and_a_closed_day(site, new_page, org_a, admin_of_org_a):  # noqa: F811
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "admin_a")
    actions = 0
    page.click("header >> text=Opening hours")
    actions += 1
    assert not serious_violations(page)
    for day in range(5):
        page.fill(f"#id_d{day}_0_opens", "09:00")
        page.fill(f"#id_d{day}_0_closes", "16:00")
        actions += 2
    page.click("button:has-text('Save the opening hours')")
    actions += 1
    page.wait_for_selector("text=The opening hours are saved.")
    assert OpeningHours.objects.filter(organization=org_a).count() == 5
    assert "Mon–Fri 09:00–16:00" in page.inner_text("main")

    day = datetime.date.today() + datetime.timedelta(days=30)
    page.fill("#id_starts_on", day.isoformat())
    page.fill("#id_reason", "Team day")
    page.click("#closure-form button[type=submit]")
    actions += 3
    page.wait_for_selector("text=Team day")
    assert Closure.objects.filter(organization=org_a, starts_on=day).exists()
    print(f"\n{__name__}: {actions} actions (limit 15)")
    assert actions <= 15, actions  # 1 to open, 2 per weekday, 1 to save, 3 for a closed day
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    assert not serious_violations(page)
    assert not re.search(r"/admin/", page.url)
    screenshot(page, "desk-hours")


def test_an_administrator_gives_the_address_in_french_and_a_logo(site, new_page, org_a, admin_of_org_a, tmp_path):  # noqa: F811
    from PIL import Image

    from organizations.models import Organization, OrganizationLogo

    picture = tmp_path / "logo.png"
    Image.new("RGB", (900, 300), (11, 61, 145)).save(picture)
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "admin_a")
    actions = 0
    page.click("header >> text=Opening hours")
    actions += 1
    page.fill("#id_address", "Kasteleinsstraat 10, 1050 Elsene")
    page.fill("#id_address_fr", "Rue du Châtelain 10, 1050 Ixelles")
    page.set_input_files("#id_logo", str(picture))
    page.click("button:has-text('Save the address and logo')")
    actions += 4
    page.wait_for_selector("text=The address and logo are saved.")
    assert Organization.objects.get(pk=org_a.pk).address_fr == "Rue du Châtelain 10, 1050 Ixelles"
    assert len(bytes(OrganizationLogo.objects.get(organization=org_a).png)) <= 5 * 1024
    assert page.locator("#details-title ~ p img[src^='data:image/png']").count() == 1
    print(f"\n{__name__}: {actions} actions (limit 6)")
    assert actions <= 6, actions
    assert not serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
