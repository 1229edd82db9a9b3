"""Reads for the desk and funder pages, built on the owning apps' scoped selectors."""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from connectivity.selectors import codes_for_user, digicheques_for_user
from inventory.models import Device
from loans.choices import LoanStatus, WaitlistStatus
from loans.models import Loan, LoanCall, LoanItem, WaitlistEntry
from loans.selectors import loan_total_for_user, loans_for_user, waitlist_for_user
from loans.services import renewal_request_key, today
from messaging.models import OutboundMessage
from messaging.selectors import messages_for_user
from organizations.calendar import week
from organizations.choices import StaffTaskKind
from organizations.models import Grant, Participant, StaffTask
from organizations.selectors import participants_for_user, scope_to_user, staff_tasks_for_user, user_funder_ids

LIST_LIMIT = 100


OVERDUE_PAGE_SIZE = 50


def desk_today(user, *, on: datetime.date | None = None, page: int = 1) -> dict:
    """What the counter needs this morning: due today, overdue (due date and grace days passed) a page at a time
    with each loan's last SMS and last call, the loans to call again today, open tasks (a renewal request with
    its loan and the date approving it gives), waiting-list offers.

    A fixed number of queries however many loans are overdue (a test pins it): the overdue total comes from
    the loan tallies, the page's loans through the open-overdue index with only the columns shown, then one
    query each for their devices still out, the page's latest SMS and call ids, those SMS, those calls."""
    on = on or today()
    overdue_total = loan_total_for_user(user, status=LoanStatus.ACTIVE, due_before=on)
    pages = max(1, -(-overdue_total // OVERDUE_PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * OVERDUE_PAGE_SIZE
    overdue_loans = _today_rows(user, phone=True).filter(overdue_after__lt=on).order_by("overdue_after", "id")
    overdue = list(overdue_loans[start : start + OVERDUE_PAGE_SIZE])
    for loan in overdue:
        loan.days_late = (on - loan.due_on).days  # counted from the due date; listed once the grace days passed
        loan.phone_shown = phone_shown(loan.phone_e164)
    _with_open_tags(overdue)
    _with_last_sms_and_call(overdue)
    tasks = list(
        staff_tasks_for_user(user)
        .filter(done_at__isnull=True, due_on__lte=on + datetime.timedelta(days=7))
        .order_by("due_on", "id")[:LIST_LIMIT]
    )
    _with_renewal_loans(tasks, on=on)
    return {
        "today": on,
        "due_today": _due_on(user, on),
        "overdue": overdue,
        "overdue_total": overdue_total,
        "overdue_page": page,
        "overdue_pages": pages,
        "to_call": desk_to_call(user, on=on),
        "tasks": tasks,
        "offers": list(
            waitlist_for_user(user)
            .filter(status=WaitlistStatus.OFFERED)
            .order_by("offer_expires_on", "id")[:LIST_LIMIT]
        ),
    }


def _today_rows(user, *, phone: bool = False) -> QuerySet[Loan]:
    """Open loans with only the columns the Today lists print: the page shows up to 150 loans, and whole rows
    with their policy, course, organisation and item objects took most of its time. With `phone`, the
    participant's number as stored (E.164) in `phone_e164`, not parsed into a PhoneNumber per row."""
    loans = (
        Loan.objects.filter(status=LoanStatus.ACTIVE)
        .select_related("participant")
        .only(
            "id",
            "organization_id",
            "participant_id",
            "status",
            "due_on",
            "grace_days",
            "overdue_after",
            "participant__id",
            "participant__organization_id",
            "participant__display_name",
        )
    )
    if phone:
        loans = loans.annotate(phone_e164=Cast("participant__phone", CharField()))
    return scope_to_user(loans, user)


def _with_open_tags(loans: list[Loan]) -> None:
    """Set `open_tags` on each loan: the asset tags of its devices still out, in one query for all of them."""
    tags: dict[int, list[str]] = {loan.pk: [] for loan in loans}
    if tags:
        rows = (
            LoanItem.objects.filter(loan_id__in=list(tags), closed_at__isnull=True)
            .order_by("id")
            .values_list("loan_id", "device__asset_tag")
        )
        for loan_id, tag in rows:
            tags[loan_id].append(tag)
    for loan in loans:
        loan.open_tags = tags[loan.pk]


def _due_on(user, on: datetime.date) -> list[Loan]:
    """Open loans due on `on`, by participant name. The ids and names first, through the open-by-due-date
    index (ordering by name in SQL made SQLite walk every open loan of the organisation instead), then the
    first LIST_LIMIT rows."""
    named = _today_rows(user).filter(due_on=on).order_by("id").values_list("id", "participant__display_name")
    ids = [pk for pk, _name in sorted(named, key=lambda row: (row[1], row[0]))[:LIST_LIMIT]]
    rows = _today_rows(user).in_bulk(ids)
    loans = [rows[pk] for pk in ids if pk in rows]
    _with_open_tags(loans)
    return loans


_BELGIAN_MOBILE = re.compile(r"\+32(4\d\d)(\d\d)(\d\d)(\d\d)")


def phone_shown(e164: str) -> str:
    """A Belgian mobile the way it is said at the counter (0470 12 34 56); any other number as stored."""
    match = _BELGIAN_MOBILE.fullmatch(e164 or "")
    return "0{} {} {} {}".format(*match.groups()) if match else (e164 or "")


def _with_last_sms_and_call(loans: list[Loan]) -> None:
    """Set `last_sms` and `last_call` on each loan: three queries for the whole page, none per loan."""
    for loan in loans:
        loan.last_sms = loan.last_call = None
    if not loans:
        return
    loan_type = ContentType.objects.get_for_model(Loan)
    last_sms = (
        OutboundMessage.objects.filter(content_type_id=loan_type.id, object_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )
    last_call = LoanCall.objects.filter(loan_id=OuterRef("pk")).order_by("-at", "-id").values("id")[:1]
    latest = list(
        Loan.objects.filter(pk__in=[loan.pk for loan in loans])
        .annotate(sms_id=Subquery(last_sms), call_id=Subquery(last_call))
        .values_list("pk", "sms_id", "call_id")
    )
    sms = OutboundMessage.objects.in_bulk([row[1] for row in latest if row[1]])
    calls = LoanCall.objects.select_related("by").in_bulk([row[2] for row in latest if row[2]])
    by_loan = {pk: (sms.get(sms_id), calls.get(call_id)) for pk, sms_id, call_id in latest}
    for loan in loans:
        loan.last_sms, loan.last_call = by_loan.get(loan.pk, (None, None))


def _with_renewal_loans(tasks: list, *, on: datetime.date) -> None:
    """Set `loan` (and `renews_to`, the due date approving gives) on each renewal request: one query for the
    loans and the calendar read once per organisation, not per task."""
    loan_type = ContentType.objects.get_for_model(Loan)
    requests = [t for t in tasks if t.kind == StaffTaskKind.RENEWAL_REQUEST and t.content_type_id == loan_type.id]
    for task in tasks:
        task.loan = task.renews_to = None
    if not requests:
        return
    loans = Loan.objects.select_related("participant").in_bulk([t.object_id for t in requests])
    weeks = {}
    for task in requests:
        loan = loans.get(task.object_id)
        if loan is None or loan.organization_id != task.organization_id:
            continue
        task.loan = loan
        if loan.organization_id not in weeks:
            weeks[loan.organization_id] = week(loan.organization_id, from_day=on)
        if loan.renewal_days:  # renewal_due_on's rule, with the week read once
            day = max(loan.due_on, on) + datetime.timedelta(days=loan.renewal_days)
            task.renews_to = weeks[loan.organization_id].next_opening_day(day)


def desk_to_call(user, *, on: datetime.date | None = None) -> list[LoanCall]:
    """Open loans whose last call set a next step on or before `on`: the "to call today" list."""
    on = on or today()
    newer = LoanCall.objects.filter(loan_id=OuterRef("loan_id"), at__gt=OuterRef("at"))
    return list(
        scope_to_user(LoanCall.objects.select_related("loan__participant", "by"), user)
        .filter(next_on__lte=on, loan__status=LoanStatus.ACTIVE)
        .exclude(Exists(newer))
        .order_by("next_on", "id")[:LIST_LIMIT]
    )


def card_renewal_pending(loan: Loan) -> StaffTask | None:
    """The open request staff have not answered yet for this loan and due date (one query, by its key)."""
    return StaffTask.objects.filter(
        key=renewal_request_key(loan), kind=StaffTaskKind.RENEWAL_REQUEST, done_at__isnull=True
    ).first()


def desk_loan_calls(user, loan_id: int) -> list[LoanCall]:
    return list(scope_to_user(LoanCall.objects.select_related("by"), user).filter(loan_id=loan_id))


def desk_loan(user, loan_id: int) -> Loan | None:
    return loans_for_user(user).filter(pk=loan_id).first()


def desk_participants(user, query: str) -> QuerySet[Participant]:
    """Participants matching a name, reference or phone, with their open loans (3 queries in all)."""
    query = query.strip()
    queryset = participants_for_user(user).filter(is_active=True)
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        match = Q(display_name__icontains=query) | Q(reference__iexact=query)
        if len(digits) >= 4:
            match |= Q(phone__contains=digits[-8:])
        queryset = queryset.filter(match)
    open_loans = loans_for_user(user).filter(status=LoanStatus.ACTIVE).order_by("due_on")
    return queryset.prefetch_related(Prefetch("loans", queryset=open_loans, to_attr="open_loans")).order_by(
        "display_name", "id"
    )


PAST_LOANS_SHOWN = 10
MESSAGES_SHOWN = 10


def desk_participant(user, participant_id: int, *, on: datetime.date | None = None) -> dict | None:
    """One participant at the counter: their loans, place in the waiting lists, internet codes,
    digicheques, last SMS and open tasks. None when the person is not in the user's organisations.

    A fixed number of queries however many loans the person has had (a test pins it).
    """
    participant = participants_for_user(user).select_related("organization").filter(pk=participant_id).first()
    if participant is None:
        return None
    on = on or today()
    loans = loans_for_user(user).filter(participant=participant)  # items and devices prefetched
    waitlist = list(
        waitlist_for_user(user)
        .filter(participant=participant)
        .select_related("offered_device")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    return {
        "participant": participant,
        "today": on,
        "open_loans": list(loans.filter(status=LoanStatus.ACTIVE).order_by("due_on", "id")),
        "past_loans": list(loans.exclude(status=LoanStatus.ACTIVE).order_by("-closed_at", "-id")[:PAST_LOANS_SHOWN]),
        "waitlist": _with_places(waitlist),
        "codes": list(codes_for_user(user).filter(participant=participant).order_by("-assigned_at", "-id")),
        "digicheques": list(
            digicheques_for_user(user).filter(participant=participant).order_by("-issued_at", "-id")[:LIST_LIMIT]
        ),
        "sms": list(
            messages_for_user(user).filter(participant=participant).order_by("-created_at", "-id")[:MESSAGES_SHOWN]
        ),
        "tasks": list(
            staff_tasks_for_user(user).filter(participant=participant, done_at__isnull=True).order_by("due_on", "id")
        ),
    }


def _with_places(entries: list[WaitlistEntry]) -> list[WaitlistEntry]:
    """Set `place` (1 = next to be offered) on the entries still waiting, in one query: the line is
    everyone of the organisation waiting for that kind, first come first offered, as the offers go."""
    waiting = [entry for entry in entries if entry.status == WaitlistStatus.WAITING]
    if waiting:
        lines: dict[tuple[int, str], list[int]] = {}
        line_rows = (
            WaitlistEntry.objects.filter(
                status=WaitlistStatus.WAITING,
                organization_id__in={entry.organization_id for entry in waiting},
                device_kind__in={entry.device_kind for entry in waiting},
            )
            .order_by("created_at", "id")
            .values_list("organization_id", "device_kind", "id")
        )
        for organization_id, kind, entry_id in line_rows:
            lines.setdefault((organization_id, kind), []).append(entry_id)
        for entry in waiting:  # offered or cancelled between the two reads: no place
            line = lines.get((entry.organization_id, entry.device_kind), [])
            entry.place = line.index(entry.pk) + 1 if entry.pk in line else None
    return entries


def devices_by_ids(user, ids: list[int], org_ids: list[int] | None) -> list[Device]:
    queryset = Device.objects.filter(pk__in=ids)
    if org_ids is not None:
        queryset = queryset.filter(organization_id__in=org_ids)
    found = {d.pk: d for d in queryset}
    return [found[i] for i in ids if i in found]


def funder_grants(user) -> QuerySet[Grant]:
    """Grants paid by the funders this user works for: names, dates and amounts only. Their figures come from
    the report (reports.services.report_for, suppressed), never from counts made here."""
    queryset = Grant.objects.select_related("organization", "funder")
    if not user.is_superuser:
        queryset = queryset.filter(funder_id__in=list(user_funder_ids(user)))
    return queryset.order_by("-starts_on", "name")


# --- courses (frontend/desk/courses.py) ------------------------------------------------------------


def desk_courses(user) -> QuerySet:
    """Courses of the user's organisations, newest first, with their member and open-loan counts (1 query).

    Each count is a subquery on its course's rows (the cohort indexes): a join of members and loans counted
    with DISTINCT read every loan of the organisation (5.8 s on the seed_scale data, benchmarks/desk_pages.py)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from loans.models import CohortMember
    from loans.selectors import cohorts_for_user

    def count_of(queryset):
        counted = queryset.order_by().values("cohort_id").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return (
        cohorts_for_user(user)
        .select_related("organization")
        .annotate(
            member_count=count_of(CohortMember.objects.filter(cohort_id=OuterRef("pk"))),
            open_loan_count=count_of(Loan.objects.filter(cohort_id=OuterRef("pk"), status=LoanStatus.ACTIVE)),
        )
        .order_by("-starts_on", "name")
    )


def desk_course(user, cohort_id: int):
    """One course of the user's organisations, or None."""
    from loans.selectors import cohorts_for_user

    return cohorts_for_user(user).select_related("organization").filter(pk=cohort_id).first()


def desk_course_members(cohort) -> list:
    """The course's participants by name, each with `course_loan`: their open loan of this course, or None
    (3 queries whatever the number of members)."""
    from loans.models import CohortMember

    members = list(
        CohortMember.objects.filter(cohort=cohort).select_related("participant").order_by("participant__display_name")
    )
    loans = (
        Loan.objects.open()
        .filter(cohort=cohort, participant_id__in=[m.participant_id for m in members])
        .prefetch_related("items__device")
        .order_by("pk")
    )
    by_person = {}
    for loan in loans:
        by_person.setdefault(loan.participant_id, loan)
    for member in members:
        member.course_loan = by_person.get(member.participant_id)
    return members


def desk_course_reservations(cohort) -> list:
    """The course's open holds, each with `still_held`: how many devices it still keeps back (2 queries)."""
    from loans.services import open_reservations, reservation_needs

    reservations = list(open_reservations(organization_id=cohort.organization_id).filter(cohort=cohort))
    needs = reservation_needs(reservations)
    for reservation in reservations:
        reservation.still_held = needs[reservation.pk]
    return reservations


# --- devices (frontend/desk/devices.py) ------------------------------------------------------------

DEVICE_LIST_COLUMNS = ("id", "organization_id", "asset_tag", "kind", "make", "model", "serial", "status", "location")


def desk_devices(user, *, q: str = "", status: str = "", kind: str = "", location: str = "") -> QuerySet[Device]:
    """Devices of the user's organisations in tag order with only the listed columns (one query a page)."""
    queryset = scope_to_user(Device.objects.only(*DEVICE_LIST_COLUMNS), user).order_by("asset_tag", "id")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if location:
        queryset = queryset.filter(location=location)
    if q:
        queryset = queryset.filter(
            Q(asset_tag__iexact=q)
            | Q(serial__iexact=q)
            | Q(asset_tag__istartswith=q)
            | Q(make__icontains=q)
            | Q(model__icontains=q)
        )
    return queryset


def desk_device_locations(user) -> list[str]:
    return list(
        scope_to_user(Device.objects.exclude(location=""), user)
        .order_by("location")
        .values_list("location", flat=True)
        .distinct()[:200]
    )


def desk_device(user, device_id: int) -> dict | None:
    """One device of the user's organisations with its last events, wipes and repairs (4 queries)."""
    from inventory.models import DeviceEvent, RepairTicket, WipeRecord

    device = (
        scope_to_user(Device.objects.select_related("organization", "donor", "grant"), user)
        .filter(pk=device_id)
        .first()
    )
    if device is None:
        return None
    return {
        "device": device,
        "events": list(DeviceEvent.objects.filter(device=device).select_related("by")[:LIST_LIMIT]),
        "wipes": list(WipeRecord.objects.filter(device=device)[:LIST_LIMIT]),
        "repairs": list(RepairTicket.objects.filter(device=device)[:LIST_LIMIT]),
    }
