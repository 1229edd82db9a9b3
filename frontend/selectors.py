"""Reads for the desk and funder pages, built on the owning apps' scoped selectors."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from inventory.models import Device
from loans.choices import LoanStatus, WaitlistStatus
from loans.models import Loan
from loans.selectors import loans_for_user, waitlist_for_user
from loans.services import today
from organizations.models import Grant, Participant
from organizations.selectors import participants_for_user, staff_tasks_for_user, user_funder_ids

LIST_LIMIT = 100


def desk_today(user, *, on: datetime.date | None = None) -> dict:
    """What the counter needs this morning: due today, overdue, open tasks, waiting-list offers."""
    on = on or today()
    open_loans = loans_for_user(user).filter(status=LoanStatus.ACTIVE)
    return {
        "today": on,
        "due_today": list(open_loans.filter(due_on=on).order_by("participant__display_name")[:LIST_LIMIT]),
        "overdue": list(open_loans.filter(due_on__lt=on).order_by("due_on", "id")[:LIST_LIMIT]),
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


def devices_by_ids(user, ids: list[int], org_ids: list[int] | None) -> list[Device]:
    queryset = Device.objects.filter(pk__in=ids)
    if org_ids is not None:
        queryset = queryset.filter(organization_id__in=org_ids)
    found = {d.pk: d for d in queryset}
    return [found[i] for i in ids if i in found]


def funder_grants(user) -> QuerySet[Grant]:
    """Grants paid by the funders this user works for, with device counts (no personal data)."""
    queryset = Grant.objects.select_related("organization", "funder")
    if not user.is_superuser:
        queryset = queryset.filter(funder_id__in=list(user_funder_ids(user)))
    return queryset.annotate(
        devices_total=Count("devices", distinct=True),
        devices_on_loan=Count("devices", filter=Q(devices__status="on_loan"), distinct=True),
    ).order_by("-starts_on", "name")
