"""Reads on SMS messages, scoped to the caller's organisations."""

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from organizations.selectors import scope_to_user

from .choices import MessageStatus
from .models import OutboundMessage, SmsOptOut, SmsWording


def messages_for_user(user) -> QuerySet[OutboundMessage]:
    return scope_to_user(OutboundMessage.objects.select_related("participant", "requested_by", "content_type"), user)


def opt_outs_for_user(user) -> QuerySet[SmsOptOut]:
    return scope_to_user(SmsOptOut.objects.select_related("participant"), user)


def message_counts_by_month(user) -> QuerySet:
    """SMS handed to a provider per organisation per month (messages and billed segments)."""
    handed_over = [MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNKNOWN]
    return (
        scope_to_user(OutboundMessage.objects.all(), user)
        .filter(status__in=handed_over)
        .annotate(month=TruncMonth("created_at"))
        .values("organization_id", "organization__name", "month")
        .annotate(messages=Count("id"), segments=Sum("segments"))
        .order_by("-month", "organization__name")
    )


def wordings_for_user(user) -> QuerySet[SmsWording]:
    return scope_to_user(SmsWording.objects.select_related("updated_by"), user).order_by(
        "organization", "key", "language"
    )
