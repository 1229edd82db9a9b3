"""Building a message and queueing it: the number and consent, the text, one row per idempotency key, sent
after commit."""

import datetime
import functools
import logging
import re

import phonenumbers
from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from organizations.calendar import opening_hours_text
from organizations.details import organization_address
from organizations.models import Organization, Participant

from .. import texts
from ..choices import BlockedReason, MessageStatus
from ..encoding import sms_size
from ..models import OutboundMessage

logger = logging.getLogger(__name__)

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


def organization_wordings(organization_ids, *, key: str | None = None, language: str | None = None) -> dict:
    """The organisations' own SMS wordings, {(organisation id, key, language): text}, in one query."""
    from ..models import SmsWording

    rows = SmsWording.objects.filter(organization_id__in=list(organization_ids))
    if key is not None:
        rows = rows.filter(key=key, language=language)
    return {
        (org_id, k, lang): body
        for org_id, k, lang, body in rows.values_list("organization_id", "key", "language", "body")
    }


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
    wordings: dict | None = None,
) -> OutboundMessage:
    """`wordings`: {(organisation id, key, language): text} read beforehand for many messages; else one query."""
    key = texts.text_key(template, context)
    if wordings is None:
        wordings = organization_wordings([organization.pk], key=key, language=language)
    wording = wordings.get((organization.pk, key, language))
    body = texts.render(
        template,
        language,
        org=organization.name,
        phone=org_phone,
        context=context,
        wording=wording,
        details=lambda language: organization_details(organization, language),
    )
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


def organization_details(organization: Organization, language: str) -> dict:
    """{address} and {hours} of the organisation, in `language`; kept on the instance, so a reminder scan
    reads an organisation's hours once per language, not once per message."""
    memo = organization.__dict__.setdefault("_sms_details", {})
    if language not in memo:
        with translation.override(language):
            memo[language] = {
                "address": organization_address(organization, language) or "-",
                "hours": opening_hours_text(organization) or "-",
            }
    return memo[language]


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
