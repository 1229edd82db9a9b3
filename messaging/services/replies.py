"""Delivery reports and replies: STOP and START, attributed to the organisations that messaged the number."""

import datetime
import logging
import unicodedata

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ports
from organizations.models import Participant

from ..choices import BlockedReason, MessageStatus, OptOutChannel
from ..models import OutboundMessage, SmsOptOut, SmsSuppression
from .sending import _transition

logger = logging.getLogger(__name__)

STOP_KEYWORDS = frozenset({"STOP", "ARRET", "STOPPEN", "STOPALL", "UNSUBSCRIBE", "DESINSCRIPTION", "UITSCHRIJVEN"})
START_KEYWORDS = frozenset({"START", "UNSTOP", "DEMARRER", "INSCRIPTION", "INSCHRIJVEN"})


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
