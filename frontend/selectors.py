"""Reads for the desk and funder pages, built on the owning apps' scoped selectors."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from connectivity.selectors import codes_for_user, digicheques_for_user
from inventory.models import Device
from loans.choices import LoanStatus, WaitlistStatus
from loans.models import Loan, WaitlistEntry
from loans.selectors import loans_for_user, waitlist_for_user
from loans.services import today
from messaging.selectors import messages_for_user
from organizations.models import Grant, Participant
from organizations.selectors import participants_for_user, staff_tasks_for_user, user_funder_ids

LIST_LIMIT = 100


def desk_today(user, *, on: datetime.date | None = None) -> dict:
    """What the counter needs this morning: due today, overdue (due date and grace days passed), open tasks,
    waiting-list offers."""
    on = on or today()
    open_loans = loans_for_user(user).filter(status=LoanStatus.ACTIVE)
    return {
        "today": on,
        "due_today": list(open_loans.filter(due_on=on).order_by("participant__display_name")[:LIST_LIMIT]),
        "overdue": list(open_loans.filter(overdue_after__lt=on).order_by("overdue_after", "id")[:LIST_LIMIT]),
        "tasks": list(
            staff_tasks_for_user(user)
            .filter(done_at__isnull=True, due_on__lte=on + datetime.timedelta(days=7))
            .order_by("due_on", "id")[:LIST_LIMIT]
        ),
        "offers": list(
            waitlist_for_user(user)
            .filter(status=WaitlistStatus.OFFERED)
            .order_by("offer_expires_on", "id")[:LIST_LIMIT]
        ),
    }


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
