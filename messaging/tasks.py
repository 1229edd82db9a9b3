"""Celery tasks: they take ids, call one service and are safe to run twice."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name=services.SEND_TASK, ignore_result=True)  # the services enqueue it by this name
def sms_send_task(message_id: int) -> str:
    """Send one queued message now (enqueued after the commit that created it)."""
    return services.message_send(message_id=message_id)


@shared_task(ignore_result=True)
def sms_reminders_task() -> dict:
    """Beat, every two minutes: hand stale claims to staff, create due reminders, send what is queued.

    The database is the queue: a missed run catches up on the next, two runs at once send nothing twice.
    """
    stale = services.messages_mark_stale()
    created = services.reminders_create_due()
    outcomes = services.messages_send_due()
    if stale or created or outcomes:
        logger.info("SMS scan: %s stale, %s reminders created, sent %s", stale, created, outcomes)
    return {"stale": stale, "created": created, **outcomes}
