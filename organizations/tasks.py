from celery import shared_task

from . import calendar


@shared_task(name="organizations.public_holidays_fill")
def public_holidays_fill_task() -> int:
    """Each month (idempotent): this year's and next year's Belgian public holidays as closed days, for
    organisations that do not have them yet; a holiday an organisation removed is not put back."""
    return calendar.public_holidays_fill_all()
