"""When an organisation is open: weekly hours, closed days, the next opening day, hours in words.

A date the organisation names to a participant (a due date, a collection deadline) must be a day it is
open: `next_opening_day` moves a computed date forward past weekdays without hours and past closures.
An organisation with no hours at all is taken as open every day (nothing is known to move the date to).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

import holidays
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from core.errors import DomainError

from .choices import ClosureKind, Weekday
from .details import organization_note
from .models import Closure, OpeningHours, Organization

# Further than a year ahead nothing is moved: a closure that long is a data error, not a plan.
LOOK_AHEAD_DAYS = 366
HOLIDAY_LANGUAGES = {"nl": "nl", "fr": "fr", "en": "en_US"}


@dataclass(frozen=True)
class Week:
    """An organisation's weekly hours and closures, read once and asked many dates."""

    periods: dict[int, list[tuple[datetime.time, datetime.time]]]
    closures: list[tuple[datetime.date, datetime.date]]

    @property
    def known(self) -> bool:
        return bool(self.periods)

    def is_closed(self, day: datetime.date) -> bool:
        if self.known and day.weekday() not in self.periods:
            return True
        return any(start <= day <= end for start, end in self.closures)

    def hours_on(self, day: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        return [] if self.is_closed(day) else self.periods.get(day.weekday(), [])

    def next_opening_day(self, day: datetime.date) -> datetime.date:
        candidate = day
        for _step in range(LOOK_AHEAD_DAYS):
            if not self.is_closed(candidate):
                return candidate
            candidate += datetime.timedelta(days=1)
        return day


def week(organization: Organization | int, *, from_day: datetime.date | None = None) -> Week:
    """Two queries: the weekly hours, and the closures that end on or after `from_day` (default: today)."""
    organization_id = getattr(organization, "pk", organization)
    periods: dict[int, list] = {}
    for row in OpeningHours.objects.filter(organization_id=organization_id).order_by("weekday", "opens"):
        periods.setdefault(row.weekday, []).append((row.opens, row.closes))
    start = from_day or timezone.localdate()
    closures = list(
        Closure.objects.filter(organization_id=organization_id, ends_on__gte=start)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    return Week(periods=periods, closures=closures)


def next_opening_day(organization: Organization | int, day: datetime.date) -> datetime.date:
    """`day` itself when the organisation is open then, else its next opening day."""
    return week(organization, from_day=day).next_opening_day(day)


def is_open_at(organization: Organization, moment: datetime.datetime | None = None) -> bool:
    moment = timezone.localtime(moment or timezone.now(), _zone(organization))
    return any(
        opens <= moment.time() < closes
        for opens, closes in week(organization, from_day=moment.date()).hours_on(moment.date())
    )


def _zone(organization):
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _time(value: datetime.time) -> str:
    return formats.time_format(value, "TIME_FORMAT")


def periods_text(periods) -> str:
    return ", ".join(f"{_time(opens)}–{_time(closes)}" for opens, closes in periods)


def opening_hours_text(organization: Organization, *, hours=None) -> str:
    """The weekly hours in the active language, consecutive days with the same hours grouped:
    "ma–vr 9:30–16:00" (nl), "lun.–ven. 09:30–16:00" (fr). Empty when no hours are set."""
    rows = list(hours if hours is not None else organization.hours.all())
    by_day: dict[int, list] = {}
    for row in rows:
        by_day.setdefault(row.weekday, []).append((row.opens, row.closes))
    parts = []
    # Runs of consecutive weekdays with identical hours.
    runs = []
    for day in sorted(by_day):
        if runs and runs[-1][-1] == day - 1 and by_day[runs[-1][0]] == by_day[day]:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        names = str(WEEKDAYS_ABBR[run[0]])
        if len(run) > 1:
            names = f"{names}–{WEEKDAYS_ABBR[run[-1]]}"
        parts.append(f"{names} {periods_text(by_day[run[0]])}")
    text = "; ".join(parts)
    note = organization_note(organization)
    if note:
        text = f"{text}; {note}" if text else note
    return text


# --- public holidays --------------------------------------------------------------------------------


def public_holidays_fill(*, organization: Organization, years: list[int], only_new: bool = True) -> int:
    """Belgian public holidays of `years` as closures (names in the active language); idempotent. The
    yearly run (`only_new`) skips years already filled, so a holiday the organisation deleted (it opens
    that day) is not put back; asked for a year by hand, every missing holiday of it is added."""
    language = HOLIDAY_LANGUAGES.get((translation.get_language() or "nl")[:2], "nl")
    added = 0
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        todo = sorted(set(years))
        if only_new:
            todo = [year for year in todo if year > (organization.public_holidays_until or 0)]
        for year in todo:
            for day, name in sorted(holidays.country_holidays("BE", years=year, language=language).items()):
                try:
                    with transaction.atomic():
                        Closure.objects.create(
                            organization=organization,
                            starts_on=day,
                            ends_on=day,
                            kind=ClosureKind.HOLIDAY,
                            reason=str(name)[:120],
                        )
                    added += 1
                except IntegrityError:
                    continue
        if todo and todo[-1] > (organization.public_holidays_until or 0):
            organization.public_holidays_until = todo[-1]
            organization.save(update_fields=["public_holidays_until"])
    return added


def public_holidays_fill_all(*, today: datetime.date | None = None) -> int:
    """This year's and next year's holidays for every organisation (the yearly beat task)."""
    today = today or timezone.localdate()
    return sum(
        public_holidays_fill(organization=organization, years=[today.year, today.year + 1])
        for organization in Organization.objects.only("pk")
    )


# --- writes -----------------------------------------------------------------------------------------


def _periods_error(message: str) -> DomainError:
    return DomainError("invalid", message, fields={"hours": [message]}, status_code=400)


def opening_hours_validate(periods: list[dict]) -> list[tuple]:
    """`periods` ({weekday, opens, closes}) as sorted rows; overlapping periods of one day or a period that
    closes before it opens are refused (400 naming `hours`)."""
    rows = sorted((int(period["weekday"]), period["opens"], period["closes"]) for period in periods)
    for index, (weekday, opens, closes) in enumerate(rows):
        if weekday not in range(7):
            raise _periods_error(_("Unknown weekday: %(day)s.") % {"day": weekday})
        if closes <= opens:
            raise _periods_error(
                _("%(day)s: the closing time must be after the opening time.") % {"day": Weekday(weekday).label}
            )
        if index and rows[index - 1][0] == weekday and rows[index - 1][2] > opens:
            raise _periods_error(_("%(day)s: two periods overlap.") % {"day": Weekday(weekday).label})
    return rows


@transaction.atomic
def opening_hours_set(*, organization: Organization, periods: list[dict]) -> list[OpeningHours]:
    """Replace the weekly hours with `periods`; refused as a whole (nothing changes) when one is wrong."""
    rows = opening_hours_validate(periods)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    OpeningHours.objects.filter(organization=organization).delete()
    return OpeningHours.objects.bulk_create(
        [OpeningHours(organization=organization, weekday=d, opens=o, closes=c) for d, o, c in rows]
    )


def closure_validate(*, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        message = _("The last closed day is before the first.")
        raise DomainError("invalid", message, fields={"ends_on": [message]}, status_code=400)
