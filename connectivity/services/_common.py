"""Helpers the code and digicheque writes share: input errors, the conditional transition, organisation checks."""

import calendar
import datetime

from django.db.models import Model
from django.utils.translation import gettext as _

from core.errors import DomainError
from organizations.services import participant_lock_if_active


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _bad_input(code: str, field_name: str, message: str) -> DomainError:
    return DomainError(code, message, fields={field_name: [message]}, status_code=400)


def _transition(obj: Model, *, allowed_from, values: dict, by=None, reason: str = "") -> bool:
    """Move `obj` with one conditional UPDATE; on success refresh it and write its history row."""
    model = type(obj)
    updated = model.objects.filter(pk=obj.pk, status__in=list(allowed_from)).update(**values)
    if not updated:
        obj.refresh_from_db(fields=["status"])
        return False
    obj.refresh_from_db()
    model.history.bulk_history_create([obj], update=True, default_user=by, default_change_reason=reason)
    return True


def _same_organization(obj, organization_id: int, field_name: str) -> None:
    if obj is not None and obj.organization_id != organization_id:
        raise _bad_input("does_not_exist", field_name, _("This object does not exist in the organisation."))


def _active_participant(participant, organization_id: int) -> None:
    _same_organization(participant, organization_id, "participant")
    if not participant_lock_if_active(participant):  # read under the lock the retention run takes
        raise _bad_input("participant_inactive", "participant", _("This participant is no longer active."))
