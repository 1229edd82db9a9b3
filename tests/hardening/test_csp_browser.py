"""The Content-Security-Policy in a real browser: Swagger UI, the admin (with its language picker) and the
desk still work, and Chromium reports no blocked script, style or request."""
# ruff: noqa: F811 - the browser fixtures are imported from tests/frontend/test_browser.py

from tests.frontend.test_browser import (  # noqa: F401 - fixtures
    PASSWORD,
    browser,
    log_in,
    new_page,
    site,
    sync_api,
)
from tests.frontend.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def _watch_csp(page) -> list[str]:
    """Console messages Chromium writes when the policy blocks something."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return blocked


def test_swagger_ui_renders_the_api_under_the_policy(new_page, site):
    page = new_page()
    blocked = _watch_csp(page)
    page.goto(f"{site}/api/docs/")
    # Swagger UI is drawn by its scripts from the schema: a title and operations mean they ran.
    page.wait_for_selector(".opblock", timeout=20000)
    assert "Lendwise API" in page.locator(".info .title").inner_text()
    assert page.locator(".opblock").count() >= 5
    assert not blocked, blocked


def test_the_admin_language_picker_works_under_the_policy(new_page, site, superuser):
    superuser.set_password(PASSWORD)
    superuser.save()
    page = new_page()
    blocked = _watch_csp(page)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    with page.expect_navigation():
        page.select_option("#language-picker", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not blocked, blocked


def test_the_desk_and_its_scan_script_work_under_the_policy(new_page, site, staff_of_org_a):
    page = new_page()
    blocked = _watch_csp(page)
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/checkin/")
    page.wait_for_selector("#id_tag-camera")  # the scan script ran under the policy and added its button
    assert not blocked, blocked
