"""Serializer fields shared by the apps."""

from collections.abc import Mapping

from rest_framework import serializers


class RelatedCharField(serializers.CharField):
    """A read-only value across an optional relation (`source="grant.name"`): null when the relation is empty.

    DRF's `default=None` does this for full updates but drops the key on PATCH; this always answers it,
    and the schema says it may be null.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        for attr in self.source_attrs:
            if instance is None:
                return None
            instance = instance.get(attr) if isinstance(instance, Mapping) else getattr(instance, attr, None)
        return instance
