"""Inventory's periodic work (beat schedule in backend/settings.py)."""

from celery import shared_task

from . import services


@shared_task(name="inventory.device_counts_compact")
def device_counts_compact_task() -> int:
    """Idempotent: folding folded counts changes nothing."""
    return services.device_counts_compact()
