"""Admin scoped like the API: non-superusers see and edit only their organisations' rows, by role."""

from simple_history.admin import SimpleHistoryAdmin

from .models import Organization
from .permissions import Action, can, organization_ids_allowing
from .selectors import user_roles


class TenantAdmin(SimpleHistoryAdmin):
    """Base admin for organisation-owned models (history included)."""

    organization_field = "organization"

    def _org_id(self, obj):
        return getattr(obj, f"{self.organization_field}_id")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organization_field}_id__in": list(user_roles(request.user))})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(
                id__in=organization_ids_allowing(request.user, Action.CHANGE)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(user_roles(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return can(request.user, self._org_id(obj), Action.VIEW)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.CHANGE))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return can(request.user, self._org_id(obj), Action.CHANGE)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.DELETE))
        return can(request.user, self._org_id(obj), Action.DELETE)
