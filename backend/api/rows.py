"""Serializer output from `.values()` rows, for the hot list endpoints (devices, loans): the same JSON as the
serializer (pinned by tests), without model instances or DRF's per-field, per-value machinery."""

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


def plain_iso(field) -> bool:
    """True when DRF would print the field's dates in ISO 8601 in the current time zone (the default)."""
    default = api_settings.DATETIME_FORMAT if isinstance(field, serializers.DateTimeField) else api_settings.DATE_FORMAT
    return getattr(field, "format", default) == ISO_8601 and not hasattr(field, "timezone")


def date_iso(value):
    return value if isinstance(value, str) else value.isoformat()


def converters(fields: list[tuple]) -> list[tuple]:
    """(name, key, convert or None) for one render of (name, `.values()` key or None, serializer field): DRF's
    own to_representation, except for ISO dates and aware datetimes, done here the way DRF does them
    (astimezone to the current time zone, isoformat, +00:00 -> Z) without its per-value settings and time-zone
    look-ups. Ids, strings, numbers, booleans and JSON come out of `.values()` as DRF prints them."""
    tz = timezone.get_current_timezone() if settings.USE_TZ else None

    def aware_datetime(field):
        def convert(value):
            if value.utcoffset() is None:
                return field.to_representation(value)
            text = value.astimezone(tz).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return convert

    out = []
    for name, key, field in fields:
        convert = None
        if key is None:
            pass
        elif isinstance(field, serializers.DateTimeField):
            convert = aware_datetime(field) if tz is not None and plain_iso(field) else field.to_representation
        elif isinstance(field, serializers.DateField):
            convert = date_iso if plain_iso(field) else field.to_representation
        elif isinstance(field, serializers.DecimalField):
            convert = field.to_representation
        out.append((name, key, convert))
    return out
