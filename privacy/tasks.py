"""Celery tasks: no arguments or ids only, one service each, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def participants_anonymise_due_task() -> int:
    """Beat, daily: anonymise participants past their organisation's retention period (a re-run does nothing)."""
    return services.participants_anonymise_due()
