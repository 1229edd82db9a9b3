"""Writes on SMS messages. The database is the queue; see OutboundMessage for the guarantees."""

import datetime
import functools
import logging
import re
import unicodedata
from zoneinfo import ZoneInfo

import phonenumbers
from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ports
from core.errors import DomainError
from organizations.choices import StaffTaskKind
from organizations.models import Organization, Participant

from . import texts
from .backends import SmsError, SmsOutcomeUnknown, get_backend
from .choices import BlockedReason, MessageStatus, OptOutChannel
from .encoding import sms_size
from .models import OutboundMessage, SendingHours, SmsOptOut, SmsSuppression

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
STOP_KEYWORDS = frozenset({"STOP", "ARRET", "STOPPEN", "STOPALL", "UNSUBSCRIBE", "DESINSCRIPTION", "UITSCHRIJVEN"})
START_KEYWORDS = frozenset({"START", "UNSTOP", "DEMARRER", "INSCRIPTION", "INSCHRIJVEN"})


# --- time and sending hours -------------------------------------------------------------------


def organization_zone(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.time_zone or settings.TIME_ZONE)


def local_today(organization: Organization, *, now: datetime.datetime | None = None) -> datetime.date:
    """The calendar date in the organisation's time zone (Europe/Brussels), whatever the UTC date is."""
    return (now or timezone.now()).astimezone(organization_zone(organization)).date()


def sending_hours(organization: Organization) -> tuple[datetime.time, datetime.time]:
    try:
        hours = organization.sms_sending_hours
    except SendingHours.DoesNotExist:
        start, end = settings.SMS_SENDING_HOURS
        return datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)
    return hours.starts_at, hours.ends_at


def in_sending_hours(organization: Organization, *, now: datetime.datetime | None = None) -> bool:
    start, end = sending_hours(organization)
    local = (now or timezone.now()).astimezone(organization_zone(organization)).time()
    return start <= local < end


# --- building a message -----------------------------------------------------------------------


_BELGIAN_MOBILE = re.compile(r"\+324[5-9]\d{7}")
_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@functools.lru_cache(maxsize=65536)
def classify_number(raw: str) -> tuple[str, str]:
    """(E.164, "") for a mobile number, else (E.164 or "", reason). Belgian mobiles (04[5-9]) fast."""
    if not raw:
        return "", BlockedReason.NO_PHONE
    if _BELGIAN_MOBILE.fullmatch(raw):
        return raw, ""
    try:
        number = phonenumbers.parse(raw, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return "", BlockedReason.INVALID_NUMBER
    if not phonenumbers.is_valid_number(number):
        return "", BlockedReason.INVALID_NUMBER
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return e164, BlockedReason.NOT_MOBILE
    return e164, ""


def _raw_phone(value) -> str:
    if not value:
        return ""
    return getattr(value, "raw_input", None) or str(value)


def _recipient(raw_phone: str, *, sms_consent: bool, is_active: bool) -> tuple[str, str]:
    to, problem = classify_number(raw_phone)
    if problem:
        return to, problem
    if not is_active:
        return to, BlockedReason.INACTIVE
    if not sms_consent:
        return to, BlockedReason.NO_CONSENT
    return to, ""


def recipient_problem(participant: Participant | None) -> tuple[str, str]:
    """(E.164 number, "") when the participant may get an SMS, else ("" or the number, reason)."""
    if participant is None:
        return "", BlockedReason.NO_PHONE
    return _recipient(
        _raw_phone(participant.phone), sms_consent=participant.sms_consent, is_active=participant.is_active
    )


def organization_phone(organization: Organization) -> str:
    if not organization.phone:
        return ""
    return phonenumbers.format_number(organization.phone, phonenumbers.PhoneNumberFormat.NATIONAL)


def loan_card_url(public_token: str, *, revoked: bool = False) -> str:
    return settings.SITE_URL if revoked else f"{settings.SITE_URL}/l/{public_token}"


def _language(preferred: str | None) -> str:
    return preferred if preferred in texts.SUPPORTED_LANGUAGES else texts.FALLBACK_LANGUAGE


def _build(
    *,
    organization: Organization,
    org_phone: str,
    participant_id: int | None,
    language: str,
    to: str,
    problem: str,
    template: str,
    context: dict,
    idempotency_key: str,
    content_type_id: int | None = None,
    object_id: int | None = None,
    scheduled_for: datetime.datetime | None = None,
) -> OutboundMessage:
    body = texts.render(template, language, org=organization.name, phone=org_phone, context=context)
    size = sms_size(body)
    return OutboundMessage(
        organization=organization,
        participant_id=participant_id,
        to=to,
        language=language,
        template=template,
        body=body,
        encoding=size.encoding,
        segments=size.segments,
        content_type_id=content_type_id,
        object_id=object_id,
        scheduled_for=scheduled_for or timezone.now(),
        status=MessageStatus.CANCELLED if problem else MessageStatus.QUEUED,
        blocked_reason=problem,
        idempotency_key=idempotency_key,
    )


SEND_TASK = "messaging.tasks.sms_send_task"


def sms_send_after_commit(message_id: int) -> None:
    """The one way a service hands a message to the worker: once the transaction commits (a rolled-back
    checkout sends nothing), ask a worker to send it now."""
    transaction.on_commit(lambda: _enqueue_send(message_id), robust=True)


def _enqueue_send(message_id: int) -> None:
    """Ask a worker to send now. If the broker is down the message stays queued: the beat scan sends it.

    The task is taken from Celery's registry by its name, not imported: messaging.tasks calls these services,
    and this module does not import it back."""
    try:
        current_app.tasks[SEND_TASK].apply_async((message_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure only delays the message
        logger.warning("broker unavailable; SMS %s stays queued for the next scan", message_id, exc_info=True)


@transaction.atomic
def sms_queue(
    *,
    organization: Organization,
    participant: Participant | None,
    template: str,
    context: dict,
    idempotency_key: str,
    related=None,
    scheduled_for: datetime.datetime | None = None,
) -> OutboundMessage:
    """Store an SMS once per `idempotency_key` (a second call returns the first message unchanged).

    Rendered in the participant's language; without consent or a mobile number it is stored as
    not sendable (`cancelled` with `blocked_reason`) so staff see why. Sending happens after commit.
    """
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if participant is not None and participant.organization_id != organization.id:
        raise DomainError(
            "participant_other_organization",
            _("This participant belongs to another organisation."),
            fields={"participant": [_("Not a participant of this organisation.")]},
        )
    to, problem = recipient_problem(participant)
    message = _build(
        organization=organization,
        org_phone=organization_phone(organization),
        participant_id=participant.pk if participant else None,
        language=_language(participant.preferred_language if participant else None),
        to=to,
        problem=problem,
        template=template,
        context=context,
        idempotency_key=idempotency_key,
        content_type_id=ContentType.objects.get_for_model(related).id if related is not None else None,
        object_id=related.pk if related is not None else None,
        scheduled_for=scheduled_for,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    if message.status == MessageStatus.QUEUED:
        sms_send_after_commit(message.id)
    return message


# --- sending ----------------------------------------------------------------------------------


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


# --- reminders --------------------------------------------------------------------------------


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


# --- delivery reports and opt-out -------------------------------------------------------------

_STATUS_FROM = {
    MessageStatus.SENT: (MessageStatus.SENDING, MessageStatus.UNKNOWN),
    MessageStatus.DELIVERED: (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.UNKNOWN, MessageStatus.FAILED),
    MessageStatus.FAILED: (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.UNKNOWN),
}


def message_status_report(*, backend: str, provider_id: str, status: str, error: str = "") -> OutboundMessage:
    """Apply a provider's delivery report; raises OutboundMessage.DoesNotExist for an unknown id.

    Reports may arrive late or out of order: a status only moves forward (never delivered -> sent).
    """
    message = OutboundMessage.objects.get(backend=backend, provider_id=provider_id)
    if status in _STATUS_FROM:
        changes = {"status": status, "updated_at": timezone.now()}
        if status == MessageStatus.DELIVERED:
            changes["delivered_at"] = timezone.now()
        if status == MessageStatus.FAILED:
            changes["last_error"] = error[:1000] or _("The provider could not deliver it.")
        _transition(message.pk, from_status=_STATUS_FROM[status], reason=f"provider report: {status}", **changes)
        message.refresh_from_db()
    return message


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().upper()
    return "".join(char if char.isalnum() else " " for char in plain).split()


def reply_keyword(text: str) -> str:
    """The fixed keyword a reply starts with (STOP, ARRET, STOPPEN..., START...), or "" for any other reply.

    The first word counts, ignoring case, accents and punctuation: "Arrêt svp" is ARRET. Only this word
    is stored outside the organisation a reply is attributed to, never the rest of the text.
    """
    words = _words(text)
    if words and (words[0] in STOP_KEYWORDS or words[0] in START_KEYWORDS):
        return words[0]
    return ""


def is_stop_keyword(text: str) -> bool:
    """STOP, ARRET/ARRÊT/arrêt, STOPPEN... as the first word, ignoring case, accents and punctuation."""
    return reply_keyword(text) in STOP_KEYWORDS


def is_start_keyword(text: str) -> bool:
    """START, UNSTOP, DEMARRER... as the first word: the number opts in again."""
    return reply_keyword(text) in START_KEYWORDS


def reply_window() -> datetime.timedelta:
    """How far back a message to a number counts when attributing that number's STOP or START."""
    return datetime.timedelta(days=getattr(settings, "SMS_REPLY_WINDOW_DAYS", 14))


def inbound_number(phone: str) -> str:
    """The sender of an inbound SMS in E.164, or "" when it is not a valid phone number."""
    try:
        number = phonenumbers.parse(phone or "", settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_HANDED_OVER = (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNKNOWN)


def reply_organizations(e164: str, *, now: datetime.datetime | None = None) -> list[int]:
    """The organisations a reply from `e164` answers: those whose SMS to that number was handed to the
    provider (claimed for sending: sending, sent, delivered or unknown) within the reply window before `now`.

    Every organisation sends from the same number, so a reply cannot be tied to one message: each
    organisation that messaged the number in the window may be the one it answers. A failed, cancelled or
    still queued message never reached the phone and does not count.
    """
    now = now or timezone.now()
    return sorted(
        set(
            OutboundMessage.objects.filter(
                to=e164, status__in=_HANDED_OVER, claimed_at__gte=now - reply_window(), claimed_at__lte=now
            )
            .order_by()
            .values_list("organization_id", flat=True)
            .distinct()
        )
    )


def _reply_participants(e164: str, organization_ids: list[int]) -> list[Participant]:
    if not organization_ids:
        return []
    return list(
        Participant.objects.select_for_update()
        .filter(phone=e164, organization_id__in=organization_ids, anonymised_at__isnull=True)
        .order_by("id")
    )


def _reply_text(text: str, keyword: str, organization_ids: list[int]) -> str:
    """The person's own words, kept only when exactly one organisation is attributed (they may name it,
    or something private, as in "STOP, I moved after my divorce"); "" when the reply is the keyword alone."""
    if len(organization_ids) != 1 or _words(text) == [keyword]:
        return ""
    return (text or "").strip().replace("\x00", "")[:1000]


@transaction.atomic
def sms_opt_out_record(*, phone: str, text: str, backend: str, now: datetime.datetime | None = None) -> int:
    """A STOP reply. The number goes on the installation-wide suppression list (no SMS from anyone until it
    opts in again); consent is withdrawn only in the organisations that messaged it within the reply window
    (`reply_organizations`), each getting an `SmsOptOut` with the keyword (the reply text too when it is the
    only one). No other organisation's consent or records change; SMS still queued to the number are cancelled
    (`suppressed`), whoever queued them.

    Returns the number of participants whose consent was withdrawn (0 also when the text is not a STOP).
    """
    keyword = reply_keyword(text)
    e164 = inbound_number(phone)
    if keyword not in STOP_KEYWORDS or not e164:
        return 0
    now = now or timezone.now()
    suppression, created = SmsSuppression.objects.select_for_update().get_or_create(
        phone=e164, defaults={"keyword": keyword, "backend": backend[:20], "set_at": now}
    )
    if not created:
        suppression.keyword, suppression.backend, suppression.set_at, suppression.lifted_at = (
            keyword,
            backend[:20],
            now,
            None,
        )
        suppression.save(update_fields=["keyword", "backend", "set_at", "lifted_at"])
    organization_ids = reply_organizations(e164, now=now)
    reply_text = _reply_text(text, keyword, organization_ids)
    participants = _reply_participants(e164, organization_ids)
    for participant in participants:
        ports.sms_reply_consent(participant=participant, given=False)
        SmsOptOut.objects.create(
            organization_id=participant.organization_id,
            participant=participant,
            phone=e164,
            channel=OptOutChannel.SMS_KEYWORD,
            keyword=keyword,
            reply_text=reply_text,
            backend=backend,
            received_at=now,
        )
    OutboundMessage.objects.filter(to=e164, status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED, blocked_reason=BlockedReason.SUPPRESSED, updated_at=now
    )
    # Never the number nor the reply's words in the log: the suppression row's id and counts only.
    logger.info(
        "SMS %s: suppression #%s set; %d organisation(s) attributed, %d participant(s) opted out",
        keyword,
        suppression.pk,
        len(organization_ids),
        len(participants),
    )
    return len(participants)


@transaction.atomic
def sms_opt_in_record(*, phone: str, text: str, backend: str, now: datetime.datetime | None = None) -> int:
    """A START reply: the number opts in again. Its suppression is lifted, and consent is given again only
    in the organisations that messaged it within the reply window (the same attribution as STOP). The
    reply's words are not stored. Returns the number of participants whose consent was given again.
    """
    keyword = reply_keyword(text)
    e164 = inbound_number(phone)
    if keyword not in START_KEYWORDS or not e164:
        return 0
    now = now or timezone.now()
    lifted = SmsSuppression.objects.lift(e164, now=now)
    organization_ids = reply_organizations(e164, now=now)
    participants = [p for p in _reply_participants(e164, organization_ids) if not p.sms_consent]
    for participant in participants:
        ports.sms_reply_consent(participant=participant, given=True)
    logger.info(
        "SMS %s: %d suppression(s) lifted; %d organisation(s) attributed, %d participant(s) opted in",
        keyword,
        lifted,
        len(organization_ids),
        len(participants),
    )
    return len(participants)


def sms_reply_record(*, phone: str, text: str, backend: str, now: datetime.datetime | None = None) -> str:
    """An inbound SMS: "stop", "start" or "" (any other reply, which changes nothing and is not stored)."""
    if is_stop_keyword(text):
        sms_opt_out_record(phone=phone, text=text, backend=backend, now=now)
        return "stop"
    if is_start_keyword(text):
        sms_opt_in_record(phone=phone, text=text, backend=backend, now=now)
        return "start"
    return ""
