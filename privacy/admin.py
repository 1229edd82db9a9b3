from django.contrib import admin

from organizations.admin_base import TenantAdmin
from organizations.permissions import Action, can, organization_ids_allowing

from . import services
from .models import Anonymisation, ConsentRecord, PrivacyLogEntry, RetentionRule


class ReadOnlyTenantAdmin(TenantAdmin):
    """Records that are written by the services only: nobody edits or deletes them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(TenantAdmin):
    list_display = ["organization", "months", "updated_at"]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.MANAGE))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return can(request.user, obj.organization_id, Action.MANAGE)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organization" and not request.user.is_superuser:
            # only where the user is an administrator, not every organisation they are a member of
            field.queryset = field.queryset.filter(id__in=organization_ids_allowing(request.user, Action.MANAGE))
        return field

    def save_model(self, request, obj, form, change):
        """Through the service, as the API does: the change goes into the privacy log."""
        rule = services.retention_set(organization=obj.organization, months=obj.months, by=request.user)
        obj.pk, obj.updated_at = rule.pk, rule.updated_at


@admin.register(Anonymisation)
class AnonymisationAdmin(ReadOnlyTenantAdmin):
    list_display = ["at", "organization", "participant_id", "rule", "retention_months", "by"]
    list_filter = ["rule", "organization"]
    list_select_related = ["organization", "by"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyTenantAdmin):
    list_display = ["recorded_at", "organization", "participant", "given", "channel", "recorded_by"]
    list_filter = ["given", "channel", "organization"]
    list_select_related = ["organization", "participant", "recorded_by"]


@admin.register(PrivacyLogEntry)
class PrivacyLogEntryAdmin(ReadOnlyTenantAdmin):
    list_display = ["at", "organization", "action", "participant_id_ref", "by"]
    list_filter = ["action", "organization"]
    list_select_related = ["organization", "by"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=organization_ids_allowing(request.user, Action.MANAGE))
