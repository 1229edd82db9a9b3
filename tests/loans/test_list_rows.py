"""The loan list's fast path (`.values()` rows, api.views.LoanViewSet.list) gives exactly the JSON that
LoanSerializer gives for the same loans, for every filter, ordering and search the list accepts."""

import datetime
import json

import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer

from loans import selectors, services
from loans.api.serializers import LoanListRows, LoanSerializer
from loans.models import Loan
from tests.factories import ParticipantFactory, UserFactory

from .conftest import backdate
from .factories import CohortFactory, DeviceFactory, LoanPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loans(org_a, lend, staff_of_org_a, participant_a, loan_of_org_b):  # org B's loan never shows
    kit = [
        DeviceFactory(organization=org_a, make="Dell", model="E5470", serial="SN-1"),
        DeviceFactory(organization=org_a, kind="accessory", make="", model="", serial=""),
    ]
    partly_back = lend(devices=kit, accessories="charger", note="kit")
    services.loan_return(
        loan=partly_back, by=staff_of_org_a, devices=[kit[1]], condition="good", accessories_returned="bag"
    )
    overdue = backdate(lend(agreement_signed=True), due_days_ago=5)
    revoked = services.loan_token_revoke(loan=lend(), by=staff_of_org_a)
    returned = lend()
    services.loan_return(loan=returned, by=staff_of_org_a, condition="damaged", note="cracked")
    course = LoanPolicyFactory(
        organization=org_a, period_kind="cohort", period_days=None, max_renewals=0, renewal_days=None, fee_amount="2.5"
    )
    cohort = CohortFactory(organization=org_a)
    zoe = ParticipantFactory(organization=org_a, display_name="Zoë")
    in_course = lend(policy=course, cohort=cohort, participant=zoe)
    renewed = services.loan_renew(loan=lend(), by=staff_of_org_a)
    return [partly_back, overdue, revoked, returned, in_course, renewed]


def _expected(user, loan_ids, request):
    queryset = selectors.loans_for_user(user)
    by_id = {loan.pk: loan for loan in queryset.filter(pk__in=loan_ids)}
    data = LoanSerializer([by_id[i] for i in loan_ids], many=True, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?overdue=true",
        "?overdue=false",
        "?open=true",
        "?open=false",
        "?status=returned",
        "?ordering=due_on",
        "?ordering=-id",
        "?search=Zo",
        "?search=T-0",
        "?page_size=2&page=2",
    ],
)
def test_the_list_gives_what_the_serializer_gives(api, staff_of_org_a, loans, query):
    response = api.as_user(staff_of_org_a).get(f"/api/v1/loans/{query}")
    assert response.status_code == 200
    body = json.loads(response.content)
    ids = [row["id"] for row in body["results"]]
    assert body["results"] == _expected(staff_of_org_a, ids, response.wsgi_request)
    assert ids, "each case lists some loans"
    assert {row["organization"] for row in body["results"]} == {loans[0].organization_id}


def test_the_list_covers_every_serializer_field(api, staff_of_org_a, loans):
    body = json.loads(api.as_user(staff_of_org_a).get("/api/v1/loans/").content)
    assert body["count"] == len(loans)
    row = next(r for r in body["results"] if r["id"] == loans[0].pk)
    assert list(row) == list(LoanSerializer.Meta.fields)
    assert [item["closed_at"] is not None for item in row["items"]] == [False, True]
    assert row["items"][0]["make"] == "Dell" and row["items"][1]["accessories_returned"] == "bag"
    overdue = next(r for r in body["results"] if r["id"] == loans[1].pk)
    assert overdue["is_overdue"] is True and overdue["agreement_signed_at"]
    assert next(r for r in body["results"] if r["id"] == loans[2].pk)["public_url"] is None


def test_the_list_prints_utc_datetimes_like_the_serializer(api, staff_of_org_a, loans, settings):
    settings.TIME_ZONE = "UTC"  # DRF prints +00:00 as Z
    response = api.as_user(staff_of_org_a).get("/api/v1/loans/")
    body = json.loads(response.content)
    assert body["results"] == _expected(staff_of_org_a, [row["id"] for row in body["results"]], response.wsgi_request)
    assert body["results"][0]["created_at"].endswith("Z")


@pytest.mark.parametrize(
    "query",
    ["", "ordering=-id", "ordering=id", "ordering=due_on", "ordering=-started_on", "overdue=false", "search=T-0"],
)
def test_paging_one_loan_at_a_time_walks_the_same_order_with_whole_kits(api, staff_of_org_a, loans, query):
    """The page's ids are picked first and joined after (selectors.loan_page): pages must follow the list's
    order, and a kit's items must all come with their loan even when the page holds one loan."""
    client = api.as_user(staff_of_org_a)
    whole = json.loads(client.get(f"/api/v1/loans/?{query}&page_size=500").content)["results"]
    walked = []
    for page in range(1, len(whole) + 1):
        body = json.loads(client.get(f"/api/v1/loans/?{query}&page_size=1&page={page}").content)
        assert len(body["results"]) == 1
        walked += body["results"]
    assert walked == whole
    orderings = {  # loans that tie on the ordered date come in id order, in the date's direction
        "": ["-started_on", "-id"],
        "ordering=-id": ["-id"],
        "ordering=id": ["id"],
        "ordering=due_on": ["due_on", "id"],
        "ordering=-started_on": ["-started_on", "-id"],
    }
    if query in orderings:
        expected = selectors.loans_for_user(staff_of_org_a).order_by(*orderings[query]).values_list("id", flat=True)
        assert [row["id"] for row in whole] == list(expected)
    kit = next(row for row in walked if row["id"] == loans[0].pk) if "search" not in query else None
    assert kit is None or len(kit["items"]) == 2


def test_an_empty_list_has_an_empty_page(api, staff_of_org_b):
    body = json.loads(api.as_user(staff_of_org_b).get("/api/v1/loans/?overdue=true").content)
    assert body == {**body, "count": 0, "results": []}


@pytest.mark.parametrize(
    "query, field",
    [
        ("overdue=perhaps", "overdue"),
        ("due_before=2026-02-30", "due_before"),
        ("status=borrowed", "status"),
        ("ordering=participant__phone", "ordering"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(api, staff_of_org_a, loans, query, field):
    response = api.as_user(staff_of_org_a).get(f"/api/v1/loans/?{query}")
    assert response.status_code == 400 and field in response.json()["fields"]


def test_a_page_past_the_end_is_a_404(api, staff_of_org_a, loans):
    response = api.as_user(staff_of_org_a).get("/api/v1/loans/?page_size=2&page=99")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "filters, ordering, window",
    [
        ({"status": "active", "due_on__lt": datetime.date(2100, 1, 1)}, ("due_on", "id"), slice(0, 50)),
        ({}, ("-started_on", "-id"), slice(0, 2)),
        ({"status": "active"}, ("-id",), slice(1, 3)),
        ({"participant__display_name__icontains": "zo"}, ("due_on", "id"), slice(0, 50)),
    ],
)
def test_the_compiled_page_query_is_the_orms_own(staff_of_org_a, loans, filters, ordering, window):
    """selectors._JoinedPage compiles the joins once and only the page of ids per request: the SQL it runs
    is the ORM's (but for `= ANY(ARRAY(page))` on PostgreSQL) and the rows it gets (JSON decoded, dates as
    dates on SQLite too) are those of the ORM's query."""
    queryset = selectors.loan_list_queryset(staff_of_org_a).filter(**filters).order_by(*ordering)
    columns = LoanListRows.shared().columns
    full = (*ordering, "pk", "items__id")
    ids = queryset.values("pk")[window]
    orm = selectors._with_names(Loan.objects.order_by(*full)).values_list(*columns, *selectors._PAGE_DETAIL_COLUMNS[1:])
    orm = orm.filter(pk__in=ids)
    compiled = selectors._JoinedPage.get(full, tuple(columns), "default")

    sql, params = compiled.sql(queryset.values("pk")[window].query)
    orm_sql, orm_params = orm.query.sql_with_params()
    if connection.vendor == "postgresql":
        page = orm_sql[orm_sql.index("IN (SELECT") + 4 : orm_sql.rindex(") ORDER BY")]
        orm_sql = orm_sql.replace(f"IN ({page})", f"= ANY(ARRAY({page}))")
        assert "= ANY(ARRAY(SELECT" in sql
    assert (sql, params) == (orm_sql, orm_params)
    rows = compiled.rows(queryset.values("pk")[window].query)
    assert [tuple(row) for row in rows] == list(orm)
    assert rows, "each case has rows"
    assert isinstance(rows[0][columns.index("reminder_offsets")], list)
    assert isinstance(rows[0][columns.index("due_on")], datetime.date)
    assert rows[0][len(columns)] == Loan.objects.get(pk=rows[0][columns.index("id")]).participant.display_name
    created_at = columns.index("created_at")  # parsed by psycopg's C loader on PostgreSQL: the same values
    assert [row[created_at].tzinfo for row in rows] == [row[created_at].tzinfo for row in orm]
    assert all(row[created_at].tzinfo is datetime.UTC for row in rows)


def test_a_user_of_no_organisation_gets_an_empty_page_without_a_query(django_assert_num_queries, loans):
    nobody = UserFactory()
    queryset = selectors.loan_list_queryset(nobody)
    with django_assert_num_queries(0):
        assert selectors.loan_page(queryset, LoanListRows.shared().columns, slice(0, 50)) == ([], {})


def test_a_superuser_lists_every_organisations_loans_through_the_fast_path(api, loans, loan_of_org_b):
    """The superuser's page query has no organisation condition at all: still the serializer's JSON."""
    superuser = UserFactory(is_superuser=True)
    response = api.as_user(superuser).get("/api/v1/loans/?page_size=500")
    body = json.loads(response.content)
    ids = [row["id"] for row in body["results"]]
    assert body["count"] == len(loans) + 1 and loan_of_org_b.pk in ids
    assert body["results"] == _expected(superuser, ids, response.wsgi_request)


class _LoanWithLastDaySerializer(LoanSerializer):
    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "overdue_after"]  # a new list field: this one line


class _LoanWithLastDayRows(LoanListRows):
    serializer_class = _LoanWithLastDaySerializer


def test_a_field_added_to_the_serializer_is_listed_as_the_serializer_prints_it(staff_of_org_a, loans):
    """docs/architecture.md: adding a field to the loan list is one line in LoanSerializer plus its test."""
    rows = _LoanWithLastDayRows.shared()
    queryset = selectors.loan_list_queryset(staff_of_org_a).order_by("id")
    page, details = rows.page(queryset, slice(0, 50))
    listed = rows.render(page, details, user=staff_of_org_a)
    by_id = {loan.pk: loan for loan in selectors.loans_for_user(staff_of_org_a)}
    expected = _LoanWithLastDaySerializer([by_id[item["id"]] for item in listed], many=True).data
    assert json.loads(JSONRenderer().render(listed)) == json.loads(JSONRenderer().render(expected))
    assert all(item["overdue_after"] is not None for item in listed) and len(listed) >= len(loans)
