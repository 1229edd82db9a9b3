"""The base every tenant API view stands on: scoped queryset, role checks, 404 for other tenants."""

from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from ..permissions import Action, IsMember, can, organization_ids_allowing, required_action


class TenantViewSetMixin:
    """A viewset over one organisation-owned model.

    `selector(user)` returns only rows of the caller's organisations, so another organisation's
    object is simply not found (404). Object-level permissions check the caller's role there.
    """

    permission_classes = [IsMember]
    selector = None
    organization_field = "organization"

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def organization_id_of(self, obj) -> int:
        return getattr(obj, f"{self.organization_field}_id")

    def queryset_allowing(self, queryset, action: Action):
        """`queryset` narrowed to the organisations where the caller's role allows `action` (a list route
        has no object to check): a volunteer exporting is 403; a user who is staff in one organisation and
        volunteer in another exports only the first's rows."""
        user = self.request.user
        if user.is_superuser:
            return queryset
        allowed = organization_ids_allowing(user, action)
        if not allowed:
            raise PermissionDenied(_("Your role in this organisation does not allow this."))
        return queryset.filter(**{f"{self.organization_field}_id__in": allowed})

    def check_create_permission(self, organization) -> None:
        if not can(self.request.user, organization.id, required_action(self.request, self)):
            raise PermissionDenied(_("Your role in this organisation does not allow this."))

    def perform_create(self, serializer):
        self.check_create_permission(serializer.validated_data["organization"])
        serializer.save()


class TenantModelViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
