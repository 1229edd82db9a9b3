"""On-site use: sessions on the organisation's computers for use in the centre (a computer room, a course).

A session is for a participant, or for a visitor without a file counted by age band and gender only. It lasts
the organisation's `session_minutes` and ends by hand or at that length (`centre_sessions_close_due`, every
minute from beat, and before any start on the same device). A participant may have `sessions_per_day`
sessions a day, counted by the day they started in the organisation's time zone; past it the start is
refused with 409 `session_limit_reached`, and staff may still start it with a reason, which the session keeps.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.models import Device
from organizations.choices import AgeBand, Gender
from organizations.models import Organization, Participant
from organizations.services import participant_lock_if_active

from ..models import CentreSession
from ._common import _bad_input, _not_found


def local_day(organization: Organization, moment: datetime.datetime) -> datetime.date:
    """The calendar day of `moment` where the organisation is (Europe/Brussels unless it says otherwise)."""
    return moment.astimezone(ZoneInfo(organization.time_zone or "Europe/Brussels")).date()


def sessions_today(participant: Participant, *, now: datetime.datetime | None = None) -> int:
    """How many sessions the participant started today at their organisation, the one running included."""
    day = local_day(participant.organization, now or timezone.now())
    return CentreSession.objects.filter(
        organization_id=participant.organization_id, participant=participant, day=day
    ).count()


def session_limit_message(participant: Participant, used: int) -> str:
    limit = participant.organization.sessions_per_day
    return ngettext(
        "%(name)s has had %(used)d session today; the limit is %(limit)d a day.",
        "%(name)s has had %(used)d sessions today; the limit is %(limit)d a day.",
        used,
    ) % {"name": participant.display_name, "used": used, "limit": limit}


def centre_sessions_close_due(*, now: datetime.datetime | None = None, device: Device | None = None) -> int:
    """End every session whose set length has passed, at that length (one conditional UPDATE: a session ended
    by hand meanwhile keeps its own end, and a second run changes nothing)."""
    now = now or timezone.now()
    due = CentreSession.objects.filter(ended_at__isnull=True, ends_at__lte=now)
    if device is not None:
        due = due.filter(device=device)
    return due.update(ended_at=F("ends_at"))


@transaction.atomic
def centre_session_start(
    *,
    organization: Organization,
    device: Device,
    participant: Participant | None = None,
    visitor_age_band: str = "",
    visitor_gender: str = "",
    override_reason: str = "",
    by,
    now: datetime.datetime | None = None,
) -> CentreSession:
    """Start a session on a free device for use in the centre; see the module docstring for the rules."""
    now = now or timezone.now()
    if device.organization_id != organization.id:
        raise _not_found("device")
    if participant is not None and participant.organization_id != organization.id:
        raise _not_found("participant")
    if visitor_age_band not in ("", *AgeBand.values):
        raise _bad_input("visitor_age_band", _("Choose an age band from the list."))
    if visitor_gender not in ("", *Gender.values):
        raise _bad_input("visitor_gender", _("Choose a gender from the list."))
    if participant is not None and (visitor_age_band or visitor_gender):
        message = _("A participant's age band and gender are on their file; leave these empty.")
        raise _bad_input("visitor_age_band", message)
    override_reason = (override_reason or "").strip()
    if len(override_reason) > 255:
        raise _bad_input("override_reason", _("At most 255 characters."))

    # The device's row is locked: a checkout of the same device waits for this session and then sees it.
    locked = Device.objects.select_for_update().filter(pk=device.pk).values("status", "centre_use").first()
    if not locked["centre_use"]:
        raise _bad_input("device", _("%(tag)s is not for use in the centre.") % {"tag": device.asset_tag})
    if locked["status"] != DeviceStatus.AVAILABLE:
        label = DeviceStatus(locked["status"]).label
        message = _("%(tag)s cannot be used now: it is %(status)s.") % {
            "tag": device.asset_tag,
            "status": str(label).lower(),
        }
        raise _bad_input("device", message)
    centre_sessions_close_due(now=now, device=device)

    overridden = False
    if participant is not None:
        if not participant_lock_if_active(participant):  # also keeps two desks from both passing the limit
            raise _bad_input("participant", _("This participant is not active."))
        limit = organization.sessions_per_day
        used = sessions_today(participant, now=now)
        if limit and used >= limit:
            if not override_reason:
                message = session_limit_message(participant, used)
                raise DomainError(
                    "session_limit_reached", message, fields={"override_reason": [message]}, status_code=409
                )
            overridden = True

    try:
        with transaction.atomic():
            return CentreSession.objects.create(
                organization=organization,
                device=device,
                participant=participant,
                visitor_age_band=visitor_age_band if participant is None else "",
                visitor_gender=visitor_gender if participant is None else "",
                started_at=now,
                day=local_day(organization, now),
                ends_at=now + datetime.timedelta(minutes=organization.session_minutes),
                started_by=by if by is not None and by.is_authenticated else None,
                limit_overridden=overridden,
                override_reason=override_reason if overridden else "",
            )
    except IntegrityError as error:  # another desk started a session on it first
        message = _("%(tag)s is in use: a session is running on it.") % {"tag": device.asset_tag}
        raise DomainError("device_in_use", message, fields={"device": [message]}) from error


def centre_session_end(*, session: CentreSession, now: datetime.datetime | None = None) -> bool:
    """End a running session by hand; False when it had ended already (by hand, or at its set length)."""
    now = now or timezone.now()
    ended = CentreSession.objects.filter(pk=session.pk, ended_at__isnull=True, ends_at__gt=now).update(
        ended_at=now, ended_by_hand=True
    )
    if not ended:
        centre_sessions_close_due(now=now, device=session.device)
    session.refresh_from_db()
    return bool(ended)


def device_in_session(device: Device, *, now: datetime.datetime | None = None) -> bool:
    return CentreSession.objects.running(now).filter(device_id=device.pk).exists()
