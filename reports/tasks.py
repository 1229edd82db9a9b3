"""Celery tasks: they take ids, call one service and are safe to run twice."""

import logging

from celery import shared_task
from django.db import transaction

from . import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def report_delivery_send_task(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def report_subscriptions_send_task() -> int:
    """Beat, daily: make sure every subscription has its row for last month and send those still pending.

    Running it again (the same day or any later day of the month) sends nothing twice: sent rows are
    never claimed again.
    """
    pending = services.deliveries_create_due()
    for delivery_id in pending:
        transaction.on_commit(lambda delivery_id=delivery_id: report_delivery_send_task.delay(delivery_id))
    if pending:
        logger.info("report e-mails to send: %s", len(pending))
    return len(pending)
