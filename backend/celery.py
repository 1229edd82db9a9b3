"""Celery application.

Embedded default: kombu's filesystem transport under var/broker (no server needed).
Production: CELERY_BROKER_URL=redis://... Work that must not be lost lives in the database;
a task only says "go and look", so a lost task delays work and never loses it.
"""

import logging
import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
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
