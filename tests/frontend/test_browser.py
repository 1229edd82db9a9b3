"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Never a downloaded browser: `playwright install` is not used. The tests skip, saying why, when the
`chromium` Debian package (apt-get install -y chromium) or the playwright package is missing.
Screenshots are saved under test-artifacts/ at the repository root.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from inventory.choices import DeviceStatus
from loans.models import Loan
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-for-tests-1"

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install -e '.[test]')")
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    # The sync Playwright API runs an event loop in this thread while the ORM is used from it. Only for
    # these tests: left set, it would leak into `check --deploy` run by later tests (async.E001).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            # The browser keeps the true clock: under .ci/run's clock-moved runs only the server's moves
            # (libfaketime preloaded into Chromium made pages time out). What is tested is the app's dates.
            real_clock = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True, env=real_clock
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings):
    """The live server, with QR codes and SMS links pointing at it."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_page(browser):
    contexts = []

    def new_page(**options):
        context = browser.new_context(locale=options.pop("locale", "en-GB"), **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield new_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/desk/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{site}/desk/")


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def qr_urls_in_pdf(content: bytes) -> list[str]:
    """The URLs in the agreement: its QR code decoded with OpenCV, else the URL printed next to it.

    OpenCV misreads a small share of valid QR codes (inventory measured 2 in 240), so a few renderings
    are tried before falling back to the printed text, which carries the same URL.
    """
    from pypdf import PdfReader

    printed = re.findall(r"https?://\S+/l/\S+", PdfReader(io.BytesIO(content)).pages[0].extract_text())
    try:
        import cv2
        import numpy
        import pypdfium2
    except ImportError:  # pragma: no cover
        return printed
    detector = cv2.QRCodeDetector()
    page = pypdfium2.PdfDocument(content)[0]
    for scale in (3, 2, 4, 5):
        image = numpy.array(page.render(scale=scale).to_pil().convert("L"))
        text, _points, _straight = detector.detectAndDecode(image)
        if text:
            return [text]
        ok, decoded, _points, _codes = detector.detectAndDecodeMulti(image)
        if ok and any(decoded):
            return [text for text in decoded if text]
    return printed


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    """The checkout queues a real loan-confirmation SMS after commit; keep it in memory."""
    settings.SMS_BACKEND = "locmem"


@pytest.fixture
def lending_setup(org_a, staff_of_org_a):
    policy = LoanPolicyFactory(organization=org_a, name="Take-home laptop rental", agreement_required=True)
    device = DeviceFactory(organization=org_a, asset_tag="OA-0042")
    return policy, device


def test_full_flow_checkout_agreement_loan_card_check_in(site, new_page, lending_setup):
    policy, device = lending_setup
    desk = new_page()
    log_in(desk, site, "staff_a")

    # 1. device
    desk.click("header >> text=Check out")
    desk.fill("#id_tags", "OA-0042")
    desk.click("button:has-text('Next')")
    # 2. participant (new)
    desk.wait_for_url(re.compile(r"/desk/checkout/participant/"))
    desk.fill("#id_display_name", "Amina El Idrissi")
    desk.fill("#id_phone", "0470 12 34 56")
    desk.select_option("#id_preferred_language", "ar")
    desk.check("#id_sms_consent")
    desk.click("button:has-text('Add and continue')")
    # 3. policy, then the agreement. The policy requires it signed: lending without the tick is refused
    # next to the box and lends nothing (12 actions from "Check out" to the saved loan: 11 without the
    # refused attempt).
    desk.wait_for_url(re.compile(r"/desk/checkout/policy/"))
    desk.select_option("#id_policy", str(policy.pk))
    desk.click("button:has-text('Lend and print the agreement')")
    desk.wait_for_selector("#id_agreement_signed_error")
    assert not Loan.objects.exists()
    desk.check("#id_agreement_signed")
    desk.click("button:has-text('Lend and print the agreement')")
    desk.wait_for_url(re.compile(r"/desk/loans/\d+/\?new=1"))
    screenshot(desk, "desk-loan-saved")
    loan = Loan.objects.get(participant__display_name="Amina El Idrissi")
    agreement_href = desk.get_attribute("#agreement", "href")
    pdf = desk.request.get(f"{site}{agreement_href}" if agreement_href.startswith("/") else agreement_href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    card_url = f"{site}/l/{loan.public_token}"
    assert card_url in qr_urls_in_pdf(pdf.body())
    from messaging.models import OutboundMessage

    sms = OutboundMessage.objects.get(idempotency_key=f"loan-confirmation:{loan.pk}")
    assert card_url in sms.body  # the same link by SMS, in Arabic

    # The participant scans the QR code: no login, their language (Arabic, right to left).
    phone = new_page(viewport={"width": 360, "height": 740}, locale="ar")
    phone.goto(card_url)
    assert phone.get_attribute("html", "dir") == "rtl"
    assert phone.get_attribute("html", "lang") == "ar"
    assert "مرحبًا Amina" in phone.inner_text("h1")
    assert "OA-0042" in phone.inner_text("main")
    assert "El Idrissi" not in phone.content()
    screenshot(phone, "loan-card-after-checkout-ar")

    # Check-in by scanning the device label (a scanner types the label URL into the field).
    desk.click("header >> text=Check in")
    desk.fill("#id_tag", f"{site}/s/{device.label_code}")
    desk.click("button:has-text('Take back')")
    desk.wait_for_selector("text=OA-0042 taken back from Amina El Idrissi.")
    device.refresh_from_db()
    assert device.status == DeviceStatus.AVAILABLE

    phone.reload()
    assert "انتهت هذه الإعارة" in phone.inner_text("main")


@pytest.fixture
def card_url(site, org_a, staff_of_org_a):
    from loans.services import loan_checkout

    participant = ParticipantFactory(organization=org_a, display_name="Youssef Benali", preferred_language="ar")
    loan = loan_checkout(
        organization=org_a,
        participant=participant,
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a, asset_tag="OA-0007")],
        by=staff_of_org_a,
    )
    return f"{site}/l/{loan.public_token}"


def test_the_loan_card_in_arabic_at_320_px(new_page, card_url):
    page = new_page(viewport={"width": 320, "height": 640}, locale="ar")
    page.goto(f"{card_url}?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "no sideways scrolling at 320 px"
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18, "large type"
    screenshot(page, "loan-card-ar-320px")
    page.goto(f"{card_url}?lang=nl")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "loan-card-nl-320px")


def test_the_loan_card_is_small_first_party_only_and_works_without_javascript(new_page, card_url, site):
    page = new_page(java_script_enabled=False, viewport={"width": 320, "height": 640})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    transferred = []
    session.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    page.goto(card_url, wait_until="networkidle")
    total = sum(transferred)
    print(f"loan card first load: {total} bytes transferred in {len(transferred)} response(s)")
    assert 0 < total < 30 * 1024, f"{total} bytes transferred on first load"
    assert all(url.startswith(site) for url in requests), requests
    assert page.inner_text("h1") and "OA-0007" in page.inner_text("main")
    # The renew form needs no script either.
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[role=status]").count() == 1
    screenshot(page, "loan-card-no-js-after-renew-request")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_loan_card_has_no_serious_accessibility_violations(new_page, card_url, language):
    page = new_page()
    page.goto(f"{card_url}?lang={language}")
    assert serious_violations(page) == []
    response = page.goto(card_url.rsplit("/", 1)[0] + "/unknown-token")
    assert response.status == 404
    assert serious_violations(page) == []


def test_the_desk_has_no_serious_accessibility_violations(new_page, site, lending_setup, card_url):
    page = new_page(viewport={"width": 1024, "height": 768})  # a tablet at the counter
    log_in(page, site, "staff_a")
    assert serious_violations(page) == [], "today"
    screenshot(page, "desk-today")
    page.goto(f"{site}/desk/checkout/")
    page.fill("#id_tags", "NOPE")
    page.click("button:has-text('Next')")
    page.wait_for_selector("#id_tags_error")
    assert serious_violations(page) == [], "checkout with an error"
    screenshot(page, "desk-checkout-error")
    for path in ("/desk/checkin/", "/desk/participants/?q=youssef", "/desk/labels/"):
        page.goto(f"{site}{path}")
        assert serious_violations(page) == [], path
    page.goto(f"{site}/desk/participants/?q=youssef")
    page.click("a:has-text('Youssef Benali')")  # from the search results to the person's page
    page.wait_for_selector("#waitlist-form")
    assert serious_violations(page) == [], "participant"
    page.select_option("#id_device_kind", "tablet")
    page.fill("#id_offer_days", "0")
    page.click("#waitlist-form button[type=submit]")
    page.wait_for_selector("#id_offer_days_error")
    assert serious_violations(page) == [], "participant with a form error"
    screenshot(page, "desk-participant-error")
    page.click("a:has-text('Change details')")
    page.fill("#id_phone", "12345")
    page.click("#participant-form button[type=submit]")
    page.wait_for_selector("#id_phone_error")
    assert serious_violations(page) == [], "participant's details with a form error"
