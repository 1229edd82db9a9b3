"""Serializer pieces that keep writes inside the caller's organisations."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organization
from ..permissions import Action, organization_ids_allowing


@extend_schema_field(OpenApiTypes.INT)
class OrganizationField(serializers.PrimaryKeyRelatedField):
    """An organisation the requesting user may write to with `action`; others are 'does not exist'."""

    def __init__(self, action: Action = Action.CHANGE, **kwargs):
        self.required_action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Organization.objects.none()
        if request.user.is_superuser:
            return Organization.objects.all()
        return Organization.objects.filter(id__in=organization_ids_allowing(request.user, self.required_action))


class TenantSerializerMixin(serializers.Serializer):
    """`organization` is optional when the caller belongs to one organisation, and fixed after creation."""

    organization_action = Action.CHANGE

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)):
            fields["organization"] = serializers.PrimaryKeyRelatedField(read_only=True)
        else:
            fields["organization"] = OrganizationField(
                action=self.organization_action,
                required=False,
                help_text=_("Organisation id; may be left out by members of a single organisation."),
            )
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and "organization" not in attrs:
            choices = list(self.fields["organization"].get_queryset()[:2])
            if len(choices) != 1:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organization"] = choices[0]
        return attrs
