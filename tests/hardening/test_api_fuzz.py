"""Schemathesis against /api/schema/: every operation, as staff of an organisation with demo-like data.

Each operation gets generated requests (valid ones, then some that break the schema) sent in-process
to the WSGI app. Checks: no 5xx, documented status codes and content types, response bodies that
match the schema (for the requests that break the schema too: their error bodies). Half the generated
ids are swapped for ids of real rows, so detail and action endpoints are reached rather than answering
404 every time.

The run is guarded against false passes: it asserts how many operations ran, that most of them
answered 2xx at least once, and a planted broken endpoint must fail the same checks.

Why the CSV import's 400 without `ok` went through (issue 18): its 400 was documented as a free-form
object, so any body matched; a dozen other 4xx had a description and no schema at all, so their bodies
were never checked; the generated requests never carry a real CSV, so the dry run's row report was never
reached; and the requests that break the schema were checked only for 5xx. Closed by: every 4xx of the
schema carries the error shape (`test_every_error_answer_of_the_schema_has_the_error_shape`), negative
cases are held to the schema too, and the import's answers are checked against it with real files below.
"""

import collections
import itertools
import time

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from backend.wsgi import application
from loans.models import Loan

from .rows import grow

pytestmark = pytest.mark.django_db

POSITIVE_EXAMPLES = 6
NEGATIVE_EXAMPLES = 3
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _keep_connection_open() -> None:
    """Requests made in-process must not close the test's database connection (PostgreSQL: inside the
    test's transaction, close_old_connections closes it). Django's test client reconnects the handler
    after each of its own requests, so this is called again after using it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture
def in_process_requests():
    _keep_connection_open()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def schema(in_process_requests):
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def staff_headers(org_a, staff_of_org_a, funder_user, api):
    grow(org_a, staff_of_org_a, 2)
    token = Token.objects.create(user=staff_of_org_a)
    return {"Authorization": f"Token {token.key}"}


def _real_ids(client, headers) -> dict[str, list]:
    """Ids of rows staff can see, by list path (e.g. "/api/v1/loans/" -> [3, 1])."""
    ids: dict[str, list] = {}
    for path in client.get("/api/schema/?format=json").json()["paths"]:
        if "{" in path:
            continue
        response = client.get(path, headers=headers)
        if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
            continue
        body = response.json()
        if isinstance(body, dict) and "results" in body:
            ids[path] = [row["id"] for row in body["results"] if "id" in row][:5]
    return ids


def _list_path(path: str) -> str:
    return path.split("{", 1)[0]


def _run_operation(operation, headers, real, stats, mode: GenerationMode, examples: int, checks) -> None:
    turn = itertools.count()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Every other case uses a real row's id (or the real loan-card token) instead of the generated one.
        if next(turn) % 2:
            pool = real.get(_list_path(operation.path), [])
            for name in ("id", "pk"):
                if name in (case.path_parameters or {}) and pool:
                    case.path_parameters[name] = pool[next(turn) % len(pool)]
            if "token" in (case.path_parameters or {}):
                case.path_parameters["token"] = real["token"]
        with transaction.atomic():  # as each real request has its own transaction
            response = case.call(headers=headers)
        stats[operation.label].append(response.status_code)
        case.validate_response(response, checks=checks, headers=headers)

    # Each operation starts from the same rows: what one deleted or revoked does not hide the next.
    with transaction.atomic():
        try:
            run()
        finally:
            transaction.set_rollback(True)


def test_the_api_answers_as_its_schema_says(schema, staff_headers, org_a, client):
    started = time.monotonic()
    real = _real_ids(client, staff_headers)
    real["/api/v1/reports/organizations/"] = [org_a.pk]
    real["/api/v1/reports/grants/"] = real.get("/api/v1/grants/", [])
    real["/api/v1/reports/funders/"] = real.get("/api/v1/funders/", [])
    # The privacy routes have no list of their own: their ids are the participants' and organisations'.
    real["/api/v1/privacy/participants/"] = real.get("/api/v1/participants/", [])
    real["/api/v1/privacy/organizations/"] = [org_a.pk]
    real["token"] = Loan.objects.filter(organization=org_a).first().public_token
    _keep_connection_open()
    stats: dict[str, list[int]] = collections.defaultdict(list)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode, examples, checks in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES, CONFORMANCE),
            # Requests that break the schema: their 4xx bodies are held to the schema too (the error shape).
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, [not_a_server_error, response_schema_conformance]),
        ):
            try:
                _run_operation(operation, staff_headers, real, stats, mode, examples, checks)
            except Unsatisfiable:
                # No request can break this operation's schema (e.g. one free-text path parameter).
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (FailureGroup, AssertionError, Exception) as error:  # noqa: B014 - collect them all
                failures.append(f"{operation.label} [{mode}]: {str(error)[:1500]}")
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failing operation(s):\n\n" + "\n\n".join(failures)

    # Guards against a run that tests nothing (DisallowedHost, 401 everywhere, no operations found).
    assert len(operations) >= 80, len(operations)
    assert set(stats) == {op.label for op in operations}, "some operations never sent a request"
    reached = [label for label, codes in stats.items() if any(200 <= code < 300 for code in codes)]
    unreached = {label: collections.Counter(stats[label]) for label in sorted(set(stats) - set(reached))}
    # Staff may not use some operations at all (403 on real rows: admins' settings, invitations): those are
    # judged apart. Of the others most must have answered 2xx; of all, at least half.
    refused = {label for label, codes in unreached.items() if 403 in codes}
    listing = "\n".join(f"{k}: {dict(v)}" for k, v in unreached.items())
    assert len(reached) >= 0.6 * (len(operations) - len(refused)), listing
    assert len(reached) >= 0.5 * len(operations), listing
    assert sum(len(codes) for codes in stats.values()) >= 4 * len(operations)
    requests = sum(map(len, stats.values()))
    print(
        f"schemathesis: {len(operations)} operations, {len(reached)} reached 2xx, {requests} requests, {elapsed:.0f} s"
    )


def test_a_broken_endpoint_would_fail(schema, staff_headers, monkeypatch):
    """The same checks catch a 500 and a response that does not match the schema."""
    from organizations.api.serializers import FunderSerializer

    original = FunderSerializer.to_representation

    def broken(self, instance):
        data = original(self, instance)
        data["name"] = 42  # the schema says a string
        return data

    monkeypatch.setattr(FunderSerializer, "to_representation", broken)
    operation = schema["/api/v1/funders/"]["GET"]
    with pytest.raises(FailureGroup, match="(?i)schema"):
        _run_operation(
            operation, staff_headers, {}, collections.defaultdict(list), GenerationMode.POSITIVE, 3, CONFORMANCE
        )

    def crash(self, request, *args, **kwargs):
        raise RuntimeError("planted")

    from organizations.api.views import FunderViewSet

    monkeypatch.setattr(FunderViewSet, "list", crash)
    with pytest.raises(FailureGroup, match="(?i)server error"):
        _run_operation(
            operation, staff_headers, {}, collections.defaultdict(list), GenerationMode.POSITIVE, 3, CONFORMANCE
        )


def test_an_unknown_operation_is_a_clear_404(api, staff_of_org_a):
    response = api.as_user(staff_of_org_a).get("/api/v1/no-such-thing/")
    assert response.status_code == 404


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_error_answer_of_the_schema_has_the_error_shape(api, staff_of_org_a):
    """No 4xx documented as a free-form object or by a description alone: a body the schema cannot check."""
    schema = api.as_user(staff_of_org_a).get("/api/schema/?format=json").json()
    loose = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                if not code.startswith("4"):
                    continue
                body = response.get("content", {}).get("application/json", {}).get("schema")
                required = set(_resolved(schema, body).get("required", [])) if body else set()
                if not {"detail", "code", "fields"} <= required:
                    loose.append(f"{method.upper()} {path} {code}")
    assert not loose, loose


def _import_csv(client, data: bytes, **extra):
    import io

    return client.post("/api/v1/devices/import/", {"file": io.BytesIO(data), **extra}, format="multipart")


def _holds_to_the_schema(schema: dict, path: str, method: str, response) -> None:
    import jsonschema

    documented = schema["paths"][path][method]["responses"][str(response.status_code)]
    body_schema = documented["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**body_schema, "components": schema["components"]})


@pytest.mark.parametrize(
    ("data", "dry_run", "status", "code"),
    [
        (b"kind,make\nspaceship,Dell\nlaptop,HP\n", "true", 400, "invalid_rows"),  # the dry run of issue 18
        (b"kind,make\nspaceship,Dell\n", "false", 400, "invalid_rows"),
        (b"colour\nred\n", "true", 400, "invalid"),  # unknown column: the file as a whole
        (b"kind,make\nlaptop,Dell\n", "true", 200, None),
        (b"kind,make\nlaptop,Dell\n", "false", 201, None),
    ],
)
def test_the_import_answers_as_its_schema_says(api, org_a, staff_of_org_a, data, dry_run, status, code):
    from inventory.models import Device

    client = api.as_user(staff_of_org_a)
    schema = client.get("/api/schema/?format=json").json()
    response = _import_csv(client, data, dry_run=dry_run)
    assert response.status_code == status, response.content
    _holds_to_the_schema(schema, "/api/v1/devices/import/", "post", response)
    body = response.json()
    if code == "invalid_rows":
        assert body["ok"] is False and body["code"] == code and body["errors"][0]["line"] == 2
        assert "line 2.kind" in body["fields"]
    elif code:
        assert body["code"] == code and "file" in body["fields"]
    else:
        assert body["ok"] is True
    assert Device.objects.count() == (1 if status == 201 else 0)


def test_an_import_without_a_file_is_a_400_naming_it_in_the_error_shape(api, staff_of_org_a):
    client = api.as_user(staff_of_org_a)
    schema = client.get("/api/schema/?format=json").json()
    response = client.post("/api/v1/devices/import/", {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    _holds_to_the_schema(schema, "/api/v1/devices/import/", "post", response)
