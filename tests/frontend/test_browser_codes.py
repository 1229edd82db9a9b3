"""Internet codes in Chromium at 768 px: from the participant's page to the assigned code and its printed
letter, counting the coordinator's actions (at most 8); axe finds nothing serious or critical; no admin
page is opened; a second code for the same household is refused next to its field."""

import re

import pytest

from connectivity.choices import CodeStatus
from connectivity.models import CodeRevealLog, EligibilityCode
from tests.connectivity.factories import CodeBatchFactory, EligibilityCodeFactory, PackFactory
from tests.factories import ParticipantFactory

from .test_browser import CHROMIUM, browser, log_in, new_page, screenshot, serious_violations, site  # noqa: F401

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_from_the_participant_page_to_the_code_and_its_letter_in_at_most_8_actions(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    staff_of_org_a,
):
    batch = CodeBatchFactory(organization=org_a)
    pack = PackFactory(programme=batch.programme, name="Essential 20 GB", modem_included=False)
    EligibilityCodeFactory.create_batch(2, batch=batch, pack=pack)
    person = ParticipantFactory(organization=org_a, display_name="Fatima Zahra")
    neighbour = ParticipantFactory(organization=org_a, display_name="Next Door")
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(f"{site}/desk/participants/{person.pk}/")
    actions = 0
    page.click("text=Give an internet code")
    actions += 1
    assert not serious_violations(page)
    page.select_option("#id_eligibility_basis", "cpas_client")
    page.fill("#id_household_ref", "Rue Haute 12")
    page.click("button:has-text('Give the next code')")
    actions += 3
    page.wait_for_url(re.compile(r"/desk/codes/\d+/\?new=letter"))
    assert not serious_violations(page)
    screenshot(page, "desk-code-given")
    # the letter opens in a new tab: listen on the whole browser context
    with page.context.expect_event("response", lambda response: "/letter.pdf" in response.url) as answer:
        page.click("#letter")
    actions += 1
    assert answer.value.ok and answer.value.headers["content-type"] == "application/pdf"
    print(f"\n{__name__}: {actions} actions (limit 8)")
    assert actions <= 8, actions
    code = EligibilityCode.objects.get(participant=person)
    assert code.status == CodeStatus.ASSIGNED
    assert CodeRevealLog.objects.filter(code=code, purpose="letter").count() == 1
    assert not [url for url in visited if "/admin/" in url]

    # the neighbour in the same household: refused next to the field, nothing given
    page.goto(f"{site}/desk/participants/{neighbour.pk}/codes/new")
    page.select_option("#id_eligibility_basis", "cpas_client")
    page.fill("#id_household_ref", "rue haute 12")
    page.click("button:has-text('Give the next code')")
    page.wait_for_selector("#id_household_ref_error")
    assert not EligibilityCode.objects.filter(participant=neighbour).exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width


def test_a_providers_batch_with_a_duplicate_is_listed_then_imported_when_correct(
    site,  # noqa: F811
    new_page,  # noqa: F811
    org_a,
    staff_of_org_a,
    tmp_path,
):
    batch = CodeBatchFactory(organization=org_a)
    PackFactory(programme=batch.programme, name="Essential 20 GB", modem_included=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,pack,expiry\nTEI-0001,Essential 20 GB,2099-12-31\nTEI-0001,Essential 20 GB,2099-12-31\n")
    good = tmp_path / "good.csv"
    good.write_text("code,pack,expiry\nTEI-0001,Essential 20 GB,2099-12-31\nTEI-0002,Essential 20 GB,2099-12-31\n")
    page = new_page(viewport={"width": 768, "height": 1024})
    log_in(page, site, "staff_a")
    page.click("header >> text=Internet codes")
    assert not serious_violations(page)
    page.select_option("#id_programme", str(batch.programme.pk))
    page.set_input_files("#id_file", str(bad))
    page.check("#id_commit")
    page.click("#import button[type=submit]")
    page.wait_for_selector("#report-errors")
    assert "also on line 2" in page.inner_text("#report-errors")
    assert not serious_violations(page)
    assert not EligibilityCode.objects.filter(code="TEI-0001").exists()
    page.select_option("#id_programme", str(batch.programme.pk))
    page.set_input_files("#id_file", str(good))
    page.check("#id_commit")
    page.click("#import button[type=submit]")
    page.wait_for_selector("text=2 codes imported.")
    assert EligibilityCode.objects.filter(organization=org_a, code__in=["TEI-0001", "TEI-0002"]).count() == 2
