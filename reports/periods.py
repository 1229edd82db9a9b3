"""Report periods: a month, a quarter, a year, a grant's whole period, or custom dates.

One function turns what a caller asked for into (first day, last day), for the API, the /funder/ page, the
desk's report page and the subscription e-mails alike. Without a year (and month or quarter), the period is
the last one that is over: last month, last quarter, last year.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from .choices import ReportPeriod

MAX_YEARS = 5


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def _refuse(field: str, message) -> DomainError:
    return DomainError("period_invalid", message, fields={field: [message]}, status_code=400)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first, _last = month_bounds(year, 3 * quarter - 2)
    return first, month_bounds(year, 3 * quarter)[1]


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return month_bounds(last.year, last.month)


def previous_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    quarter = (today.month - 1) // 3 + 1
    return quarter_bounds(today.year, quarter - 1) if quarter > 1 else quarter_bounds(today.year - 1, 4)


def resolve_period(
    *,
    today: datetime.date,
    period: str | None = None,
    year: int | None = None,
    number: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    grant=None,
) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the asked period; a DomainError (400 naming the field) when it cannot be.

    `period`: month, quarter, year, grant or custom (default: custom when dates are given, else month).
    `year` and `number` (the month 1-12 or the quarter 1-4) pick one; without them, the last one over.
    `grant`: the grant whose whole period `grant` means (None outside a grant's report).
    """
    if period is None:
        period = ReportPeriod.CUSTOM if (start or end) else ReportPeriod.MONTH
    if period == ReportPeriod.CUSTOM:
        if not start or not end:
            missing = "period_end" if start else "period_start"
            raise _refuse(missing, _("Give both period_start and period_end, or neither."))
        first, last = start, end
    elif start or end:
        raise _refuse("period", _("Dates go with a custom period only."))
    elif period == ReportPeriod.GRANT:
        if grant is None:
            raise _refuse("period", _("A grant's period exists for one grant's report only."))
        first, last = grant.starts_on, grant.ends_on
    elif period == ReportPeriod.YEAR:
        first, last = year_bounds(year) if year else year_bounds(today.year - 1)
    elif period == ReportPeriod.QUARTER:
        if year and not number or number and not year:
            raise _refuse("number" if year else "year", _("Give the year and the quarter, or neither."))
        if number and not 1 <= number <= 4:
            raise _refuse("number", _("A quarter is 1 to 4."))
        first, last = quarter_bounds(year, number) if year else previous_quarter(today)
    else:  # month
        if year and not number or number and not year:
            raise _refuse("number" if year else "year", _("Give the year and the month, or neither."))
        if number and not 1 <= number <= 12:
            raise _refuse("number", _("A month is 1 to 12."))
        first, last = month_bounds(year, number) if year else previous_month(today)
    if last < first:
        raise _refuse("period_end", _("Must be on or after period_start."))
    if last >= _years_later(first, MAX_YEARS):  # five whole years at most: 2020-01-01 to 2024-12-31
        raise _refuse("period_end", _("A report covers at most 5 years."))
    return first, last
