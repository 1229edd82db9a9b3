from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InventoryConfig(AppConfig):
    name = "inventory"

    def ready(self):
        post_migrate.connect(_rebuild_device_counts, sender=self)


def _rebuild_device_counts(sender, using, **kwargs):
    """`flush` (transactional tests, `manage.py flush`) empties the tables one by one: on SQLite the device
    table's delete triggers then write -1 rows after the count table was emptied. flush and migrate both
    send post_migrate: the counts are recounted from the devices then."""
    from .services import device_counts_rebuild

    device_counts_rebuild(using=using)
