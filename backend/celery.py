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
    would come back for ever. Each delivery is counted in the cache before the task runs (a retry is a
    new message and counts afresh); past the limit the message is acknowledged without running and an
    error is logged. Tasks only say "go and look": the daily and minute scans find the work again.
    """

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.is_eager and not request.called_directly:
            deliveries = _count_delivery(f"celery-deliveries:{request.id}:{request.retries}")
            from django.conf import settings

            limit = settings.CELERY_TASK_MAX_DELIVERIES
            if deliveries > limit:
                logger.error(
                    "task %s[%s] dropped: its worker process was lost during each of %s deliveries",
                    self.name,
                    request.id,
                    limit,
                )
                return None
        return super().__call__(*args, **kwargs)


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
