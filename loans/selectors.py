"""Reads on loans, scoped to the caller; the public loan card's payload is built here and only here."""

from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import translation

from core.db import load_timestamps_in_c
from organizations.calendar import opening_hours_text
from organizations.details import organization_address
from organizations.models import Participant
from organizations.selectors import scope_to_user, user_organization_ids

from .choices import LoanStatus
from .models import Cohort, Loan, LoanItem, LoanPolicy, LoanTally, Payment, WaitlistEntry
from .services import renewals_left, today


def loans_for_user(user) -> QuerySet[Loan]:
    """Loans of the caller's organisations with everything the list shows, in a fixed number of queries."""
    items = LoanItem.objects.select_related("device").order_by("id")
    queryset = Loan.objects.select_related("organization", "participant", "policy", "cohort").prefetch_related(
        Prefetch("items", queryset=items)
    )
    return scope_to_user(queryset, user)


def loan_policies_for_user(user) -> QuerySet[LoanPolicy]:
    return scope_to_user(LoanPolicy.objects.all(), user)


def cohorts_for_user(user) -> QuerySet[Cohort]:
    return scope_to_user(Cohort.objects.all(), user)


def waitlist_for_user(user) -> QuerySet[WaitlistEntry]:
    return scope_to_user(WaitlistEntry.objects.select_related("participant", "offered_device"), user)


def payments_for_user(user) -> QuerySet[Payment]:
    return scope_to_user(Payment.objects.select_related("received_by", "refunded_by"), user)


def loan_by_public_token(token: str) -> Loan | None:
    """The loan a loan card points at; None for an unknown or revoked token."""
    if not token or len(token) > 64:
        return None
    return (
        Loan.objects.select_related("organization", "organization__logo", "participant")
        .prefetch_related(
            Prefetch("items", queryset=LoanItem.objects.select_related("device").order_by("id")), "organization__hours"
        )
        .filter(public_token=token, token_revoked_at__isnull=True)
        .first()
    )


def loan_public_payload(loan: Loan) -> dict:
    """What the participant's loan card may show, nothing more: no surname, no phone, no serial numbers.

    Labels are in the participant's language. Other apps (connectivity codes, digicheques) add their
    keys to this dict.
    """
    participant = loan.participant
    organization = loan.organization
    language = participant.preferred_language if participant.preferred_language in ("nl", "fr", "en") else "fr"
    is_open = loan.status == LoanStatus.ACTIVE
    with translation.override(language):
        items = [
            {
                "kind": item.device.kind,
                "kind_label": str(item.device.get_kind_display()),
                "asset_tag": item.device.asset_tag,
                "returned": item.closed_at is not None,
            }
            for item in loan.items.all()
        ]
        status_label = str(loan.get_status_display())
        hours = opening_hours_text(organization)
    from connectivity.selectors import public_items_for_participant

    return {
        **public_items_for_participant(participant),  # the participant's internet codes and digicheques
        "language": language,
        "first_name": participant.first_name or (participant.display_name[:1] if participant.display_name else ""),
        "status": loan.status,
        "status_label": status_label,
        "started_on": loan.started_on.isoformat(),
        "due_on": loan.due_on.isoformat(),
        "is_overdue": loan.overdue_on(today()),
        "renewals_left": renewals_left(loan) if is_open and loan.renewal_days else 0,
        "items": items,
        "organization": {
            "name": organization.name,
            "phone": str(organization.phone) if organization.phone else "",
            "address": organization_address(organization, language),
            "opening_hours": hours,
        },
    }


# The loan list's fast path (api.views.LoanViewSet.list): `.values()` rows instead of model instances.
LOAN_ITEM_ROW_COLUMNS = [
    "id",
    "device",
    "device__asset_tag",
    "device__kind",
    "device__make",
    "device__model",
    "device__serial",
    "accessories",
    "closed_at",
    "return_condition",
    "accessories_returned",
]
_PAGE_DETAIL_COLUMNS = ["id", "participant_name", "policy_name"]
_PAGE_DETAIL_COLUMNS += [f"items__{column}" for column in LOAN_ITEM_ROW_COLUMNS]


def _with_names(queryset: QuerySet[Loan]) -> QuerySet[Loan]:
    """The participant's and the policy's names as scalar subqueries, not joins: PostgreSQL spent longer
    planning the page query's six-table join (2.2 ms of EXPLAIN's planning on the 1M-loan database) than
    running it; with two joins fewer it plans in 1.0 ms. Each name is read once per loan of the page."""
    return queryset.annotate(
        participant_name=Subquery(
            Participant.objects.filter(pk=OuterRef("participant_id")).order_by().values("display_name")
        ),
        policy_name=Subquery(LoanPolicy.objects.filter(pk=OuterRef("policy_id")).order_by().values("name")),
    )


def loan_list_queryset(user) -> QuerySet[Loan]:
    """The loans the list may show, bare: its page query reads only loans_loan (no join before the sort)."""
    return scope_to_user(Loan.objects.all(), user)


def loan_total_for_user(user, *, status: str | None = None, due_before=None) -> int:
    """How many loans of the user's organisations have `status` (any when None) and, when given, a last
    day of grace (`Loan.overdue_after`: due date plus grace days) before `due_before`: summed from the
    trigger-kept tallies (exact; pinned equal to COUNT by tests).

    Every list request asks this, so it is one raw query whose text is written once per shape
    (_tally_sum_sql); the ORM's aggregate took 0.7 ms to build. Scoped as scope_to_user scopes."""
    organizations = user_organization_ids(user)
    if organizations == []:
        return 0
    alias = LoanTally.objects.db
    connection = connections[alias]
    count = None if organizations is None else len(organizations)
    params = [*(organizations or ()), *([status] if status is not None else ())]
    if due_before is not None:
        params.append(connection.ops.adapt_datefield_value(due_before))
    with connection.cursor() as cursor:
        cursor.execute(_tally_sum_sql(alias, count, status is not None, due_before is not None), params)
        (total,) = cursor.fetchone()
    return int(total or 0)  # PostgreSQL sums a bigint column as numeric


def loan_list_tally(user, narrowing: dict[str, list[str]]) -> int | None:
    """The loan list's total from the loan tallies when the list is narrowed only by what they hold (nothing,
    one status, open, overdue), else None: the rows are then counted."""
    if not narrowing:
        return loan_total_for_user(user)
    if len(narrowing) > 1 or len(next(iter(narrowing.values()))) > 1:
        return None
    (name, (value,)), active = next(iter(narrowing.items())), LoanStatus.ACTIVE
    if name == "status" and value in LoanStatus.values:
        return loan_total_for_user(user, status=value)
    if name == "open" and value == "true":
        return loan_total_for_user(user, status=active)
    if name == "overdue" and value == "true":
        return loan_total_for_user(user, status=active, due_before=today())
    return None


@lru_cache(maxsize=64)
def _tally_sum_sql(alias: str, organizations: int | None, status: bool, due_before: bool) -> str:
    """SUM(loans) over the tallies of `organizations` organisations (None: all), with the status and
    overdue-date conditions when asked for; parameters in that order."""
    quote = connections[alias].ops.quote_name
    fields = ("organization", "status", "overdue_after")
    column = {name: quote(LoanTally._meta.get_field(name).column) for name in fields}
    where = []
    if organizations is not None:
        where.append(f"{column['organization']} IN ({', '.join(['%s'] * organizations)})")
    if status:
        where.append(f"{column['status']} = %s")
    if due_before:
        where.append(f"{column['overdue_after']} < %s")
    loans = quote(LoanTally._meta.get_field("loans").column)
    return f"SELECT SUM({loans}) FROM {quote(LoanTally._meta.db_table)}" + (
        f" WHERE {' AND '.join(where)}" if where else ""
    )


def loan_page(queryset: QuerySet[Loan], columns: list[str], page: slice) -> tuple[list[dict], dict[int, dict]]:
    """One list page in one query: its `.values()` rows of `columns` and their loan_page_details.

    A deferred join: the page's ids are picked on loans_loan alone (PostgreSQL walks the overdue index and
    stops after the page, no join before the sort), and only those loans are joined to their participant,
    policy, items and devices. A search (DISTINCT over joined items) takes two queries instead: the page,
    then loan_page_details of its ids.
    """
    if queryset.query.distinct:
        rows = list(queryset.values(*columns)[page])
        return rows, loan_page_details([row["id"] for row in rows])
    ordering = (*(queryset.query.order_by or Loan._meta.ordering), "pk", "items__id")
    ids = queryset.values("pk")[page]
    if all(isinstance(term, str) for term in ordering):
        return _collect(_JoinedPage.get(ordering, tuple(columns), ids.db).rows(ids.query), columns)
    joined = _with_names(Loan.objects.order_by(*ordering)).values_list(*columns, *_PAGE_DETAIL_COLUMNS[1:])
    return _collect(joined.filter(pk__in=ids), columns)


class _JoinedPage:
    """The page query's SQL around its page of ids, compiled once per ordering and database (a few per
    process), and run with each request's page: building and compiling the joins and 40 columns took a
    quarter of the list's time. Each request compiles only its page of ids (its filters, order and slice), as
    Django compiles a subquery (`bump_prefix`: U0...), so the SQL is the ORM's own (pinned by
    tests/loans/test_list_rows.py); the database's converters (JSON, and SQLite's dates) are applied as the
    ORM applies them.

    One change on PostgreSQL: `id = ANY(ARRAY(page))` for the ORM's `id IN (page)`. The page is then computed
    first, once (an InitPlan), instead of being a semi-join the planner weighs against every other join
    (planning 1.0 -> 0.7 ms); the rows are the same (pinned).
    """

    _MARK = "SELECT lendwise_page_ids"

    @classmethod
    @lru_cache(maxsize=64)
    def get(cls, ordering: tuple[str, ...], columns: tuple[str, ...], alias: str) -> "_JoinedPage":
        return cls(ordering, columns, alias)

    def __init__(self, ordering, columns, alias):
        joined = _with_names(Loan.objects.using(alias).order_by(*ordering))
        joined = joined.values_list(*columns, *_PAGE_DETAIL_COLUMNS[1:])
        self.alias, self.query = alias, joined.filter(pk__in=RawSQL(self._MARK, ())).query
        compiler = self.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if params or sql.count(f"IN ({self._MARK})") != 1:
            raise ValueError("the joined page query must have no parameters of its own")
        if compiler.connection.vendor == "postgresql":
            sql = sql.replace(f"IN ({self._MARK})", f"= ANY(ARRAY({self._MARK}))")
        self.head, self.tail = sql.split(self._MARK)
        self.selected = [column for column, *_ in compiler.select]

    def sql(self, ids: Query) -> tuple[str, tuple]:
        """The SQL and parameters for one page; `ids` (the page's `.values("pk")[page]` query) is changed."""
        ids.bump_prefix(self.query)
        sql, params = ids.get_compiler(self.alias).as_sql()
        return f"{self.head}{sql}{self.tail}", params

    def rows(self, ids: Query) -> list:
        try:
            sql, params = self.sql(ids)
        except EmptyResultSet:  # no page can match (e.g. a user of no organisation): the ORM runs no query
            return []
        compiler = self.query.get_compiler(self.alias)  # this thread's connection, for the converters
        with compiler.connection.cursor() as cursor:
            load_timestamps_in_c(cursor)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        converters = compiler.get_converters(self.selected)
        return list(compiler.apply_converters(rows, converters)) if converters else rows


def _collect(joined, columns: list[str]) -> tuple[list[dict], dict[int, dict]]:
    """Joined rows of (*columns, participant name, policy name, *item columns), one per item (a loan without
    items has one row, with NULL item columns) -> (each loan's row of `columns`, loan_page_details)."""
    rows: list[dict] = []
    details: dict[int, dict] = {}
    width, id_index = len(columns), columns.index("id")
    for values in joined:
        loan_id = values[id_index]
        entry = details.get(loan_id)
        if entry is None:
            rows.append(dict(zip(columns, values[:width], strict=True)))
            entry = details[loan_id] = {
                "participant_name": values[width],
                "policy_name": values[width + 1],
                "items": [],
            }
        item = values[width + 2 :]
        if item[0] is not None:
            entry["items"].append(dict(zip(LOAN_ITEM_ROW_COLUMNS, item, strict=True)))
    return rows, details


def loan_page_details(loan_ids) -> dict[int, dict]:
    """For the loans of one list page, in one query: the participant's and policy's names and the items
    (`.values()` rows with their device's columns, in id order like the `items` prefetch of loans_for_user).

    Joining here, over the page's loans only, keeps the joins out of the page query, where PostgreSQL
    would join every row it reads before sorting them."""
    if not loan_ids:
        return {}
    joined = _with_names(Loan.objects.filter(pk__in=list(loan_ids)).order_by("id", "items__id"))
    return _collect(joined.values_list(*_PAGE_DETAIL_COLUMNS), ["id"])[1]
