"""The funder report: one dict built from database aggregates, rendered as JSON, CSV and PDF.

Every figure is a COUNT/SUM computed by the database over a scope (a set of grants, or one
organisation) and a period; nothing loops over rows in Python. No figure names a person, a phone
number or a code. With `suppress=True` (every funder-facing output: the API's JSON, the CSV, the PDF,
the monthly e-mail and the /funder/ page all read this dict):

- a count from 1 to 4 becomes the string "<5";
- a share, a ratio or a money sum computed from such a count is left out (None), because the sum
  divided by the unit value gives the count back (75.00 EUR of 25.00 EUR cheques = 3);
- in a breakdown whose total is shown (devices by kind, source, condition or status, people by age or
  gender, a funder's grants, months, packs), while the total and the shown cells pin a hidden cell to one
  value, the smallest other cell is left out too (None, secondary suppression; `pinned_cells`), so that
  no hidden cell can be derived. A figure
  repeated elsewhere (lost, stolen, given away) repeats the cell as suppressed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from connectivity.models import Digicheque, EligibilityCode
from inventory.choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus
from inventory.models import Device, RepairTicket
from loans.choices import LoanStatus
from loans.models import CentreSession, DatePlusDays, Loan, LoanItem
from organizations.choices import AgeBand, Gender
from organizations.models import Funder, Grant, Organization, Participant
from organizations.permissions import Action, can
from organizations.selectors import grants_for_user, user_roles

SUPPRESSED = "<5"
SUPPRESS_BELOW = 5
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass(frozen=True)
class Scope:
    """What a report covers: the rows paid by `grant_ids`, or every row of `organization_id`."""

    kind: str  # "grant", "funder" or "organization"
    grant_ids: tuple[int, ...] | None = None
    organization_id: int | None = None
    # where the people of the scope can be: the grants' organisations (bounds the participant scan)
    organization_ids: tuple[int, ...] = ()

    def participants(self) -> QuerySet[Participant]:
        if self.grant_ids is not None:
            return Participant.objects.filter(organization_id__in=self.organization_ids)
        return Participant.objects.filter(organization_id=self.organization_id)

    def devices(self) -> QuerySet[Device]:
        if self.grant_ids is not None:
            return Device.objects.filter(grant_id__in=self.grant_ids)
        return Device.objects.filter(organization_id=self.organization_id)

    def loans(self) -> QuerySet[Loan]:
        if self.grant_ids is not None:
            paid = LoanItem.objects.filter(loan=OuterRef("pk"), device__grant_id__in=self.grant_ids)
            return Loan.objects.filter(Exists(paid))
        return Loan.objects.filter(organization_id=self.organization_id)

    def loan_items(self) -> QuerySet[LoanItem]:
        if self.grant_ids is not None:
            return LoanItem.objects.filter(device__grant_id__in=self.grant_ids)
        return LoanItem.objects.filter(loan__organization_id=self.organization_id)

    def codes(self) -> QuerySet[EligibilityCode]:
        if self.grant_ids is not None:
            return EligibilityCode.objects.filter(batch__grant_id__in=self.grant_ids)
        return EligibilityCode.objects.filter(organization_id=self.organization_id)

    def cheques(self) -> QuerySet[Digicheque]:
        if self.grant_ids is not None:
            return Digicheque.objects.filter(batch__grant_id__in=self.grant_ids)
        return Digicheque.objects.filter(organization_id=self.organization_id)

    def centre_sessions(self) -> QuerySet[CentreSession]:
        """Sessions on the computers of the scope: a grant's are those on the devices it paid for."""
        if self.grant_ids is not None:
            return CentreSession.objects.filter(device__grant_id__in=self.grant_ids)
        return CentreSession.objects.filter(organization_id=self.organization_id)


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, end+1 00:00) in Brussels time, so datetime columns are compared without per-row casts."""
    zone = ZoneInfo(settings.TIME_ZONE)
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return low, high


class _Suppressor:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def hidden(self, count: int) -> bool:
        return self.enabled and 0 < count < SUPPRESS_BELOW

    def count(self, count: int):
        return SUPPRESSED if self.hidden(count) else count

    def share(self, part: int, whole: int) -> float | None:
        """Percentage with one decimal; None when there is no whole or either count is suppressed."""
        if not whole or self.hidden(part) or self.hidden(whole):
            return None
        return round(100 * part / whole, 1)

    def money(self, count: int, value) -> str | None:
        """A sum of values over `count` rows: left out (None) wherever that count is suppressed."""
        return None if self.hidden(count) else _money(value)

    def group(self, cells: dict[str, int]) -> dict:
        """The cells of a breakdown whose total is shown (or "<5"): 1 to 4 as "<5"; then, while the total and
        the shown cells still pin a hidden cell to one value, the smallest other cell is left out (None) as
        well (secondary suppression: one hidden cell next to its total takes another with it; two "<5" that
        must add up to 2 take a third). Where no cell is left to hide, the whole breakdown is left out."""
        shown = {key: self.count(value) for key, value in cells.items()}
        if not self.enabled:
            return shown
        total = self.count(sum(cells.values()))
        while pinned_cells(shown, total):
            candidates = [key for key, cell in shown.items() if _shown(cell)]
            if not candidates:
                return dict.fromkeys(cells)
            # the smallest non-zero cell first; a zero cell only when no other is left
            shown[min(candidates, key=lambda key: (cells[key] == 0, cells[key], key))] = None
        return shown


def _bounds(cell) -> tuple[int, float]:
    if cell == SUPPRESSED:
        return 1, SUPPRESS_BELOW - 1
    if cell is None:
        return 0, float("inf")
    return cell, cell


def pinned_cells(shown: dict, total) -> list:
    """The hidden cells of a breakdown that its total and shown cells fix to one value: each hidden cell's
    range ("<5": 1 to 4; left out: 0 or more) narrowed by the sum (exact for one sum with bounded cells)."""
    low_total, high_total = _bounds(total)
    hidden = [key for key, cell in shown.items() if not _shown(cell)]
    bounds = {key: _bounds(shown[key]) for key in shown}
    pinned = []
    for key in hidden:
        others = [bounds[other] for other in shown if other != key]
        low = max(bounds[key][0], low_total - sum(high for _low, high in others))
        high = min(bounds[key][1], high_total - sum(low for low, _high in others))
        if low == high:
            pinned.append(key)
    return pinned


def _shown(cell) -> bool:
    """A cell printed as its exact number (not "<5", not left out)."""
    return isinstance(cell, int) and not isinstance(cell, bool)


def _id_list(queryset: QuerySet) -> QuerySet:
    """An IN (...) list of ids. PostgreSQL needs DISTINCT to estimate it small enough to hash once (without
    it the benchmark's people query re-scanned the loans per participant: 50 s instead of 0.2 s); SQLite
    is slower with DISTINCT (a temporary B-tree for nothing), so it gets the plain list."""
    return queryset.distinct() if connection.vendor == "postgresql" else queryset


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _by_choice(
    aggregates: dict, prefix: str, choices, suppress: _Suppressor, *, keep_zero: bool, extra: dict | None = None
) -> dict:
    """One breakdown of a shown total, suppressed as a group (see `_Suppressor.group`); zero cells kept or not."""
    cells = {value: aggregates[f"{prefix}_{value}"] for value, _label in choices}
    cells.update(extra or {})
    shown = suppress.group(cells)
    return {key: cell for key, cell in shown.items() if keep_zero or cells[key]}


def _choice_counts(prefix: str, field: str, choices, *, filter: Q | None = None, count: str = "id") -> dict:
    result = {}
    for value, _label in choices:
        condition = Q(**{field: value})
        if filter is not None:
            condition &= filter
        result[f"{prefix}_{value}"] = Count(count, filter=condition)
    return result


def _months(period_start: datetime.date, period_end: datetime.date) -> list[datetime.date]:
    months, month = [], period_start.replace(day=1)
    while month <= period_end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _closed_after(day_field: str) -> Q:
    """A loan closed after the calendar day `day_field` (Brussels time): `closed_at__date > day`, which SQLite
    computes with a Python function per row (1.7 s of the year report over 1M loans). Brussels is ahead of UTC
    by less than a day, so a loan closed from the next day's midnight UTC on is surely late and one closed
    before the day's midnight UTC surely is not; the exact test runs only for the rows in between."""
    day = F(day_field)
    return Q(closed_at__gte=DatePlusDays(day, Value(1))) | (Q(closed_at__gte=day) & Q(closed_at__date__gt=day))


class _YearMonth(Func):
    """'YYYY-MM' of a date column, with the database's own function (TruncMonth is a Python function per row
    on SQLite)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "strftime('%%%%Y-%%%%m', %(expressions)s)"  # %% twice: the template, then the query's params
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra_context)


def _loans_by_month(loans: QuerySet, period_start, period_end, hide: "_Suppressor") -> list[dict]:
    """Loans started and people who started one, per calendar month of the period (one GROUP BY). The months
    add up to the period's loans started, so each series is suppressed as a group."""
    counted = {
        row["month"]: row
        for row in loans.filter(started_on__gte=period_start, started_on__lte=period_end)
        .annotate(month=_YearMonth("started_on"))
        .order_by()
        .values("month")
        .annotate(loans=Count("id"), people=Count("participant_id", distinct=True))
    }
    months = [month.strftime("%Y-%m") for month in _months(period_start, period_end)]
    loans_shown = hide.group({month: counted.get(month, {}).get("loans", 0) for month in months})
    people_shown = hide.group({month: counted.get(month, {}).get("people", 0) for month in months})
    return [{"month": month, "loans_started": loans_shown[month], "people": people_shown[month]} for month in months]


def build_report(*, scope: Scope, period_start: datetime.date, period_end: datetime.date, suppress: bool) -> dict:
    """The figures of one scope and period (see the module docstring); about ten aggregate queries."""
    hide = _Suppressor(suppress)
    low, high = _day_bounds(period_start, period_end)
    # "Overdue" and "at the end" are judged on the last day of the period, or today for a running period.
    reference_day = min(period_end, timezone.localdate())
    reference_high = _day_bounds(reference_day, reference_day)[1]

    # --- devices: received in the period, and their status now --------------------------------
    devices = scope.devices()
    received_filter = Q(intake_date__gte=period_start, intake_date__lte=period_end)
    device_figures = devices.aggregate(
        received=Count("id", filter=received_filter),
        received_value=Coalesce(Sum("value", filter=received_filter), ZERO),
        total=Count("id"),
        total_value=Coalesce(Sum("value"), ZERO),
        **_choice_counts("kind", "kind", DeviceKind.choices, filter=received_filter),
        **_choice_counts("source", "source", DeviceSource.choices, filter=received_filter),
        **_choice_counts("condition", "condition", ConditionGrade.choices, filter=received_filter),
        **_choice_counts("status", "status", DeviceStatus.choices),
        defective=Count(
            "id",
            filter=Q(status=DeviceStatus.IN_REPAIR) | Q(Exists(RepairTicket.objects.filter(device=OuterRef("pk")))),
        ),
    )

    # --- loans that touched the period ------------------------------------------------------------
    loans = scope.loans().filter(started_on__lte=period_end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=low))
    closed_in_period = Q(closed_at__gte=low, closed_at__lt=high)
    # Overdue once the due date and the loan's grace days have passed (Loan.overdue_after), as everywhere.
    late = Q(overdue_after__lt=reference_day) & (Q(closed_at__isnull=True) | _closed_after("overdue_after"))
    loan_figures = loans.aggregate(
        started=Count("id", filter=Q(started_on__gte=period_start)),
        returned=Count("id", filter=closed_in_period & Q(status=LoanStatus.RETURNED)),
        lost=Count("id", filter=closed_in_period & Q(status__in=[LoanStatus.LOST, LoanStatus.WRITTEN_OFF])),
        given=Count("id", filter=closed_in_period & Q(status=LoanStatus.GIVEN)),
        overdue=Count("id", filter=late),
        open_at_end=Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=reference_high)),
        borrowers=Count("participant_id", distinct=True),
    )
    lent_items = (
        scope.loan_items()
        .filter(loan__started_on__lte=period_end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=low))
    )
    devices_lent = lent_items.aggregate(devices=Count("device_id", distinct=True))["devices"]

    # --- connectivity ---------------------------------------------------------------------------
    assigned_filter = Q(assigned_at__gte=low, assigned_at__lt=high)
    activated_filter = Q(activated_on__gte=period_start, activated_on__lte=period_end)
    code_rows = list(
        scope.codes()
        .filter(assigned_filter | activated_filter)
        .values("programme__name", "pack__name")
        .annotate(
            assigned=Count("id", filter=assigned_filter),
            activated=Count("id", filter=activated_filter),
            monthly_value=Coalesce(Sum("pack__monthly_price", filter=assigned_filter), ZERO),
        )
        .order_by("programme__name", "pack__name")
    )
    issued_filter = Q(issued_at__gte=low, issued_at__lt=high)
    redeemed_filter = Q(redeemed_on__gte=period_start, redeemed_on__lte=period_end)
    cheque_figures = scope.cheques().aggregate(
        issued=Count("id", filter=issued_filter),
        issued_value=Coalesce(Sum("batch__unit_value", filter=issued_filter), ZERO),
        charged=Coalesce(Sum("price_charged", filter=issued_filter), ZERO),
        redeemed=Count("id", filter=redeemed_filter),
        redeemed_value=Coalesce(Sum("batch__unit_value", filter=redeemed_filter), ZERO),
        in_stock=Count("id", filter=Q(status="in_stock")),
    )

    # --- use in the centre: sessions started in the period ------------------------------------------
    sessions = scope.centre_sessions().filter(started_at__gte=low, started_at__lt=high)
    visitor = Q(participant__isnull=True)
    centre_figures = sessions.aggregate(
        sessions=Count("id"),
        participants=Count("participant_id", distinct=True),
        visitors=Count("id", filter=visitor),
        devices=Count("device_id", distinct=True),
        duration=Sum(
            ExpressionWrapper(Coalesce("ended_at", "ends_at") - F("started_at"), output_field=DurationField())
        ),
        **_choice_counts("visitor_age", "visitor_age_band", AgeBand.choices, filter=visitor),
        **_choice_counts("visitor_gender", "visitor_gender", Gender.choices, filter=visitor),
        visitor_age_unknown=Count("id", filter=visitor & Q(visitor_age_band="")),
        visitor_gender_unknown=Count("id", filter=visitor & Q(visitor_gender="")),
    )

    # --- people reached: distinct participants with a loan, a session, a code or a cheque in the period
    reached = scope.participants().filter(
        Q(id__in=_id_list(loans.values("participant_id")))
        | Q(id__in=_id_list(sessions.filter(participant__isnull=False).values("participant_id")))
        | Q(id__in=_id_list(scope.codes().filter(assigned_filter).values("participant_id")))
        | Q(id__in=_id_list(scope.cheques().filter(issued_filter, participant__isnull=False).values("participant_id")))
    )
    people = reached.aggregate(
        reached=Count("id"),
        **_choice_counts("age", "age_band", AgeBand.choices),
        **_choice_counts("gender", "gender", Gender.choices),
        age_unknown=Count("id", filter=Q(age_band="")),
        gender_unknown=Count("id", filter=Q(gender="")),
    )
    with_gender = people["reached"] - people["gender_unknown"] - people[f"gender_{Gender.UNSAID}"]

    total = device_figures["total"]
    by_age = _by_choice(people, "age", AgeBand.choices, hide, keep_zero=True, extra={"unknown": people["age_unknown"]})
    by_gender = _by_choice(
        people, "gender", Gender.choices, hide, keep_zero=True, extra={"unknown": people["gender_unknown"]}
    )
    # any gender cell not shown exactly: the share (with the shown cells) would give it back
    women_share = (
        hide.share(people[f"gender_{Gender.WOMAN}"], with_gender)
        if all(_shown(cell) for cell in by_gender.values())
        else None
    )
    by_status = _by_choice(device_figures, "status", DeviceStatus.choices, hide, keep_zero=True)

    def status_share(status: str) -> float | None:
        return hide.share(device_figures[f"status_{status}"], total) if _shown(by_status[status]) else None

    borrowers = loan_figures["borrowers"]
    # the packs' rows add up to the totals shown on the summary: each column is suppressed as a group
    codes_assigned = hide.group(dict(enumerate(row["assigned"] for row in code_rows)))
    codes_activated = hide.group(dict(enumerate(row["activated"] for row in code_rows)))
    by_month = _loans_by_month(loans, period_start, period_end, hide)
    return {
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "suppressed": suppress,
        "devices_received": {
            "count": hide.count(device_figures["received"]),
            "value": hide.money(device_figures["received"], device_figures["received_value"]),
            "by_kind": _by_choice(device_figures, "kind", DeviceKind.choices, hide, keep_zero=False),
            "by_source": _by_choice(device_figures, "source", DeviceSource.choices, hide, keep_zero=False),
            "by_condition": _by_choice(device_figures, "condition", ConditionGrade.choices, hide, keep_zero=False),
        },
        "devices_now": {
            "count": hide.count(total),
            "value": hide.money(total, device_figures["total_value"]),
            "by_status": by_status,
        },
        "by_month": by_month,
        "loans": {
            "started": hide.count(loan_figures["started"]),
            "returned": hide.count(loan_figures["returned"]),
            "overdue": hide.count(loan_figures["overdue"]),
            "lost_or_written_off": hide.count(loan_figures["lost"]),
            "given_to_keep": hide.count(loan_figures["given"]),
            "open_at_end": hide.count(loan_figures["open_at_end"]),
        },
        "people": {
            "reached": hide.count(people["reached"]),
            "borrowers": hide.count(borrowers),
            "by_age_band": by_age,
            "by_gender": by_gender,
            "women_share": women_share,
        },
        "device_use": {
            "lent_for_home_use": hide.count(devices_lent),
            "given_to_keep": by_status[DeviceStatus.GIVEN_AWAY],
            "people_per_device": (
                None
                if not devices_lent or hide.hidden(borrowers) or hide.hidden(devices_lent)
                else round(borrowers / devices_lent, 2)
            ),
        },
        "centre_use": _centre_use(centre_figures, hide),
        "rates": {
            "defective": hide.count(device_figures["defective"]),
            "defective_share": hide.share(device_figures["defective"], total),
            "lost": by_status[DeviceStatus.LOST],
            "lost_share": status_share(DeviceStatus.LOST),
            "stolen": by_status[DeviceStatus.STOLEN],
            "stolen_share": status_share(DeviceStatus.STOLEN),
        },
        "internet_codes": [
            {
                "programme": row["programme__name"],
                "pack": row["pack__name"],
                "assigned": codes_assigned[index],
                "activated": codes_activated[index],
                # the price of the packs over their count gives the count back: shown only with it
                "monthly_value": _money(row["monthly_value"]) if _shown(codes_assigned[index]) else None,
            }
            for index, row in enumerate(code_rows)
        ],
        "internet_codes_total": {
            "assigned": hide.count(sum(row["assigned"] for row in code_rows)),
            "activated": hide.count(sum(row["activated"] for row in code_rows)),
        },
        "digicheques": {
            "issued": hide.count(cheque_figures["issued"]),
            "issued_value": hide.money(cheque_figures["issued"], cheque_figures["issued_value"]),
            "price_charged": hide.money(cheque_figures["issued"], cheque_figures["charged"]),
            "redeemed": hide.count(cheque_figures["redeemed"]),
            "redeemed_value": hide.money(cheque_figures["redeemed"], cheque_figures["redeemed_value"]),
            "in_stock": hide.count(cheque_figures["in_stock"]),
        },
    }


def _centre_use(figures: dict, hide: "_Suppressor") -> dict:
    """Sessions in the centre and the people who had them: participants (each once) and visitors without a file
    (each visit once; they have no file to tell two visits apart), those two as a group with their total; the
    visitors' age bands and genders only where the visitors' count is shown exactly (else their cells would add
    up to it). Hours of use go with the sessions' count: at a set length they would give it back."""
    people = hide.group({"participants": figures["participants"], "visitors": figures["visitors"]})
    visitors_shown = _shown(people["visitors"])
    by_age = _by_choice(
        figures, "visitor_age", AgeBand.choices, hide, keep_zero=True, extra={"unknown": figures["visitor_age_unknown"]}
    )
    by_gender = _by_choice(
        figures,
        "visitor_gender",
        Gender.choices,
        hide,
        keep_zero=True,
        extra={"unknown": figures["visitor_gender_unknown"]},
    )
    duration = figures["duration"]
    hours = round(duration.total_seconds() / 3600, 1) if duration else 0.0
    return {
        "sessions": hide.count(figures["sessions"]),
        "hours": None if hide.hidden(figures["sessions"]) else hours,
        "people": hide.count(figures["participants"] + figures["visitors"]),
        "participants": people["participants"],
        "visitors": people["visitors"],
        "devices_used": hide.count(figures["devices"]),
        "visitors_by_age_band": by_age if visitors_shown else dict.fromkeys(by_age),
        "visitors_by_gender": by_gender if visitors_shown else dict.fromkeys(by_gender),
    }


def _grant_summary(grants: QuerySet[Grant]) -> list[dict]:
    return [
        {
            "id": grant.id,
            "organization_id": grant.organization_id,
            "name": grant.name,
            "reference": grant.reference,
            "organization": grant.organization.name,
            "funder": grant.funder.name,
            "amount": _money(grant.amount) if grant.amount is not None else None,
            "starts_on": grant.starts_on.isoformat(),
            "ends_on": grant.ends_on.isoformat(),
        }
        for grant in grants.select_related("organization", "funder").order_by("organization__name", "name")
    ]


PORTFOLIO_FIGURES = ("devices_received", "loans_started", "people_reached", "codes_assigned", "cheques_issued")


def _people_by_grant(grant_ids, low, high, period_end) -> dict[int, int]:
    """Distinct participants per grant with a loan or a session (on a device of the grant), a code or a cheque
    of the grant in the period: one GROUP BY over a UNION (which drops repeated pairs) of (grant, participant) pairs."""
    loans = (
        LoanItem.objects.filter(device__grant_id__in=grant_ids, loan__started_on__lte=period_end)
        .filter(Q(loan__closed_at__isnull=True) | Q(loan__closed_at__gte=low))
        .annotate(g=F("device__grant_id"), p=F("loan__participant_id"))
    )
    codes = EligibilityCode.objects.filter(
        batch__grant_id__in=grant_ids, assigned_at__gte=low, assigned_at__lt=high, participant__isnull=False
    ).annotate(g=F("batch__grant_id"), p=F("participant_id"))
    cheques = Digicheque.objects.filter(
        batch__grant_id__in=grant_ids, issued_at__gte=low, issued_at__lt=high, participant__isnull=False
    ).annotate(g=F("batch__grant_id"), p=F("participant_id"))
    sessions = CentreSession.objects.filter(
        device__grant_id__in=grant_ids, started_at__gte=low, started_at__lt=high, participant__isnull=False
    ).annotate(g=F("device__grant_id"), p=F("participant_id"))
    parts = [
        queryset.order_by().values_list("g", "p").query.sql_with_params()
        for queryset in (loans, codes, cheques, sessions)
    ]
    union = " UNION ".join(f"SELECT g, p FROM ({sql}) AS part{index}" for index, (sql, _p) in enumerate(parts))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g, COUNT(*) FROM ({union}) AS pairs GROUP BY g",
            [param for _sql, params in parts for param in params],
        )
        return dict(cursor.fetchall())


def portfolio_rows(grant_rows: list[dict], period_start, period_end, hide: "_Suppressor") -> list[dict]:
    """One row per grant of a funder's report: its organisation and key figures for the period, each column
    suppressed as a group (the funder's total is shown next to it, so one hidden cell takes another)."""
    grant_ids = [row["id"] for row in grant_rows]
    low, high = _day_bounds(period_start, period_end)
    received = dict(
        Device.objects.filter(grant_id__in=grant_ids, intake_date__gte=period_start, intake_date__lte=period_end)
        .values("grant_id")
        .annotate(n=Count("id"))
        .values_list("grant_id", "n")
    )
    started = dict(
        LoanItem.objects.filter(
            device__grant_id__in=grant_ids, loan__started_on__gte=period_start, loan__started_on__lte=period_end
        )
        .values("device__grant_id")
        .annotate(n=Count("loan_id", distinct=True))
        .values_list("device__grant_id", "n")
    )
    codes = dict(
        EligibilityCode.objects.filter(batch__grant_id__in=grant_ids, assigned_at__gte=low, assigned_at__lt=high)
        .values("batch__grant_id")
        .annotate(n=Count("id"))
        .values_list("batch__grant_id", "n")
    )
    cheques = dict(
        Digicheque.objects.filter(batch__grant_id__in=grant_ids, issued_at__gte=low, issued_at__lt=high)
        .values("batch__grant_id")
        .annotate(n=Count("id"))
        .values_list("batch__grant_id", "n")
    )
    people = _people_by_grant(grant_ids, low, high, period_end)
    columns = dict(
        zip(PORTFOLIO_FIGURES, (received, started, people, codes, cheques), strict=True),
    )
    shown = {
        figure: hide.group({grant_id: values.get(grant_id, 0) for grant_id in grant_ids})
        for figure, values in columns.items()
    }
    return [
        {
            "grant": row["id"],
            "name": row["name"],
            "organization": row["organization"],
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            **{figure: shown[figure][row["id"]] for figure in PORTFOLIO_FIGURES},
        }
        for row in grant_rows
    ]


def grant_report(
    *, grants: QuerySet[Grant], period_start: datetime.date, period_end: datetime.date, suppress: bool, kind="grant"
) -> dict:
    """The report over the devices, loans, codes and cheques paid by `grants` (one grant or a funder's)."""
    summary = _grant_summary(grants)
    scope = Scope(
        kind=kind,
        grant_ids=tuple(row["id"] for row in summary),
        organization_ids=tuple(sorted({row["organization_id"] for row in summary})),
    )
    report = build_report(scope=scope, period_start=period_start, period_end=period_end, suppress=suppress)
    amounts = [Decimal(row["amount"]) for row in summary if row["amount"] is not None]
    funders = sorted({row["funder"] for row in summary})
    if kind == "funder":
        report["portfolio"] = portfolio_rows(summary, period_start, period_end, _Suppressor(suppress))
    report["scope"] = {
        "kind": kind,
        "funder": ", ".join(funders),
        "organization": ", ".join(sorted({row["organization"] for row in summary})),
        "grants": summary,
        "grant_amount": _money(sum(amounts)) if amounts else None,
    }
    return report


def organization_report(
    *, organization: Organization, period_start: datetime.date, period_end: datetime.date, suppress: bool
) -> dict:
    """The report over everything one organisation holds, whoever paid for it."""
    scope = Scope(kind="organization", organization_id=organization.id)
    report = build_report(scope=scope, period_start=period_start, period_end=period_end, suppress=suppress)
    grants = _grant_summary(Grant.objects.filter(organization=organization))
    report["scope"] = {
        "kind": "organization",
        "funder": "",
        "organization": organization.name,
        "grants": grants,
        "grant_amount": None,
    }
    return report


# --- who may read which report ------------------------------------------------------------------


def report_grants_for_user(user) -> QuerySet[Grant]:
    """Grants whose report the user may read: their organisations' and their funders' (all for superusers)."""
    return grants_for_user(user)


def report_organizations_for_user(user) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(id__in=list(user_roles(user)))


def report_funders_for_user(user) -> QuerySet[Funder]:
    """Funders with at least one grant the user may read."""
    return Funder.objects.filter(id__in=report_grants_for_user(user).values("funder_id"))


def suppression_for(user, organization_ids) -> bool:
    """Funder-facing unless the user administers every organisation covered (or runs the platform)."""
    ids = set(organization_ids)
    if not ids:
        return not user.is_superuser
    return not all(can(user, org_id, Action.MANAGE) for org_id in ids)
