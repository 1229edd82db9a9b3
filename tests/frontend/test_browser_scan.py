"""Camera scanning in Chromium with a fake camera: the camera shows a device's printed label (a Y4M video made
from the label's QR code), the vendored zxing decoder reads it (desktop Chromium on Linux has no
BarcodeDetector for QR codes), and check-in finds the device and takes it back."""

import os

import pytest

from inventory.choices import DeviceStatus
from inventory.labels import scan_url
from loans import services
from loans.models import Loan
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

from .test_browser import CHROMIUM, LAUNCH_ARGS, log_in, screenshot, site  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]

WIDTH, HEIGHT = 640, 480


def write_y4m(path, text: str, frames: int = 10) -> None:
    """A few frames of a white picture with the QR code of `text` in the middle, as Chromium's fake camera
    reads it (YUV4MPEG2, 4:2:0: the grey picture is the Y plane, U and V are flat)."""
    import numpy
    import qrcode

    code = qrcode.QRCode(border=4, box_size=8)
    code.add_data(text)
    code.make(fit=True)
    picture = numpy.array(code.make_image().convert("L"), dtype=numpy.uint8)
    side = min(picture.shape[0], HEIGHT - 40)
    from PIL import Image

    picture = numpy.array(Image.fromarray(picture).resize((side, side), Image.NEAREST))
    frame = numpy.full((HEIGHT, WIDTH), 255, dtype=numpy.uint8)
    top, left = (HEIGHT - side) // 2, (WIDTH - side) // 2
    frame[top : top + side, left : left + side] = picture
    chroma = numpy.full((HEIGHT // 2, WIDTH // 2), 128, dtype=numpy.uint8).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture
def camera_page(tmp_path):
    """A Chromium whose camera films `camera_page.video` (written by the test before the page opens it)."""
    video = tmp_path / "label.y4m"
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    def open_page(text: str):
        write_y4m(video, text)
        playwright = sync_api.sync_playwright().start()
        real_clock = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            env=real_clock,
            args=[
                *LAUNCH_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="en-GB")
        opened.append((playwright, browser))
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    opened = []
    yield open_page
    for playwright, browser in opened:
        browser.close()
        playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_the_camera_reads_a_label_and_check_in_finds_the_device(site, camera_page, org_a, staff_of_org_a):  # noqa: F811
    device = DeviceFactory(organization=org_a, asset_tag="OA-0042")
    services.loan_checkout(
        organization=org_a,
        participant=ParticipantFactory(organization=org_a, display_name="Amina El Idrissi"),
        policy=LoanPolicyFactory(organization=org_a, fee_amount=0, deposit_amount=0),
        devices=[device],
        by=staff_of_org_a,
    )
    page = camera_page(scan_url(device, base_url=site))
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/checkin/")
    # Debian's Chromium has no BarcodeDetector: what reads the label here is the vendored zxing decoder
    assert not page.evaluate("'BarcodeDetector' in window")
    with page.expect_request(lambda request: "zxing-library" in request.url):
        page.click("#id_tag-camera")
    page.wait_for_selector("text=OA-0042 taken back from Amina El Idrissi.")
    screenshot(page, "desk-checkin-camera")
    device.refresh_from_db()
    assert device.status == DeviceStatus.AVAILABLE
    assert Loan.objects.get().status == "returned"


def test_a_label_of_another_organisation_read_by_the_camera_is_refused(
    site,  # noqa: F811
    camera_page,
    org_a,
    org_b,
    staff_of_org_a,
):
    other = DeviceFactory(organization=org_b, asset_tag="OB-0001")
    page = camera_page(scan_url(other, base_url=site))
    log_in(page, site, "staff_a")
    page.goto(f"{site}/desk/checkin/")
    page.click("#id_tag-camera")
    page.wait_for_selector("#id_tag_error")
    assert "OB-0001" not in page.inner_text("#id_tag_error")  # another organisation's tag is not named back
    other.refresh_from_db()
    assert other.status == DeviceStatus.AVAILABLE
