"""Nothing personal where it does not belong: logs, error reports, task arguments, URLs and QR codes."""

import datetime
import importlib
import importlib.util
import inspect
import io
import logging
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from backend.celery import app as celery_app
from loans.models import Loan
from messaging import tasks as messaging_tasks
from messaging.backends import locmem
from privacy.logfilter import MaskPersonalData, PersonalDataReporterFilter, mask
from tests.factories import ParticipantFactory
from tests.loans.factories import DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
PHONE = "+32470555123"
PROJECT_APPS = {"backend", "organizations", "inventory", "loans", "connectivity", "messaging", "reports", "privacy"}
FORM_NAME = "Zoubida"  # up here, so the report's source excerpts of the test do not show it
PHONE_FORMS = ["+32470555123", "32470555123", "0470555123", "0470 55 51 23", "470 55 51 23", "470555123"]


@pytest.mark.parametrize(
    "text",
    [
        "SMS to +32470555123 failed",
        "call 0470 55 51 23",
        "call 0470/55.51.23",
        "From=%2B32470555123&Body=STOP",
        "to=+32470555123",
        "number 0032 470 55 51 23",
    ],
)
def test_the_filter_masks_phone_numbers(text):
    masked = mask(text)
    assert "***" in masked
    assert not any(form in masked.replace(" ", "") for form in ("470555123", "4705551"))


def test_the_filter_masks_codes_and_card_tokens_but_not_dates_or_ids():
    assert mask("Not Found: /l/Xy9_abcdefghijklmnopqrstuvwxyz012345") == "Not Found: /l/***"
    assert mask("GET /api/v1/public/loans/Xy9_abcdefghij/") == "GET /api/v1/public/loans/***/"
    assert mask("code TEI-SECRET000123 delivered") == "code *** delivered"
    for harmless in ("2026-11-26 23:37:33,123 INFO", "device 12345 of loan 67", "SMS 4521 stays queued"):
        assert mask(harmless) == harmless


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "SMS to %s failed", (PHONE,), None)
    try:
        raise ValueError(f"provider refused {PHONE}")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert MaskPersonalData().filter(record)
    text = logging.Formatter().format(record)
    assert PHONE not in text and "provider refused ***" in text


@pytest.fixture
def console_output():
    """What the configured handlers (settings.LOGGING) write, with every logger at DEBUG."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(f, MaskPersonalData) for f in h.filters)]
    assert handlers, "settings.LOGGING installs the masking filter on the console handler"
    stream = io.StringIO()
    previous = [(h, h.setStream(stream)) for h in handlers]
    level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.setLevel(level)
    for handler, old in previous:
        handler.setStream(old)


def test_logs_of_a_full_checkout_to_reminder_flow_hold_no_phone_number(
    api, org_a, staff_of_org_a, console_output, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "locmem"
    settings.SMS_SENDING_HOURS = ("00:00", "23:59:59")
    settings.SITE_URL = "https://lendwise.brussels"
    locmem.outbox.clear()
    person = ParticipantFactory(organization=org_a, phone=PHONE, sms_consent=True, display_name="Amina")
    policy = LoanPolicyFactory(organization=org_a, reminder_offsets=[-1])
    device = DeviceFactory(organization=org_a)
    client = api.as_user(staff_of_org_a)
    with time_machine.travel(datetime.datetime(2027, 2, 1, 10, tzinfo=BRUSSELS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/loans/",
                {"participant": person.pk, "policy": policy.pk, "devices": [device.pk], "due_on": "2027-02-10"},
                format="json",
            )
        assert response.status_code == 201, response.json()
        loan = Loan.objects.get(pk=response.json()["id"])
        assert client.get(f"/l/{loan.public_token}").status_code == 200
        assert client.get("/l/not-a-real-token-but-long-enough").status_code == 404  # logged by django.request
        bad = client.post("/api/v1/participants/", {"organization": org_a.pk, "phone": PHONE}, format="json")
        assert bad.status_code == 400
    with time_machine.travel(datetime.datetime(2027, 2, 9, 10, tzinfo=BRUSSELS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            messaging_tasks.sms_reminders_task.delay()
        logging.getLogger("messaging.services").warning("SMS to %s: provider said no", PHONE)
    keys = [message["key"] for message in locmem.outbox]
    assert keys == [f"loan-confirmation:{loan.pk}", f"loan-reminder:{loan.pk}:2027-02-10:-1"]  # the flow ran
    assert locmem.outbox[0]["to"] == PHONE
    output = console_output.getvalue()
    assert "SMS scan" in output and "Not Found" in output and "provider said no" in output
    for form in PHONE_FORMS:
        assert form not in output, form
    assert loan.public_token not in output


def test_error_reports_hide_personal_request_fields():
    request = RequestFactory().post("/api/v1/participants/", {"phone": PHONE, "display_name": FORM_NAME, "page": "2"})
    request.user = None
    try:
        phone = PHONE  # noqa: F841  (a local variable the report would print)
        raise RuntimeError(f"failed for {PHONE}")
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    assert isinstance(reporter.filter, PersonalDataReporterFilter)
    for report in (text, html):
        assert "failed for ***" in report and FORM_NAME not in report
        assert "470555123" not in report.replace(" ", "")


def test_celery_tasks_take_ids_only():
    """Every task of the project's apps: no arguments, or arguments named *_id / *_ids."""
    for app in PROJECT_APPS:
        if importlib.util.find_spec(f"{app}.tasks"):
            importlib.import_module(f"{app}.tasks")
    ours = [task for name, task in celery_app.tasks.items() if name.split(".")[0] in PROJECT_APPS]
    assert len(ours) >= 8
    for task in ours:
        parameters = [p for p in inspect.signature(task.run).parameters if p not in ("self",)]
        assert all(p.endswith(("_id", "_ids")) for p in parameters), (task.name, parameters)


def test_qr_codes_and_urls_carry_only_random_tokens(org_a, staff_of_org_a):
    from loans import services as loan_services
    from messaging.services import loan_card_url

    person = ParticipantFactory(organization=org_a, display_name="Amina", reference="DOSSIER-778")
    loan = loan_services.loan_checkout(
        organization=org_a,
        participant=person,
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    url = loan_card_url(loan.public_token)
    token = url.rsplit("/l/", 1)[1]
    assert len(token) == 22 and token == loan.public_token  # 128 random bits
    assert url == f"https://lendwise.brussels/l/{token}" or url.endswith(f"/l/{token}")
    for personal in ("Amina", "DOSSIER", person.phone.as_e164[3:]):
        assert personal not in token
    other = loan_services.loan_checkout(
        organization=org_a,
        participant=person,
        policy=LoanPolicyFactory(organization=org_a),
        devices=[DeviceFactory(organization=org_a)],
        by=staff_of_org_a,
    )
    assert other.public_token[:8] != loan.public_token[:8]  # random, not derived from the person
    label = DeviceFactory(organization=org_a).label_code
    assert label and "Amina" not in label


def test_the_celery_worker_logs_through_the_mask_too():
    """Celery sets up its own handlers in the worker; the signal adds the filter to them."""
    from backend.celery import _mask_personal_data

    logger = logging.getLogger("privacy-test-celery")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        _mask_personal_data(logger=logger)
        _mask_personal_data(logger=logger)  # twice (worker and task logger): one filter
        assert sum(isinstance(f, MaskPersonalData) for f in handler.filters) == 1
        logger.error("Task failed: SmsError('refused %s')", PHONE)
    finally:
        logger.removeHandler(handler)
    assert PHONE not in stream.getvalue() and "refused ***" in stream.getvalue()


def test_the_workers_printed_sms_keeps_its_card_link_but_not_the_number():
    """The console SMS backend prints through Celery's `celery.redirected` logger in the worker."""
    line = f"----- SMS console-1 to {PHONE} -----\nhttps://lendwise.brussels/l/AbcdefghijKLMNOP_123"
    record = logging.LogRecord("celery.redirected", logging.WARNING, __file__, 1, line, None, None)
    MaskPersonalData().filter(record)
    assert record.msg.endswith("/l/AbcdefghijKLMNOP_123") and PHONE not in record.msg
    other = logging.LogRecord("django.request", logging.WARNING, __file__, 1, line, None, None)
    MaskPersonalData().filter(other)
    assert other.msg.endswith("/l/***")
