"""The internet code a `code_delivery` SMS carried, so that the SMS log can mask it (messaging.secrets)."""

from django.contrib.contenttypes.models import ContentType

from .models import EligibilityCode


def codes_in_messages(messages: list) -> dict[int, list[str]]:
    code_type = ContentType.objects.get_for_model(EligibilityCode)
    ids = {m.object_id for m in messages if m.content_type_id == code_type.id and m.object_id}
    codes = dict(EligibilityCode.objects.filter(id__in=ids).values_list("id", "code"))
    return {m.pk: [codes[m.object_id]] for m in messages if m.object_id in codes and m.content_type_id == code_type.id}
