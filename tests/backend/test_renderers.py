"""The API's JSON renderer (orjson) gives DRF's bytes: every value type the API returns, and whole responses."""

import datetime
import decimal
import json
import uuid
import zoneinfo

import pytest
import time_machine
from django.utils.translation import gettext_lazy, override
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.renderers import JSONRenderer
from loans import services
from loans.models import Loan
from tests.factories import ParticipantFactory

from ..loans.factories import DeviceFactory, LoanPolicyFactory

# The clock fixed for every test here (#18): literal values only, but fixed so that no run depends on its day.
FIXED_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _drf(data, media_type=None):
    return renderers.JSONRenderer().render(data, media_type, {})


# Fixed values on purpose, not the clock (#18): literals rendered by two renderers and compared; nothing
# here reads today.
VALUES = {
    "utc datetime": datetime.datetime(2026, 11, 27, 8, 30, 15, 123456, tzinfo=datetime.UTC),
    "brussels datetime": datetime.datetime(2026, 7, 1, 22, 0, tzinfo=BRUSSELS),
    "naive datetime": datetime.datetime(2026, 1, 2, 3, 4, 5),
    "date": datetime.date(2026, 2, 28),
    "time": datetime.time(9, 30),
    "decimal": decimal.Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy translation": gettext_lazy("Invalid token."),
    "line separators": "one\u2028two\u2029three",
    "accents and arabic": "Zoë — Molenbeek, مرحبا",
    "integer keys": {1: "a", 2: "b"},
    "nested DRF containers": ReturnDict({"rows": ReturnList([{"id": 1}], serializer=None)}, serializer=None),
    "tuple": (1, "two", None, True, 2.5),
    "big but 64-bit": 2**63 - 1,
}


@pytest.mark.parametrize("name", VALUES)
def test_each_value_type_renders_as_drf_renders_it(name):
    data = {"value": VALUES[name], "list": [VALUES[name]]}
    with override("fr"):
        assert JSONRenderer().render(data) == _drf(data)


def test_line_separators_are_escaped_so_the_json_stays_valid_javascript():
    out = JSONRenderer().render({"note": "a\u2028b"})
    assert out == b'{"note":"a\\u2028b"}'
    assert json.loads(out) == {"note": "a\u2028b"}


def test_an_integer_beyond_64_bits_falls_back_to_drf():
    data = {"huge": 2**70}
    assert JSONRenderer().render(data) == _drf(data) == b'{"huge":1180591620717411303424}'


def test_nothing_renders_as_nothing_and_an_indent_asked_for_is_drfs():
    assert JSONRenderer().render(None) == b""
    data = {"a": [1, 2]}
    assert JSONRenderer().render(data, "application/json; indent=2", {}) == _drf(data, "application/json; indent=2")
    assert b"\n  " in JSONRenderer().render(data, "application/json; indent=2", {})


def test_a_value_neither_encoder_knows_is_a_type_error_as_in_drf():
    with pytest.raises(TypeError):
        _drf({"x": object()})
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})


@pytest.mark.django_db
def test_whole_api_responses_are_drfs_bytes(api, org_a, staff_of_org_a):
    participant = ParticipantFactory(organization=org_a, display_name="Zoë El Amrani")
    policy = LoanPolicyFactory(organization=org_a, fee_amount="2.50", deposit_amount="20.00")
    services.loan_checkout(
        organization=org_a,
        participant=participant,
        policy=policy,
        devices=[DeviceFactory(organization=org_a)],
        note="sac \u2028 chargeur",
        by=staff_of_org_a,
    )
    client = api.as_user(staff_of_org_a)
    for path in ("/api/v1/loans/", "/api/v1/loans/?overdue=true", "/api/v1/participants/", "/api/v1/devices/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == _drf(response.data), path


@pytest.mark.django_db
def test_bad_input_still_answers_in_json_naming_the_field(api, org_a, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    response = client.get("/api/v1/loans/?ordering=surname")
    assert response.status_code == 400
    assert "ordering" in response.json()["fields"]
    assert response.content == _drf(response.data)
    written = client.post("/api/v1/loans/", {"participant": "x"}, format="json")
    assert written.status_code == 400
    assert {"participant", "policy", "devices"} <= set(written.json()["fields"])
    assert written.content == _drf(written.data)
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_a_format_the_api_does_not_speak_is_406(api, org_a, staff_of_org_a):
    response = api.as_user(staff_of_org_a).get("/api/v1/loans/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406


def test_rounded_floats_as_the_reports_give_them_render_as_drf_renders_them():
    """orjson and DRF print floats alike down to 1e-4; the reports' shares and ratios are rounded to one or
    two decimals (reports.selectors), so every value they can give prints as DRF prints it."""
    values = [round(n / 100, 2) for n in range(-2000, 100001, 7)] + [0.0, -0.0, 0.01, 0.1, 12.5]
    assert JSONRenderer().render({"values": values}) == _drf({"values": values})


def test_settings_off_drfs_defaults_take_drfs_path(monkeypatch):
    data = {"a": float("nan")}
    loose = JSONRenderer()
    monkeypatch.setattr(loose, "strict", False)  # STRICT_JSON = False: DRF prints NaN
    assert loose.render(data) == _drf_loose(data) == b'{"a":NaN}'
    ascii_only = JSONRenderer()
    monkeypatch.setattr(ascii_only, "ensure_ascii", True)  # UNICODE_JSON = False
    assert ascii_only.render({"name": "Zoë"}) == b'{"name":"Zo\\u00eb"}'


def _drf_loose(data):
    renderer = renderers.JSONRenderer()
    renderer.strict = False
    return renderer.render(data)
