from celery import shared_task

from . import services


@shared_task
def loans_daily_task() -> dict:
    """Once a day (idempotent, safe to re-run): follow-up tasks for long-overdue loans, expired waiting-list
    offers, and offers for devices that became available outside a return (e.g. back from repair)."""
    return {
        "follow_ups": services.loan_follow_ups_ensure(),
        "offers_expired": services.waitlist_offers_expire(),
        "offers_made": services.waitlist_offer_scan(),
    }


@shared_task(name="loans.centre_sessions_close")
def centre_sessions_close_task() -> int:
    """Every minute: sessions in the centre whose set length has passed end at that length (idempotent)."""
    return services.centre_sessions_close_due()
