"""Every list endpoint under /api/v1/ (and the public loan card) issues a pinned number of queries,
the same for 1 row as for many: an N+1 in a serializer or selector fails here (as NetBox does it).

The numbers live in tests/query_baseline.json. After a deliberate change (a new prefetch, a new
field), regenerate them and commit the file with the change:

    QUERY_BASELINE_UPDATE=1 .venv/bin/python -m pytest tests/hardening/test_query_counts.py -p no:randomly

The update run still fails when 1 row and many rows differ: an N+1 is never written into the baseline.
"""

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import ParticipantFactory

from .rows import card_loan, grow

pytestmark = pytest.mark.django_db

BASELINE_FILE = Path(__file__).resolve().parent.parent / "query_baseline.json"
UPDATE = os.environ.get("QUERY_BASELINE_UPDATE", "") not in ("", "0", "false")
FEW, MANY = 1, 6
PUBLIC_CARD = "/api/v1/public/loans/{token}/"


def _list_urls() -> list[str]:
    """Every router list route under /api/v1/ (names ending in -list), found from the URLconf."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list"):
                if route.startswith("api/v1/") and "<" not in route and "(?P<format>" not in route:
                    found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


LIST_URLS = _list_urls()
ENDPOINTS = [*LIST_URLS, PUBLIC_CARD]


def _baseline() -> dict:
    return json.loads(BASELINE_FILE.read_text()) if BASELINE_FILE.exists() else {}


def _count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    data = response.json()
    rows = data["count"] if "count" in data else sum(len(data[key]) for key in ("items", "codes", "digicheques"))
    return len(queries), rows


# Lists only an organisation's administrators may read: measured as one (everything else as staff).
ADMIN_LISTS = {"/api/v1/invitations/"}


def _measure(client, org, user, admin_client=None) -> dict:
    """Counts for every endpoint with FEW rows of each kind, then with MANY."""
    results: dict = {}
    card_holder = ParticipantFactory(organization=org, display_name="Card holder")
    for step, n in (("few", FEW), ("many", MANY - FEW)):
        grow(org, user, n)
        loan = card_loan(org, user, card_holder, FEW if step == "few" else MANY)
        for url in ENDPOINTS:
            target = url.format(token=loan.public_token) if url == PUBLIC_CARD else url
            caller = admin_client if url in ADMIN_LISTS and admin_client is not None else client
            results.setdefault(url, {})[step] = _count(caller, target)
    return results


def test_every_list_endpoint_is_measured():
    """A new list endpoint must get a baseline entry (and so a query-count check)."""
    assert len(LIST_URLS) >= 20, LIST_URLS
    assert "/api/v1/loans/" in LIST_URLS and "/api/v1/devices/" in LIST_URLS
    if not UPDATE:
        assert sorted(_baseline()) == sorted(ENDPOINTS), "regenerate tests/query_baseline.json (module docstring)"


def test_query_counts_are_pinned_and_do_not_grow_with_rows(api, org_a, staff_of_org_a, admin_of_org_a):
    admin_client = type(api)()  # the fixture's client: it forgets the user's cached roles as a real request does
    admin_client.force_authenticate(user=admin_of_org_a)
    results = _measure(api.as_user(staff_of_org_a), org_a, staff_of_org_a, admin_client)
    problems = []
    for url, counts in results.items():
        (few, few_rows), (many, many_rows) = counts["few"], counts["many"]
        if not many_rows > few_rows >= 1:
            problems.append(f"{url}: the rows did not reach this list ({few_rows} then {many_rows})")
        if few != many:
            problems.append(f"{url}: {few} queries for {few_rows} rows but {many} for {many_rows} rows (an N+1)")
    if UPDATE:
        flat = {url: counts["many"][0] for url, counts in results.items() if counts["few"][0] == counts["many"][0]}
        BASELINE_FILE.write_text(json.dumps(dict(sorted(flat.items())), indent=2) + "\n")
    baseline = _baseline()
    for url, counts in results.items():
        if baseline.get(url) != counts["many"][0]:
            problems.append(f"{url}: {counts['many'][0]} queries, baseline says {baseline.get(url)}")
    assert not problems, "\n".join(problems)


def test_a_query_per_row_would_fail(staff_of_org_a, org_a, api):
    """The check itself: a serializer that queries per row makes FEW and MANY differ."""
    from organizations.api.serializers import ParticipantSerializer

    grow(org_a, staff_of_org_a, FEW)
    client = api.as_user(staff_of_org_a)
    original = ParticipantSerializer.to_representation

    def walking(self, instance):
        data = original(self, instance)
        data["loan_total"] = instance.loans.count()  # one query per row
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ParticipantSerializer, "to_representation", walking)
        few, _ = _count(client, "/api/v1/participants/")
        grow(org_a, staff_of_org_a, 3)
        many, _ = _count(client, "/api/v1/participants/")
    assert many == few + 3 * 2  # two participants per grown row


def test_bad_input_on_a_list_is_a_clear_400_naming_the_field(staff_of_org_a, api):
    response = api.as_user(staff_of_org_a).get("/api/v1/loans/", {"due_before": "not-a-date"})
    assert response.status_code == 400
    assert "due_before" in response.json()["fields"]
