"""Local time and the organisation's sending hours."""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from organizations.models import Organization

from ..models import SendingHours

logger = logging.getLogger(__name__)


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
