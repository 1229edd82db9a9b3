"""Celery application.

Embedded default: kombu's filesystem transport under var/broker (no server needed).
Production: CELERY_BROKER_URL=redis://... Work that must not be lost lives in the database;
a task only says "go and look", so a lost task delays work and never loses it.
"""

import logging
import os

from celery import Celery, Task
from celery.signals import after_setup_logger, after_setup_task_logger, beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

logger = logging.getLogger("lendwise")
DELIVERIES_KEPT_FOR = 24 * 3600


class CappedRedeliveryTask(Task):
    """Runs a task message at most CELERY_TASK_MAX_DELIVERIES times.

    A worker process that dies mid-task gives the message back to the broker (acks_late with
    reject_on_worker_lost), so a task that itself kills its process (runs out of memory on some input)
    would come back for ever. Each delivery is counted in the cache before the task runs and forgotten when
    it ends (a retry is a new message and counts afresh), so only a message whose process died stays
    counted; past the limit it is acknowledged without running and an error is logged. Tasks only say "go
    and look": the daily and minute scans find the work again.
    """

    def __call__(self, *args, **kwargs):
        request = self.request
        if not request.id or request.is_eager or request.called_directly:
            return super().__call__(*args, **kwargs)
        from django.conf import settings

        key = f"celery-deliveries:{request.id}:{request.retries}"
        if _count_delivery(key) > settings.CELERY_TASK_MAX_DELIVERIES:
            logger.error(
                "task %s[%s] dropped: its worker process was lost during each of %s deliveries",
                self.name,
                request.id,
                settings.CELERY_TASK_MAX_DELIVERIES,
            )
            _forget(key)
            return None
        try:
            return super().__call__(*args, **kwargs)
        finally:  # finished, one way or the other (a lost process never gets here): nothing left to count
            _forget(key)


def _forget(key: str) -> None:
    from django.core.cache import cache

    try:
        cache.delete(key)
    except Exception:  # the entry then expires after a day
        logger.warning("could not forget %s", key, exc_info=True)


def _count_delivery(key: str) -> int:
    """This delivery's number (1 for the first); 0 when the cache cannot count (the task then runs)."""
    from django.core.cache import cache

    try:
        cache.add(key, 0, timeout=DELIVERIES_KEPT_FOR)
        return cache.incr(key)
    except Exception:  # a cache outage must not stop the work; the limit is a safety net
        logger.warning("could not count deliveries of %s", key, exc_info=True)
        return 0


app = Celery("backend", task_cls=CappedRedeliveryTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _log_worker_ready(sender=None, **kwargs):
    from django.conf import settings

    logging.getLogger("lendwise").info("celery worker started (broker: %s)", settings.CELERY_BROKER_DISPLAY)


@beat_init.connect
def _log_beat_ready(sender=None, **kwargs):
    logging.getLogger("lendwise").info("celery beat started (scheduler: django_celery_beat DatabaseScheduler)")


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_personal_data(logger=None, **kwargs):
    """Celery replaces Django's log handlers in the worker and beat: give its handlers the same mask."""
    from privacy.logfilter import MaskPersonalData

    for handler in logger.handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
