"""Sending a queued message through the backend, at most once, and what to do when the outcome is unknown."""

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from organizations.choices import StaffTaskKind
from organizations.models import Organization

from ..backends import SmsError, SmsOutcomeUnknown, get_backend
from ..choices import BlockedReason, MessageStatus
from ..encoding import sms_size
from ..models import OutboundMessage, SmsSuppression
from .hours import in_sending_hours, local_today
from .outbound import recipient_problem, sms_send_after_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def _review_task(message: OutboundMessage, why: str) -> None:
    from organizations.services import staff_task_ensure

    staff_task_ensure(
        organization=message.organization,
        kind=StaffTaskKind.MESSAGE_REVIEW,
        key=f"sms-review:{message.pk}",
        title=_("Check with %(name)s whether this SMS arrived: %(why)s")
        % {"name": message.participant or message.to, "why": why},
        due_on=local_today(message.organization),
        participant=message.participant,
        related=message,
    )


def _obsolete(message: OutboundMessage) -> bool:
    """A loan reminder whose loan was returned or got a new due date since it was created."""
    if message.template != "loan_reminder" or message.object_id is None:
        return False
    from loans.models import Loan

    loan = Loan.objects.filter(pk=message.object_id).only("status", "due_on").first()
    if loan is None or not Loan.objects.open().filter(pk=loan.pk).exists():
        return True
    parts = message.idempotency_key.split(":")
    return len(parts) >= 3 and parts[0] == "loan-reminder" and parts[2] != loan.due_on.isoformat()


def _transition(message_id: int, *, from_status, reason: str = "", **changes) -> bool:
    """Conditional UPDATE from `from_status` (one status or a tuple); a history row when it happened."""
    statuses = from_status if isinstance(from_status, tuple | list) else (from_status,)
    changes.setdefault("updated_at", timezone.now())
    updated = OutboundMessage.objects.filter(pk=message_id, status__in=statuses).update(**changes)
    if updated:
        row = OutboundMessage.objects.get(pk=message_id)
        OutboundMessage.history.bulk_history_create([row], update=True, default_change_reason=reason[:100])
    return bool(updated)


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """Send one queued message at most once.

    The message is claimed with a conditional UPDATE (queued -> sending) that is committed before
    the provider is called; a second sender finds nothing to claim. If the worker dies after the
    claim, the message stays `sending` and `messages_mark_stale` hands it to staff: never resent.
    Must run outside a transaction (a Celery task), so the claim is visible to other workers.
    """
    now = now or timezone.now()
    message = (
        OutboundMessage.objects.select_related("organization", "participant", "organization__sms_sending_hours")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != MessageStatus.QUEUED or message.scheduled_for > now:
        return "skipped"
    if not in_sending_hours(message.organization, now=now):
        return "outside_hours"
    to, problem = recipient_problem(message.participant)
    if not problem and SmsSuppression.objects.active().filter(phone__in={to, message.to}).exists():
        problem = BlockedReason.SUPPRESSED  # the number replied STOP to someone: no SMS from anyone
    if not problem and _obsolete(message):
        problem = BlockedReason.OBSOLETE
    if problem:
        _transition(
            message.pk,
            from_status=MessageStatus.QUEUED,
            reason="blocked",
            status=MessageStatus.CANCELLED,
            blocked_reason=problem,
        )
        return "blocked"
    try:
        backend = get_backend()
    except SmsError as exc:
        OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            last_error=str(exc)[:1000], updated_at=now
        )
        logger.error("SMS backend not usable: %s", exc)
        return "backend_unavailable"
    claimed = _transition(
        message.pk,
        from_status=MessageStatus.QUEUED,
        reason="claimed",
        status=MessageStatus.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        backend=backend.name,
    )
    if not claimed:
        return "skipped"
    message.attempts += 1
    message.backend = backend.name
    try:
        provider_id = backend.send(message)
    except SmsOutcomeUnknown as exc:
        _transition(
            message.pk,
            from_status=MessageStatus.SENDING,
            reason="unknown",
            status=MessageStatus.UNKNOWN,
            last_error=str(exc)[:1000],
        )
        _review_task(message, str(exc))
        return "unknown"
    except SmsError as exc:
        if exc.permanent or message.attempts >= MAX_ATTEMPTS:
            _transition(
                message.pk,
                from_status=MessageStatus.SENDING,
                reason="failed",
                status=MessageStatus.FAILED,
                last_error=str(exc)[:1000],
            )
            return "failed"
        _transition(
            message.pk,
            from_status=MessageStatus.SENDING,
            reason="retry later",
            status=MessageStatus.QUEUED,
            scheduled_for=timezone.now() + datetime.timedelta(minutes=2**message.attempts),
            last_error=str(exc)[:1000],
        )
        return "retry"
    except Exception as exc:
        # An unexpected error after the claim: we cannot know whether the provider took it.
        _transition(
            message.pk,
            from_status=MessageStatus.SENDING,
            reason="unknown",
            status=MessageStatus.UNKNOWN,
            last_error=repr(exc)[:1000],
        )
        _review_task(message, exc.__class__.__name__)
        logger.exception("SMS %s: unexpected error while sending", message.pk)
        return "unknown"
    _transition(
        message.pk,
        from_status=MessageStatus.SENDING,
        reason="sent",
        status=MessageStatus.SENT,
        provider_id=provider_id,
        sent_at=timezone.now(),
        last_error="",
    )
    return "sent"


def messages_send_due(*, now: datetime.datetime | None = None, limit: int = 2000) -> dict[str, int]:
    """Send queued messages whose time has come, for organisations now inside their sending hours."""
    now = now or timezone.now()
    queued = OutboundMessage.objects.sendable(now=now)
    org_ids = set(queued.values_list("organization_id", flat=True).distinct())
    open_ids = [
        org.id
        for org in Organization.objects.filter(id__in=org_ids).select_related("sms_sending_hours")
        if in_sending_hours(org, now=now)
    ]
    ids = list(
        queued.filter(organization_id__in=open_ids).order_by("scheduled_for", "id").values_list("id", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for message_id in ids:
        outcome = message_send(message_id=message_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def messages_mark_stale(*, now: datetime.datetime | None = None) -> int:
    """Claimed but never finished (the worker died mid-send): mark `unknown` for staff, never resend."""
    now = now or timezone.now()
    count = 0
    stale = OutboundMessage.objects.stale_claims(older_than=now - CLAIM_TIMEOUT).select_related(
        "organization", "participant"
    )
    for message in stale:
        updated = _transition(
            message.pk,
            from_status=MessageStatus.SENDING,
            reason="stale claim",
            status=MessageStatus.UNKNOWN,
            last_error=_("The sender stopped while sending; it may or may not have arrived."),
            updated_at=now,
        )
        if updated:
            _review_task(message, _("the sender stopped while sending"))
            count += 1
    return count


@transaction.atomic
def message_resend(*, message: OutboundMessage, by, reason: str) -> OutboundMessage:
    """Staff ask to send a failed (or unknown) message again: a new message with a new key, who and why."""
    if message.status not in (MessageStatus.FAILED, MessageStatus.UNKNOWN):
        raise DomainError(
            "message_not_resendable",
            _("Only a failed SMS, or one whose outcome is unknown, can be sent again."),
            fields={"status": [message.get_status_display()]},
        )
    locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    number = locked.resends.count() + 1
    participant = locked.participant
    if participant is not None:
        participant.refresh_from_db()
    to, problem = recipient_problem(participant)
    size = sms_size(locked.body)
    copy = OutboundMessage.objects.create(
        organization=locked.organization,
        participant=participant,
        to=to,
        language=locked.language,
        template=locked.template,
        body=locked.body,
        encoding=size.encoding,
        segments=size.segments,
        content_type_id=locked.content_type_id,
        object_id=locked.object_id,
        status=MessageStatus.CANCELLED if problem else MessageStatus.QUEUED,
        blocked_reason=problem,
        idempotency_key=f"{locked.idempotency_key}:resend{number}"[-160:],
        resend_of=locked,
        requested_by=by,
        request_reason=reason[:200],
    )
    if copy.status == MessageStatus.QUEUED:
        sms_send_after_commit(copy.id)
    return copy
