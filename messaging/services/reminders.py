"""The reminder scan: one SMS per loan, due date and offset, created in batches."""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from loans.choices import LoanStatus
from organizations.models import Organization, Participant

from ..choices import BlockedReason
from ..models import OutboundMessage
from .hours import in_sending_hours, local_today
from .outbound import (
    _build,
    _language,
    _recipient,
    loan_card_url,
    organization_phone,
    organization_wordings,
    recipient_problem,
    sms_queue,
)

logger = logging.getLogger(__name__)


def reminder_key(loan_id: int, due_on: datetime.date, offset: int) -> str:
    """loan + due date + offset: a renewed loan (new due date) gets fresh reminders, old ones never repeat."""
    return f"loan-reminder:{loan_id}:{due_on.isoformat()}:{offset}"


def _catch_up_days() -> int:
    return getattr(settings, "SMS_REMINDER_CATCH_UP_DAYS", 2)


def _reminder_shift(offset: int, grace_days: int) -> int:
    """Days from the due date to the day an offset counts from: reminders after the due date (offset > 0)
    count from the end of the loan's grace days, when it becomes overdue; the others from the due date."""
    return (grace_days or 0) if offset > 0 else 0


def reminder_offset_due(offsets, due_on: datetime.date, today: datetime.date, grace_days: int = 0) -> int | None:
    """The latest reminder day that has come (today, or missed in the last catch-up days), if any.

    Only the most recent one is sent, so a run after an outage never sends two reminders at once.
    """
    catch_up = _catch_up_days()
    due = [
        o
        for o in {int(o) for o in offsets or []}
        if 0 <= (today - due_on).days - _reminder_shift(o, grace_days) - o <= catch_up
    ]
    return max(due) if due else None


def _candidate_due_dates(schedules, todays) -> set[datetime.date]:
    """Due dates for which some reminder day falls in the catch-up window, from the distinct (offsets, grace
    days) of the open loans: a small set, so the loan query can use the open-loans-by-due-date index instead
    of reading every open loan."""
    pairs = {(int(o), grace or 0) for offset_set, grace in schedules for o in (offset_set or [])}
    return {
        today - datetime.timedelta(days=offset + _reminder_shift(offset, grace) + late)
        for today in todays
        for offset, grace in pairs
        for late in range(_catch_up_days() + 1)
    }


def reminders_create_due(*, now: datetime.datetime | None = None, batch_size: int = 1000) -> int:
    """Create the loan reminders that are due today (local date) and not yet created; return how many.
    Reminders before and on the due date count from the due date, those after it from the end of the loan's
    grace days (a loan with 3 grace days and offset 7 is reminded 10 days after its due date).

    Only organisations inside their sending hours are scanned. Batched: a query for the distinct
    reminder schedules, one for the loans due on a candidate date, then per batch of `batch_size`
    one for existing keys, one for participants and a bulk insert (conflicting keys are skipped).
    """
    from loans.models import Loan

    now = now or timezone.now()
    organizations = {
        org.id: org
        for org in Organization.objects.select_related("sms_sending_hours")
        if in_sending_hours(org, now=now)
    }
    if not organizations:
        return 0
    today_by_org = {org_id: local_today(org, now=now) for org_id, org in organizations.items()}
    org_phones = {org_id: organization_phone(org) for org_id, org in organizations.items()}
    open_loans = Loan.objects.open().filter(organization_id__in=list(organizations)).order_by()
    schedules = list(open_loans.values_list("reminder_offsets", "grace_days").distinct())
    due_dates = _candidate_due_dates(schedules, set(today_by_org.values()))
    if not due_dates:
        return 0
    loans = open_loans.filter(due_on__in=sorted(due_dates)).values_list(
        "id",
        "organization_id",
        "participant_id",
        "due_on",
        "reminder_offsets",
        "public_token",
        "token_revoked_at",
        "grace_days",
    )
    content_type_id = ContentType.objects.get_for_model(Loan).id

    def flush(rows) -> int:
        existing = set(
            OutboundMessage.objects.filter(idempotency_key__in=[row[0] for row in rows]).values_list(
                "idempotency_key", flat=True
            )
        )
        rows = [row for row in rows if row[0] not in existing]
        if not rows:
            return 0
        participants = {
            row[0]: row[1:]
            for row in Participant.objects.filter(id__in={row[1][2] for row in rows})
            .annotate(raw_phone=Cast("phone", CharField()))
            .values_list("id", "raw_phone", "preferred_language", "sms_consent", "is_active")
        }
        wordings = organization_wordings({row[1][1] for row in rows}, key=None)
        messages = []
        for key, loan, offset in rows:
            loan_id, org_id, participant_id, due_on, _offsets, token, revoked_at, _grace = loan
            raw_phone, language, consent, active = participants[participant_id]
            to, problem = _recipient(raw_phone or "", sms_consent=consent, is_active=active)
            messages.append(
                _build(
                    organization=organizations[org_id],
                    org_phone=org_phones[org_id],
                    participant_id=participant_id,
                    language=_language(language),
                    to=to,
                    problem=problem,
                    template="loan_reminder",
                    context={"date": due_on, "offset": offset, "link": loan_card_url(token, revoked=bool(revoked_at))},
                    idempotency_key=key,
                    content_type_id=content_type_id,
                    object_id=loan_id,
                    scheduled_for=now,
                    wordings=wordings,
                )
            )
        OutboundMessage.objects.bulk_create(messages, batch_size=batch_size, ignore_conflicts=True)
        return len(messages)

    created = 0
    batch: list[tuple] = []
    for loan in loans.iterator(chunk_size=5000):
        offset = reminder_offset_due(loan[4], loan[3], today_by_org[loan[1]], loan[7])
        if offset is None:
            continue
        batch.append((reminder_key(loan[0], loan[3], offset), loan, offset))
        if len(batch) >= batch_size:
            created += flush(batch)
            batch = []
    if batch:
        created += flush(batch)
    return created


def reminder_again_key(loan_id: int, on: datetime.date) -> str:
    """One reminder sent again by hand per loan and day: pressing the button twice the same day sends once."""
    return f"loan-reminder-again:{loan_id}:{on.isoformat()}"


def loan_reminder_again(*, loan, by, on: datetime.date | None = None) -> tuple[OutboundMessage, bool]:
    """Queue the overdue reminder of an open loan again, at staff's request: (message, True) when queued now,
    (today's earlier message, False) when it was already sent again today. Refused with a 409 naming the reason
    when the participant may not get an SMS (no consent, no mobile number...): then nothing is written."""
    on = on or timezone.localdate()
    key = reminder_again_key(loan.pk, on)
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    if loan.status != LoanStatus.ACTIVE:
        raise DomainError("loan_closed", _("This loan is already closed."))
    _to, problem = recipient_problem(loan.participant)
    if problem:
        reason = BlockedReason(problem).label
        raise DomainError("sms_not_allowed", _("No SMS sent: %(reason)s.") % {"reason": reason})
    message = sms_queue(
        organization=loan.organization,
        participant=loan.participant,
        template="loan_reminder",
        context={
            "date": loan.due_on,
            "offset": max((on - loan.due_on).days, 1),
            "link": loan_card_url(loan.public_token, revoked=bool(loan.token_revoked_at)),
        },
        idempotency_key=key,
        related=loan,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(requested_by=by, request_reason="sent again by staff")
    return message, True
